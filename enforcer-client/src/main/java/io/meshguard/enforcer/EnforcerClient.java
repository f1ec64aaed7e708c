package io.meshguard.enforcer;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.meshguard.store.EnforcementKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The reference enforcer client: answers allow / limit / deny for an identity (and its segment's
 * cap) from the Redis enforcement store that meshguard's job writes, caching entries in memory and
 * dropping them when the job announces a change on the notification channel.
 *
 * <pre>{@code
 * try (EnforcerClient enforcer = EnforcerClient.connect(
 *         EnforcerClientConfig.builder().uri("redis://store:6379").build())) {
 *     Verdict v = enforcer.verdict("user:alice", "asn:64666");
 *     switch (v.outcome()) {
 *         case DENY -> reject(429);
 *         case LIMIT -> limiterFor(v.key(), v.limitRps()).acquireOrReject();
 *         case ALLOW -> pass();
 *     }
 * }
 * }</pre>
 *
 * <p><b>Reads.</b> A verdict needs the identity's entry ({@code <prefix>identity:<escaped id>}) and,
 * when a segment is given, the segment's ({@code <prefix>segment:<escaped id>}), keys built with the
 * job's own {@link EnforcementKeys}. Cached entries answer without I/O; missing ones are read with
 * one pipelined round trip ({@code HGETALL}) bounded by the command timeout.
 *
 * <p><b>Cache.</b> Bounded (least recently used out first). Present entries stay until a
 * notification for their key arrives; a quarantine also ends by the local clock at its {@code
 * expires_at}, since an expiring key announces nothing. "No entry" is cached for the negative TTL.
 * Each confirmed (re)subscription to the channel drops the whole cache: pub/sub keeps nothing for an
 * absent subscriber, so whatever changed while the subscription was down is unknown. See {@link
 * EntryCache} for the races this closes.
 *
 * <p><b>Store unreachable.</b> Lettuce reconnects in the background (exponential backoff up to the
 * configured maximum); meanwhile commands fail at once instead of queueing, so a verdict never waits
 * on a dead store longer than the command timeout. A verdict that cannot read the store is {@link
 * Verdict#degraded() degraded}: within the stale tolerance after the subscription was lost it comes
 * from the last cached entry (while the store is down the job cannot change it either, and a known
 * quarantine keeps holding through a blip); otherwise the failure mode decides: {@link
 * FailureMode#FAIL_OPEN} (default) allows, {@link FailureMode#FAIL_CLOSED} denies. A client whose
 * first connection fails still starts, answers per its failure mode, and keeps trying to connect.
 *
 * <p>Thread-safe; create one per process and share it.
 */
public final class EnforcerClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EnforcerClient.class.getName());

    private final EnforcerClientConfig config;
    private final Clock clock;
    private final EntryCache cache;
    private final long staleToleranceNanos;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService connector;

    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean closed;

    private EnforcerClient(EnforcerClientConfig config, Clock clock, LongSupplier nanoClock) {
        this.config = config;
        this.clock = clock;
        this.cache = new EntryCache(config.maxCacheEntries(), config.negativeTtl().toNanos(), nanoClock);
        this.staleToleranceNanos = config.staleTolerance().toNanos();
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), config.reconnectDelayMax(), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, config.toRedisUri());
        Duration connectTimeout = config.commandTimeout().compareTo(Duration.ofSeconds(1)) > 0
                ? config.commandTimeout() : Duration.ofSeconds(1);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail at once while disconnected: a verdict must not queue behind a dead store.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler instanceof StatefulRedisPubSubConnection) {
                    cache.desynchronized();
                }
            }
        });
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshguard-enforcer-connect");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A client for {@code config}, subscribed and ready when the store is reachable; otherwise
     * answering per its failure mode while it keeps trying to connect.
     */
    public static EnforcerClient connect(EnforcerClientConfig config) {
        return connect(config, Clock.systemUTC(), System::nanoTime);
    }

    static EnforcerClient connect(EnforcerClientConfig config, Clock clock, LongSupplier nanoClock) {
        EnforcerClient c = new EnforcerClient(Objects.requireNonNull(config, "config"), clock, nanoClock);
        if (!c.establish()) {
            c.scheduleConnect();
        }
        return c;
    }

    /** The verdict for {@code identity}, ignoring segments. */
    public Verdict verdict(String identity) {
        return verdict(identity, null);
    }

    /**
     * The verdict for {@code identity} (the raw id, as in telemetry) in {@code segment} (the raw
     * segment id, e.g. {@code asn:64666}, or null). Never throws for store failures: those give a
     * {@linkplain Verdict#degraded() degraded} verdict.
     */
    public Verdict verdict(String identity, String segment) {
        Objects.requireNonNull(identity, "identity");
        String identityKey = EnforcementKeys.identityKey(identity);
        String segmentKey = segment == null ? null : EnforcementKeys.segmentKey(segment);

        StoreEntry id = cache.fresh(identityKey);
        StoreEntry seg = segmentKey == null ? null : cache.fresh(segmentKey);
        if (id == null || (segmentKey != null && seg == null)) {
            long deadline = System.nanoTime() + config.commandTimeout().toNanos();
            // Both requests go out before either is awaited: one round trip.
            Pending pendingId = id == null ? read(identityKey) : null;
            Pending pendingSeg = segmentKey != null && seg == null ? read(segmentKey) : null;
            if (pendingId != null) {
                id = pendingId.await(deadline);
            }
            if (pendingSeg != null) {
                seg = pendingSeg.await(deadline);
            }
            if (id == null || (segmentKey != null && seg == null)) {
                return degraded(identityKey, segmentKey, id, seg);
            }
        }
        return VerdictRules.decide(id, seg, clock.millis(), false);
    }

    /** Whether the subscription is up, so that cached entries are trusted. */
    public boolean isSynchronized() {
        return cache.isSynced();
    }

    public CacheStats stats() {
        return cache.stats();
    }

    public EnforcerClientConfig config() {
        return config;
    }

    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        synchronized (this) {
            if (pubSub != null) {
                pubSub.close();
            }
            if (connection != null) {
                connection.close();
            }
        }
        // No quiet period: nothing else runs on this client's event loops.
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** Without the store: the cached entries if recent enough, else the failure mode. */
    private Verdict degraded(String identityKey, String segmentKey, StoreEntry id, StoreEntry seg) {
        StoreEntry identity = id != null ? id : cache.stale(identityKey, staleToleranceNanos);
        StoreEntry segment = segmentKey == null ? null
                : seg != null ? seg
                : orAbsent(cache.stale(segmentKey, staleToleranceNanos), segmentKey);
        if (identity == null) {
            return VerdictRules.unreachable(config.failureMode(), identityKey, segment);
        }
        return VerdictRules.decide(identity, segment, clock.millis(), true);
    }

    private static StoreEntry orAbsent(StoreEntry e, String key) {
        return e != null ? e : StoreEntry.absent(key);
    }

    private Pending read(String key) {
        EntryCache.Load load = cache.beginLoad(key);
        StatefulRedisConnection<String, String> c = connection;
        RedisFuture<Map<String, String>> future = null;
        if (c != null && c.isOpen()) {
            try {
                future = c.async().hgetall(config.keyPrefix() + key);
            } catch (RuntimeException e) {
                // Rejected while disconnected: same as a failed read.
            }
        }
        return new Pending(key, load, future);
    }

    /** One {@code HGETALL} in flight, registered with the cache so a notification can overtake it. */
    private final class Pending {
        final String key;
        final EntryCache.Load load;
        final RedisFuture<Map<String, String>> future;

        Pending(String key, EntryCache.Load load, RedisFuture<Map<String, String>> future) {
            this.key = key;
            this.load = load;
            this.future = future;
        }

        /** The entry read, or null when the store could not answer by {@code deadlineNanos}. */
        StoreEntry await(long deadlineNanos) {
            StoreEntry entry = null;
            try {
                if (future != null) {
                    long wait = Math.max(0, deadlineNanos - System.nanoTime());
                    entry = StoreEntry.parse(key, future.get(wait, TimeUnit.NANOSECONDS));
                }
            } catch (ExecutionException e) {
                if (isWrongType(e.getCause())) {
                    // Not a hash (someone wrote the key by hand): no entry, as the job also treats it.
                    entry = StoreEntry.absent(key);
                }
            } catch (TimeoutException e) {
                future.cancel(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // Anything else from the client is a failed read too: degrade, never throw to the caller.
            } finally {
                cache.completeLoad(load, entry);
            }
            return entry;
        }
    }

    private static boolean isWrongType(Throwable t) {
        return t instanceof RedisCommandExecutionException && t.getMessage() != null
                && t.getMessage().startsWith("WRONGTYPE");
    }

    /**
     * Opens the pub/sub and command connections (whichever is missing). True when both are open;
     * from then on Lettuce reconnects them by itself.
     */
    private synchronized boolean establish() {
        if (closed) {
            return true;
        }
        try {
            if (pubSub == null) {
                StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub();
                try {
                    ps.addListener(new Notifications());
                    // Lettuce re-issues this SUBSCRIBE after every reconnect; each confirmation resyncs.
                    ps.sync().subscribe(config.channel());
                } catch (RuntimeException e) {
                    ps.close();
                    throw e;
                }
                pubSub = ps;
            }
            if (connection == null) {
                connection = client.connect();
            }
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "enforcement store " + config.describeServer()
                    + " unreachable, answering " + config.failureMode() + " and retrying: " + e.getMessage());
            return false;
        }
    }

    private void scheduleConnect() {
        if (closed) {
            return;
        }
        connector.schedule(() -> {
            if (!establish()) {
                scheduleConnect();
            }
        }, config.reconnectDelayMax().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Invalidates on each announced key; resyncs on each confirmed (re)subscription. */
    private final class Notifications extends RedisPubSubAdapter<String, String> {
        @Override
        public void message(String channel, String key) {
            if (config.channel().equals(channel)) {
                cache.invalidate(key);
            }
        }

        @Override
        public void subscribed(String channel, long count) {
            if (config.channel().equals(channel)) {
                cache.resynchronized();
            }
        }
    }
}
