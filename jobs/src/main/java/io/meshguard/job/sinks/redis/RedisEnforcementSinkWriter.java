package io.meshguard.job.sinks.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.meshguard.store.EnforcementRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of {@link RedisEnforcementSink}: sends each batch as pipelined EVALSHA calls of the
 * {@link CompareAndSetScript} on one Lettuce connection per subtask (auto-flush off, one flush per
 * batch) and reports per entry: 1 written, 0 skipped as not newer, or failed.
 *
 * <p><b>Retries.</b> Entries whose command failed (refused, disconnected, timed out, any Redis
 * error) go back to the base class through {@link ResultHandler#retryForEntries}, but only after
 * an exponential backoff with jitter ({@code initial * 2^(n-1)}, capped, n = consecutive failed
 * rounds, reset by a fully successful batch). The delay runs on a small scheduler thread, never on
 * the mailbox thread; meanwhile the batch keeps its in-flight slot, which is what turns a long
 * outage into backpressure instead of a hot retry loop. Nothing is ever dropped and the job is
 * never failed by Redis.
 *
 * <p><b>Connection.</b> Lettuce reconnects by itself once connected; commands issued while it is
 * disconnected are rejected at once ({@code REJECT_COMMANDS}) so they fail into the backoff
 * above rather than queue silently, and every command has the request timeout. A first connect that
 * fails (Redis down at start) is retried on the next submission.
 */
final class RedisEnforcementSinkWriter extends AsyncSinkWriter<EnforcementRecord, RedisWrite> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisEnforcementSinkWriter.class);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RedisStoreConfig config;
    private final String keyPrefix;
    private final String channel;
    private final long releaseRetentionMillis;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService retryTimer;

    private final Object connectLock = new Object();
    private CompletableFuture<StatefulRedisConnection<String, String>> connection;

    private final AtomicInteger consecutiveFailedRounds = new AtomicInteger();
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
    private final AtomicLong suppressedWarnings = new AtomicLong();
    private volatile long lastWriteLatencyMillis;

    private final Counter writes;
    private final Counter staleSkipped;
    private final Counter retries;
    private final Counter failures;

    RedisEnforcementSinkWriter(
            ElementConverter<EnforcementRecord, RedisWrite> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration writerConfig,
            RedisStoreConfig config,
            Collection<BufferedRequestState<RedisWrite>> state) {
        super(converter, context, writerConfig, state);
        this.config = config;
        this.keyPrefix = config.keyPrefix();
        this.channel = config.channel();
        this.releaseRetentionMillis = config.releaseRetention().toMillis();
        this.uri = config.toRedisUri();

        MetricGroup group = context.metricGroup().addGroup("meshguard");
        this.writes = group.counter("redisWrites", new ThreadSafeSimpleCounter());
        this.staleSkipped = group.counter("redisStaleSkipped", new ThreadSafeSimpleCounter());
        this.retries = group.counter("redisRetries", new ThreadSafeSimpleCounter());
        this.failures = group.counter("redisFailures", new ThreadSafeSimpleCounter());
        group.gauge("redisLastWriteLatencyMs", () -> lastWriteLatencyMillis);

        long initial = config.retryBackoffInitial().toMillis();
        long max = config.retryBackoffMax().toMillis();
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.equalJitter(initial, max, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        this.client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.requestTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(config.requestTimeout()).build())
                .build());
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-sink-retry-" + context.getTaskInfo().getIndexOfThisSubtask());
            t.setDaemon(true);
            return t;
        });
        LOG.info("Redis enforcement sink writer {} for {}", context.getTaskInfo().getIndexOfThisSubtask(),
                config);
    }

    @Override
    protected void submitRequestEntries(List<RedisWrite> entries, ResultHandler<RedisWrite> handler) {
        long start = System.nanoTime();
        connection().whenComplete((conn, connectError) -> {
            if (connectError != null) {
                retryLater(entries, entries.size(), handler, connectError);
                return;
            }
            RedisAsyncCommands<String, String> redis = conn.async();
            List<CompletableFuture<Long>> results = new ArrayList<>(entries.size());
            for (RedisWrite w : entries) {
                results.add(write(conn, redis, w).toCompletableFuture());
            }
            // One socket write for the whole batch (auto-flush is off), not one per command.
            conn.flushCommands();
            CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
                    .whenComplete((ignored, anyError) -> onBatchDone(entries, results, start, handler));
        });
    }

    private CompletionStage<Long> write(
            StatefulRedisConnection<String, String> conn, RedisAsyncCommands<String, String> redis, RedisWrite w) {
        String[] keys = {keyPrefix + w.key};
        String[] args = CompareAndSetScript.arguments(w, releaseRetentionMillis, channel);
        CompletionStage<Long> viaSha = redis.evalsha(CompareAndSetScript.SHA1, ScriptOutputType.INTEGER, keys, args);
        return viaSha.handle((result, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(result);
                    }
                    if (unwrap(error) instanceof RedisNoScriptException) {
                        // First use on this server, or it restarted: EVAL runs it and caches it again.
                        CompletionStage<Long> viaEval =
                                redis.eval(CompareAndSetScript.SOURCE, ScriptOutputType.INTEGER, keys, args);
                        conn.flushCommands();
                        return viaEval.toCompletableFuture();
                    }
                    return CompletableFuture.<Long>failedFuture(unwrap(error));
                })
                .thenCompose(f -> f);
    }

    private void onBatchDone(
            List<RedisWrite> entries, List<CompletableFuture<Long>> results, long start,
            ResultHandler<RedisWrite> handler) {
        List<RedisWrite> failed = null;
        Throwable firstError = null;
        for (int i = 0; i < entries.size(); i++) {
            CompletableFuture<Long> r = results.get(i);
            if (r.isCompletedExceptionally()) {
                if (failed == null) {
                    failed = new ArrayList<>();
                    firstError = errorOf(r);
                }
                failed.add(entries.get(i));
            } else if (r.join() == 1L) {
                writes.inc();
            } else {
                staleSkipped.inc();
            }
        }
        if (failed == null) {
            lastWriteLatencyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (consecutiveFailedRounds.getAndSet(0) > 0) {
                LOG.info("Redis enforcement store writes succeed again ({})", config.describeServer());
            }
            handler.complete();
        } else {
            retryLater(failed, entries.size(), handler, firstError);
        }
    }

    /** Hands {@code failed} back to the base class after the backoff, off the mailbox thread. */
    private void retryLater(List<RedisWrite> failed, int batchSize, ResultHandler<RedisWrite> handler, Throwable error) {
        int round = consecutiveFailedRounds.incrementAndGet();
        long delay = backoffMillis(round);
        failures.inc(failed.size());
        retries.inc();
        warnRateLimited(failed.size(), batchSize, round, delay, error);
        try {
            retryTimer.schedule(() -> handler.retryForEntries(failed), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            handler.retryForEntries(failed);
        }
    }

    long backoffMillis(int round) {
        long initial = config.retryBackoffInitial().toMillis();
        long max = config.retryBackoffMax().toMillis();
        long exp = initial << Math.min(Math.max(round - 1, 0), 30);
        long capped = exp <= 0 ? max : Math.min(max, exp);
        // Equal jitter: half fixed, half random, so subtasks do not retry in lockstep.
        long half = capped / 2;
        return half + ThreadLocalRandom.current().nextLong(capped - half + 1);
    }

    private void warnRateLimited(int failedCount, int batchSize, int round, long delay, Throwable error) {
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarnNanos.compareAndSet(last, now)) {
            long suppressed = suppressedWarnings.getAndSet(0);
            LOG.warn("Redis enforcement store write failed for {} of {} entries ({}); retry round {} in {} ms"
                            + " ({} similar warnings suppressed in the last {} s): {}",
                    failedCount, batchSize, config.describeServer(), round, delay, suppressed,
                    TimeUnit.NANOSECONDS.toSeconds(now - last), String.valueOf(error));
        } else {
            suppressedWarnings.incrementAndGet();
        }
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        synchronized (connectLock) {
            if (connection == null || connection.isCompletedExceptionally()) {
                connection = client.connectAsync(StringCodec.UTF8, uri)
                        .thenApply(c -> {
                            // Batches are pipelined and flushed once each; see submitRequestEntries.
                            c.setAutoFlushCommands(false);
                            return c;
                        })
                        .toCompletableFuture();
            }
            return connection;
        }
    }

    @Override
    protected long getSizeInBytes(RedisWrite w) {
        return w.sizeInBytes();
    }

    @Override
    public void close() {
        retryTimer.shutdownNow();
        synchronized (connectLock) {
            if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
                connection.join().close();
            }
            connection = null;
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        super.close();
    }

    private static Throwable errorOf(CompletableFuture<?> failed) {
        try {
            failed.join();
            return null;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return unwrap(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
