package io.meshguard.job.sinks.redis;

import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.EnforcementRecord;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes enforcement entries to Redis, where enforcers read them: Flink's async sink (batching,
 * bounded in-flight requests and buffer, hence backpressure) over Lettuce, each entry a
 * version-guarded compare-and-set in one Lua script, followed by a notification.
 *
 * <h2>The store (the enforcer contract)</h2>
 *
 * <p><b>Key</b>: {@code <prefix><key>}, prefix {@code mg:} by default, {@code <key>} built by
 * {@link EnforcementKeys} from the raw id: {@code identity:<escaped id>} or {@code segment:<escaped
 * id>} (only {@code A-Z a-z 0-9 . _ - : / @} kept, other UTF-8 bytes {@code %XX}, long ids cut and
 * suffixed {@code ~<sha256>}), e.g. {@code mg:identity:user:alice}, {@code mg:segment:asn:64666}.
 *
 * <p><b>Value</b>: a hash of strings with the fields of {@link io.meshguard.store.EnforcementJson},
 * numbers as that JSON writes them, timestamps ISO-8601 UTC; a field whose JSON value is null is
 * absent.
 *
 * <ul>
 *   <li>Identity: {@code key, kind=identity, id, action (RATE_LIMIT|QUARANTINE), limit_rps
 *       (RATE_LIMIT), expires_at (QUARANTINE), version, policy_version, ts, segment, trigger,
 *       pattern}.
 *   <li>Segment: {@code key, kind=segment, id, mode, cap_rps (CLAMPED), rate_limit_score,
 *       quarantine_score, limit_multiplier, min_limit_rps, tightening_factor, version,
 *       policy_version, ts, trigger}.
 *   <li>Release (identity allowed again): only {@code action=ALLOW, version, ts}.
 * </ul>
 *
 * <p><b>TTL</b>: a QUARANTINE expires at {@code expires_at} ({@code PEXPIREAT}): the key vanishes on
 * its own, and a missing identity key means "no decision": allow. A quarantine whose end is already
 * past by Redis' clock when written is stored as a release instead, so its version stays. A release
 * lives for the release retention (default 1 h) and then vanishes. RATE_LIMIT and segment entries
 * have no TTL; they change only when a newer version replaces them.
 *
 * <p><b>Versions</b>: {@code version} is strictly increasing per key. A write whose version is not
 * greater than the stored one is dropped by the script (counted as {@code redisStaleSkipped}), so
 * replays after a restore, retries and late duplicates never regress an entry. That is why the sink
 * is at-least-once and writes as soon as it can, without waiting for checkpoints. An accepted write
 * replaces the whole hash (DEL + HSET, so also any TTL); a key of another type under the prefix is
 * treated as holding no version and replaced.
 *
 * <p><b>Notifications</b>: after every accepted write the script publishes the unprefixed key (e.g.
 * {@code identity:user:alice}) on the channel ({@code mg:updates} by default), in the same atomic
 * step. An enforcer subscribes, drops or reloads that key from its cache on each message, and
 * re-reads everything it caches after (re)subscribing, since pub/sub keeps nothing for absent
 * subscribers.
 *
 * <h2>Failures</h2>
 *
 * <p>A Redis that is down, slow or refusing never fails the job: failed entries are retried with
 * exponential backoff (see {@link RedisEnforcementSinkWriter}), and while they wait they hold an
 * in-flight slot, so a long outage fills the buffer and backpressures the job instead of dropping
 * anything. A checkpoint waits for the requests in flight, so during an outage checkpoints take as
 * long as a retry round (at most the request timeout plus the maximum backoff) or longer.
 */
public final class RedisEnforcementSink extends AsyncSinkBase<EnforcementRecord, RedisWrite> {
    private static final long serialVersionUID = 1L;

    /** An id is unbounded (it is stored whole in {@code id}); refuse only the absurd. */
    static final long MAX_RECORD_BYTES = 1L << 20;

    private final RedisStoreConfig config;

    private RedisEnforcementSink(RedisStoreConfig config) {
        super(new RedisWriteConverter(),
                config.maxBatchSize(),
                config.maxInFlightRequests(),
                config.maxBufferedRequests(),
                Math.max(MAX_RECORD_BYTES, config.maxBatchSize() * 4096L),
                config.maxTimeInBuffer().toMillis(),
                MAX_RECORD_BYTES,
                baseRequestTimeoutMillis(config),
                false);
        this.config = config;
    }

    /** The sink for {@code config}; attach with {@code stream.sinkTo(...)} and give it a uid. */
    public static RedisEnforcementSink create(RedisStoreConfig config) {
        return new RedisEnforcementSink(Objects.requireNonNull(config, "config"));
    }

    /**
     * The async sink base's own timeout per request: a safety net only, above one command timeout
     * plus the longest backoff, after which it re-queues the batch itself (never fails, since
     * failOnTimeout is off).
     */
    static long baseRequestTimeoutMillis(RedisStoreConfig config) {
        return 2 * config.requestTimeout().toMillis() + config.retryBackoffMax().toMillis() + 5_000;
    }

    public RedisStoreConfig config() {
        return config;
    }

    @Override
    public StatefulSinkWriter<EnforcementRecord, BufferedRequestState<RedisWrite>> createWriter(
            WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<EnforcementRecord, BufferedRequestState<RedisWrite>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<RedisWrite>> recoveredState)
            throws IOException {
        return new RedisEnforcementSinkWriter(getElementConverter(), context, writerConfiguration(), config,
                recoveredState);
    }

    private org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration writerConfiguration() {
        return org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .setRequestTimeoutMS(getRequestTimeoutMS())
                .setFailOnTimeout(getFailOnTimeout())
                .build();
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<RedisWrite>> getWriterStateSerializer() {
        return new RedisWriteStateSerializer();
    }
}
