package io.meshguard.job.enforcer;

import static io.meshguard.job.Conditions.await;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.quarantine;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.rateLimit;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.release;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.segment;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meshguard.enforcer.EnforcerClient;
import io.meshguard.enforcer.EnforcerClientConfig;
import io.meshguard.enforcer.FailureMode;
import io.meshguard.enforcer.Verdict;
import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.job.sinks.redis.RedisEnforcementSink;
import io.meshguard.job.sinks.redis.RedisSinkTestSupport;
import io.meshguard.job.sinks.redis.RedisStoreConfig;
import io.meshguard.segment.SegmentMode;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.EnforcementRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The enforcer contract end to end: entries written by the real {@link RedisEnforcementSink} (in
 * bounded MiniCluster jobs) into a real redis-server, read back through the reference {@link
 * EnforcerClient}: verdicts per action, notification-driven cache invalidation, quarantines ending on
 * their own, and the failure mode through a Redis outage and recovery.
 */
class EnforcerClientIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension CLUSTER = RedisSinkTestSupport.miniCluster(2);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void emptyStore() {
        RedisSinkTestSupport.flushAll(REDIS);
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void quarantineDeniesRateLimitLimitsAndReleaseAllows() throws Exception {
        long now = System.currentTimeMillis();
        String hostile = "user:a b*?\n🙂";
        write(quarantine("user:q", 1, now, 600),
                rateLimit("user:r", 1, 12.5),
                rateLimit(hostile, 1, 4),
                quarantine("user:freed", 1, now, 600),
                release("user:freed", 2),
                segment("asn:64666", 3, SegmentMode.CLAMPED, 250));
        EnforcerClient client = client(EnforcerClientConfig.builder());

        Verdict q = client.verdict("user:q", "asn:64666");
        assertThat(q.outcome()).isEqualTo(Verdict.Outcome.DENY);
        assertThat(q.reason()).isEqualTo(Verdict.Reason.QUARANTINED);
        assertThat(q.key()).isEqualTo("identity:user:q");
        assertThat(q.action()).isEqualTo("QUARANTINE");
        assertThat(q.version()).isEqualTo(1);
        assertThat(q.expiresAtMillis()).isEqualTo(now + 600_000);
        assertThat(q.segmentMode()).isEqualTo(SegmentMode.CLAMPED);
        assertThat(q.segmentCapRps()).isEqualTo(250.0);
        assertThat(q.segmentVersion()).isEqualTo(3);
        assertThat(q.degraded()).isFalse();

        Verdict r = client.verdict("user:r", "asn:64666");
        assertThat(r.outcome()).isEqualTo(Verdict.Outcome.LIMIT);
        assertThat(r.limitRps()).isEqualTo(12.5);
        assertThat(r.action()).isEqualTo("RATE_LIMIT");

        assertThat(client.verdict(hostile).limitRps()).as("same escaping as the job").isEqualTo(4.0);

        Verdict freed = client.verdict("user:freed");
        assertThat(freed.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
        assertThat(freed.reason()).isEqualTo(Verdict.Reason.RELEASED);
        assertThat(freed.version()).isEqualTo(2);

        Verdict stranger = client.verdict("user:stranger", "asn:1");
        assertThat(stranger.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
        assertThat(stranger.reason()).isEqualTo(Verdict.Reason.NO_ENTRY);
        assertThat(stranger.segmentMode()).isNull();
    }

    @Test
    void cachedVerdictChangesWithinOneSecondOfANewerVersionBeingWritten() throws Exception {
        write(rateLimit("user:flip", 1, 5));
        EnforcerClient client = client(EnforcerClientConfig.builder());
        assertThat(client.verdict("user:flip").outcome()).isEqualTo(Verdict.Outcome.LIMIT);
        long hitsBefore = client.stats().hits();
        assertThat(client.verdict("user:flip").outcome()).isEqualTo(Verdict.Outcome.LIMIT);
        assertThat(client.stats().hits()).as("served from the cache").isGreaterThan(hitsBefore);

        // When the write was announced, seen by an independent subscriber.
        AtomicLong announcedAt = new AtomicLong();
        RedisClient watcher = RedisClient.create(REDIS.uri());
        toClose.add(() -> watcher.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        StatefulRedisPubSubConnection<String, String> sub = watcher.connectPubSub();
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (message.equals(EnforcementKeys.identityKey("user:flip"))) {
                    announcedAt.compareAndSet(0, System.nanoTime());
                }
            }
        });
        sub.sync().subscribe(RedisStoreConfig.DEFAULT_CHANNEL);

        // An enforcer asking all the while: when did it first see the new verdict?
        AtomicLong changedAt = new AtomicLong();
        AtomicReference<Verdict> changed = new AtomicReference<>();
        Thread asker = new Thread(() -> {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                Verdict v = client.verdict("user:flip");
                if (v.outcome() == Verdict.Outcome.DENY) {
                    changedAt.set(System.nanoTime());
                    changed.set(v);
                    return;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "enforcer-asker");
        asker.start();
        long invalidationsBefore = client.stats().invalidations();

        write(quarantine("user:flip", 2, System.currentTimeMillis(), 600));
        asker.join(WAIT.toMillis());

        assertThat(changed.get()).as("the new verdict was seen").isNotNull();
        assertThat(changed.get().version()).isEqualTo(2);
        assertThat(announcedAt.get()).as("the write was announced").isPositive();
        assertThat(Duration.ofNanos(changedAt.get() - announcedAt.get()))
                .as("from announcement to the enforcer's new verdict")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(client.stats().invalidations()).isGreaterThan(invalidationsBefore);
    }

    @Test
    void quarantineWithAShortTtlTurnsAllowOnItsOwn() throws Exception {
        write(quarantine("user:brief", 1, System.currentTimeMillis(), 6));
        EnforcerClient client = client(EnforcerClientConfig.builder());

        Verdict during = client.verdict("user:brief");
        assertThat(during.outcome()).as("still in force when first read (the write took under 6 s)")
                .isEqualTo(Verdict.Outcome.DENY);

        // Served from the cache, with no notification: the client's own expiry check ends it.
        Verdict after = awaitVerdict(() -> client.verdict("user:brief"), Verdict::isAllow, Duration.ofSeconds(15));
        assertThat(after.reason()).isEqualTo(Verdict.Reason.QUARANTINE_EXPIRED);
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(during.expiresAtMillis());

        // Redis drops the key itself; a client without a cache then finds no entry at all.
        EnforcerClient uncached = client(EnforcerClientConfig.builder());
        Verdict later = awaitVerdict(() -> uncached.verdict("user:brief"),
                v -> v.reason() == Verdict.Reason.NO_ENTRY, Duration.ofSeconds(5));
        assertThat(later.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
    }

    @Test
    void redisOutageIsAnsweredPerFailureModeAndRecoveryDropsTheCache() throws Exception {
        write(quarantine("user:known", 1, System.currentTimeMillis(), 600), rateLimit("user:limited", 1, 7));
        EnforcerClient open = client(EnforcerClientConfig.builder()); // FAIL_OPEN, stale tolerance 30 s
        EnforcerClient closed = client(EnforcerClientConfig.builder()
                .failureMode(FailureMode.FAIL_CLOSED).staleTolerance(Duration.ZERO));
        assertThat(open.verdict("user:known").outcome()).isEqualTo(Verdict.Outcome.DENY);
        assertThat(closed.verdict("user:limited").outcome()).isEqualTo(Verdict.Outcome.LIMIT);
        assertThat(open.stats().resyncs()).isEqualTo(1);

        REDIS.stop();
        try {
            Verdict unknown = awaitVerdict(() -> open.verdict("user:stranger"), Verdict::degraded, WAIT);
            assertThat(unknown.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
            assertThat(unknown.reason()).isEqualTo(Verdict.Reason.STORE_UNREACHABLE);

            Verdict known = awaitVerdict(() -> open.verdict("user:known"), Verdict::degraded, WAIT);
            assertThat(known.outcome()).as("a known quarantine holds through the outage").isEqualTo(
                    Verdict.Outcome.DENY);
            assertThat(known.reason()).isEqualTo(Verdict.Reason.QUARANTINED);

            Verdict closedUnknown = closed.verdict("user:stranger");
            assertThat(closedUnknown.outcome()).isEqualTo(Verdict.Outcome.DENY);
            assertThat(closedUnknown.degraded()).isTrue();
            Verdict closedKnown = awaitVerdict(() -> closed.verdict("user:limited"), Verdict::degraded, WAIT);
            assertThat(closedKnown.outcome()).as("no stale tolerance: the failure mode decides")
                    .isEqualTo(Verdict.Outcome.DENY);
            assertThat(closedKnown.reason()).isEqualTo(Verdict.Reason.STORE_UNREACHABLE);
        } finally {
            REDIS.start(); // empty: the server persists nothing
        }

        assertThat(await(() -> open.isSynchronized() && open.stats().resyncs() >= 2, WAIT))
                .as("re-subscribed after the restart").isTrue();
        // The restarted store is empty, so a cached quarantine surviving the resync would show here.
        // The command connection reconnects on its own schedule, apart from the subscription's.
        Verdict reread = awaitVerdict(() -> open.verdict("user:known"), v -> !v.degraded(), WAIT);
        assertThat(reread.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
        assertThat(reread.reason()).isEqualTo(Verdict.Reason.NO_ENTRY);
        assertThat(reread.degraded()).isFalse();
        assertThat(await(closed::isSynchronized, WAIT)).isTrue();
        assertThat(awaitVerdict(() -> closed.verdict("user:stranger"), v -> !v.degraded(), WAIT).degraded()).isFalse();

        write(rateLimit("user:known", 2, 3));
        Verdict rewritten = awaitVerdict(() -> open.verdict("user:known"), Verdict::isLimit, WAIT);
        assertThat(rewritten.limitRps()).isEqualTo(3.0);
        assertThat(rewritten.version()).isEqualTo(2);
    }

    // ---- helpers ----

    private EnforcerClient client(EnforcerClientConfig.Builder config) throws InterruptedException {
        EnforcerClient c = EnforcerClient.connect(config.endpoint(RedisSinkTestSupport.endpoint(REDIS))
                .reconnectDelayMax(Duration.ofMillis(200)).build());
        toClose.add(c);
        assertThat(await(c::isSynchronized, WAIT)).as("subscribed").isTrue();
        return c;
    }

    /** Writes {@code records} in order through the real sink, in one bounded job. */
    private static void write(EnforcementRecord... records) throws Exception {
        RedisSinkTestSupport.runJob(List.of(records), RedisSinkTestSupport.config(REDIS).build(), 1);
    }

    /** The first verdict satisfying {@code wanted}, polled for at most {@code timeout}; fails otherwise. */
    private static Verdict awaitVerdict(Supplier<Verdict> ask, Predicate<Verdict> wanted,
            Duration timeout) throws InterruptedException {
        AtomicReference<Verdict> last = new AtomicReference<>();
        boolean ok = await(() -> {
            last.set(ask.get());
            return wanted.test(last.get());
        }, timeout);
        assertThat(ok).as("verdict wanted within %s; last was %s", timeout, last.get()).isTrue();
        return last.get();
    }
}
