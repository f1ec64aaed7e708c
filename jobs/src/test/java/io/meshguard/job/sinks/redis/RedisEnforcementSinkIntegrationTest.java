package io.meshguard.job.sinks.redis;

import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.WAIT;
import static io.meshguard.job.Conditions.await;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.config;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.quarantine;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.rateLimit;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.release;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.runJob;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.segment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.job.sinks.redis.RedisSinkTestSupport.Store;
import io.meshguard.segment.SegmentMode;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.EnforcementRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis enforcement sink against a real redis-server, through bounded MiniCluster jobs: the
 * version-guarded compare-and-set, TTLs, the hash layout, notifications and safe keys.
 */
class RedisEnforcementSinkIntegrationTest {
    private static final String PREFIX = "mg:";

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension CLUSTER = RedisSinkTestSupport.miniCluster(2);

    private static Store store;

    @BeforeAll
    static void connect() {
        store = new Store(REDIS.uri());
    }

    @AfterAll
    static void disconnect() {
        store.close();
    }

    @BeforeEach
    void emptyStore() {
        store.redis.flushall();
    }

    private static RedisStoreConfig sinkConfig() {
        return config(REDIS).releaseRetention(Duration.ofMinutes(10)).build();
    }

    private static Map<String, String> entryOf(EnforcementRecord r) {
        return store.redis.hgetall(PREFIX + r.key);
    }

    @Test
    void rateLimitIsStoredAsAHashOfTheEnforcementJsonFieldsWithoutTtl() throws Exception {
        EnforcementRecord r = rateLimit("user:alice", 5, 12.5);

        runJob(List.of(r), sinkConfig(), 1);

        assertThat(entryOf(r)).containsOnly(
                entry("key", "identity:user:alice"),
                entry("kind", "identity"),
                entry("id", "user:alice"),
                entry("action", "RATE_LIMIT"),
                entry("limit_rps", "12.50"),
                entry("version", "5"),
                entry("policy_version", "3"),
                entry("ts", "2026-01-01T00:00:05.000Z"),
                entry("segment", "asn:64666"),
                entry("trigger", "rate"));
        assertThat(store.redis.pttl(PREFIX + r.key)).isEqualTo(-1L);
    }

    @Test
    void newerVersionOverwritesAndOlderOrEqualOnesAreSkipped() throws Exception {
        runJob(List.of(rateLimit("user:bob", 5, 10)), sinkConfig(), 1);

        // An older and an equal version with different content: both must leave v5 untouched.
        runJob(List.of(rateLimit("user:bob", 3, 1), rateLimit("user:bob", 5, 2)), sinkConfig(), 1);
        assertThat(entryOf(rateLimit("user:bob", 5, 10)))
                .contains(entry("version", "5"), entry("limit_rps", "10.00"));

        runJob(List.of(rateLimit("user:bob", 6, 20)), sinkConfig(), 1);
        assertThat(entryOf(rateLimit("user:bob", 6, 20)))
                .contains(entry("version", "6"), entry("limit_rps", "20.00"));
    }

    @Test
    void outOfOrderVersionsInOneBatchKeepTheHighest() throws Exception {
        List<EnforcementRecord> shuffled = List.of(
                rateLimit("user:carol", 2, 2), rateLimit("user:carol", 9, 9), rateLimit("user:carol", 4, 4),
                rateLimit("user:carol", 9, 99), rateLimit("user:carol", 1, 1), rateLimit("user:carol", 8, 8));

        runJob(shuffled, sinkConfig(), 1);

        assertThat(entryOf(shuffled.get(0))).contains(entry("version", "9"), entry("limit_rps", "9.00"));
    }

    @Test
    void versionsAreComparedAsIntegersNotAsText() throws Exception {
        // "10" < "9" as text, and 2^53 + 1 is not a double: both would go wrong with a naive compare.
        runJob(List.of(rateLimit("user:dan", 9, 1), rateLimit("user:dan", 10, 2)), sinkConfig(), 1);
        assertThat(entryOf(rateLimit("user:dan", 10, 2))).contains(entry("version", "10"));

        long big = (1L << 53) + 1;
        runJob(List.of(rateLimit("user:dan", big, 3), rateLimit("user:dan", big - 1, 4)), sinkConfig(), 1);
        assertThat(entryOf(rateLimit("user:dan", big, 3)))
                .contains(entry("version", Long.toString(big)), entry("limit_rps", "3.00"));
    }

    @Test
    void releaseLeavesAnAllowEntryWithItsVersionForTheRetentionAndBlocksReplays() throws Exception {
        long now = System.currentTimeMillis();
        runJob(List.of(quarantine("user:eve", 1, now, 600), release("user:eve", 2)), sinkConfig(), 1);

        String key = PREFIX + EnforcementKeys.identityKey("user:eve");
        assertThat(store.redis.hgetall(key)).containsOnly(
                entry("action", "ALLOW"), entry("version", "2"), entry("ts", "2026-01-01T00:00:02.000Z"));
        assertThat(store.redis.pttl(key))
                .isBetween(Duration.ofMinutes(10).minusSeconds(5).toMillis(), Duration.ofMinutes(10).toMillis());

        // A replay of the quarantine (after a restore, say) must not bring it back.
        runJob(List.of(quarantine("user:eve", 1, now, 600)), sinkConfig(), 1);
        assertThat(store.redis.hget(key, "action")).isEqualTo("ALLOW");
    }

    @Test
    void quarantineExpiresAtItsEndAndThenDisappearsOnItsOwn() throws Exception {
        long now = System.currentTimeMillis();
        EnforcementRecord q = quarantine("user:mallory", 7, now, 3);

        runJob(List.of(q), sinkConfig(), 1);

        String key = PREFIX + q.key;
        long expectedTtl = q.expiresAtMillis() - System.currentTimeMillis();
        assertThat(store.redis.pttl(key)).isBetween(expectedTtl - 1000, expectedTtl + 1000);
        assertThat(store.redis.hgetall(key)).contains(
                entry("action", "QUARANTINE"), entry("version", "7"), entry("expires_at",
                        java.time.Instant.ofEpochMilli(q.expiresAtMillis()).toString().replaceFirst(
                                "(\\.\\d{3})?Z$", "") + millisSuffix(q.expiresAtMillis())));
        assertThat(store.redis.hexists(key, "limit_rps")).isFalse();

        assertThat(await(() -> store.redis.exists(key) == 0, Duration.ofSeconds(10)))
                .as("the quarantine vanished by itself")
                .isTrue();
    }

    private static String millisSuffix(long epochMillis) {
        return String.format(".%03dZ", epochMillis % 1000);
    }

    @Test
    void quarantineWhoseEndIsAlreadyPastIsStoredAsARelease() throws Exception {
        EnforcementRecord q = quarantine("user:late", 4, System.currentTimeMillis() - 120_000, 60);

        runJob(List.of(rateLimit("user:late", 3, 5), q), sinkConfig(), 1);

        assertThat(entryOf(q)).containsOnly(entry("action", "ALLOW"), entry("version", "4"), entry("ts", tsOf(q)));
        assertThat(store.redis.pttl(PREFIX + q.key)).isPositive();
    }

    private static String tsOf(EnforcementRecord r) {
        String iso = java.time.Instant.ofEpochMilli(r.timestampMillis).toString().replaceFirst("(\\.\\d+)?Z$", "");
        return iso + millisSuffix(r.timestampMillis);
    }

    @Test
    void segmentEntryIsAHashWithItsThresholdsAndNoTtl() throws Exception {
        EnforcementRecord s = segment("asn:64666", 12, SegmentMode.CLAMPED, 250);

        runJob(List.of(s), sinkConfig(), 1);

        assertThat(entryOf(s)).containsOnly(
                entry("key", "segment:asn:64666"),
                entry("kind", "segment"),
                entry("id", "asn:64666"),
                entry("mode", "CLAMPED"),
                entry("cap_rps", "250.00"),
                entry("rate_limit_score", "0.7"),
                entry("quarantine_score", "0.9"),
                entry("limit_multiplier", "0.5"),
                entry("min_limit_rps", "2.5"),
                entry("tightening_factor", "0.25"),
                entry("version", "12"),
                entry("policy_version", "3"),
                entry("ts", "2026-01-01T00:00:12.000Z"),
                entry("trigger", "pressure"));
        assertThat(store.redis.pttl(PREFIX + s.key)).isEqualTo(-1L);
    }

    @Test
    void keyOfAnotherTypeIsReplacedInsteadOfFailingForever() throws Exception {
        EnforcementRecord r = rateLimit("user:squatted", 1, 4);
        store.redis.set(PREFIX + r.key, "not a hash");

        runJob(List.of(r), sinkConfig(), 1);

        assertThat(entryOf(r)).contains(entry("version", "1"), entry("limit_rps", "4.00"));
    }

    @Test
    void rateLimitReplacingAQuarantineLosesItsTtl() throws Exception {
        EnforcementRecord q = quarantine("user:trent", 1, System.currentTimeMillis(), 600);
        runJob(List.of(q, rateLimit("user:trent", 2, 3)), sinkConfig(), 1);

        assertThat(store.redis.pttl(PREFIX + q.key)).isEqualTo(-1L);
        assertThat(entryOf(q)).contains(entry("action", "RATE_LIMIT")).doesNotContainKey("expires_at");
    }

    @Test
    void everyAcceptedWriteIsAnnouncedOnTheChannelAndNoSkippedOne() throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    messages.add(channel + " " + message);
                }
            });
            sub.sync().subscribe(RedisStoreConfig.DEFAULT_CHANNEL);

            runJob(List.of(
                            rateLimit("user:pub", 2, 1),
                            rateLimit("user:pub", 1, 1), // skipped: older
                            segment("asn:1", 1, SegmentMode.ELEVATED, 0),
                            release("user:pub", 3),
                            rateLimit("user:pub", 3, 1)), // skipped: equal
                    sinkConfig(), 1);
            // A last accepted write: once its message is in, all earlier ones would be too.
            runJob(List.of(rateLimit("user:marker", 1, 1)), sinkConfig(), 1);

            assertThat(await(() -> messages.contains("mg:updates identity:user:marker"), WAIT)).isTrue();
            assertThat(messages).containsExactly(
                    "mg:updates identity:user:pub",
                    "mg:updates segment:asn:1",
                    "mg:updates identity:user:pub",
                    "mg:updates identity:user:marker");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void hostileIdentitiesAreStoredUnderEscapedBoundedKeysAndReadBack() throws Exception {
        List<String> hostile = List.of(
                "user:a|b;c,d",
                "*",
                "user:?[x]*",
                "user:line1\nline2\r\n",
                "user:" + "x".repeat(10_240),
                "user:ünïcødé-用户-🙂",
                "user:alice mg:identity:user:admin",
                "{hash-tag}:\"quoted\" 'single' \\ back");
        List<EnforcementRecord> records = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            records.add(rateLimit(hostile.get(i), i + 1, i + 1));
        }

        runJob(records, sinkConfig(), 2);

        assertThat(store.redis.dbsize()).isEqualTo(hostile.size());
        for (int i = 0; i < hostile.size(); i++) {
            String id = hostile.get(i);
            String key = PREFIX + EnforcementKeys.identityKey(id);
            assertThat(key).as("key of id #%d", i)
                    .matches("mg:identity:[A-Za-z0-9._\\-:/@%~]+")
                    .hasSizeLessThanOrEqualTo(PREFIX.length() + EnforcementKeys.IDENTITY.length()
                            + EnforcementKeys.MAX_ID_CHARS);
            Map<String, String> read = store.redis.hgetall(key);
            assertThat(read).as("entry of id #%d", i)
                    .contains(entry("id", id), entry("version", Integer.toString(i + 1)),
                            entry("key", EnforcementKeys.identityKey(id)));
        }
        // The wildcard ids were data, not patterns: each matched exactly one key of its own.
        assertThat(store.redis.keys("mg:identity:*")).hasSize(hostile.size());
    }

    @Test
    void batchRunWritesEveryKeyAtItsLatestVersion() throws Exception {
        // -Dmeshguard.redisBench.keys=50000 for a longer measurement.
        int keys = Integer.getInteger("meshguard.redisBench.keys", 5_000);
        int versions = 8;
        List<EnforcementRecord> records = new ArrayList<>(keys * versions);
        for (int v = 1; v <= versions; v++) {
            for (int k = 0; k < keys; k++) {
                records.add(rateLimit("user:bulk-" + k, v, v));
            }
        }
        RedisStoreConfig config = config(REDIS).maxBatchSize(500).maxInFlightRequests(8)
                .maxBufferedRequests(20_000).maxTimeInBuffer(Duration.ofMillis(20)).build();

        long start = System.nanoTime();
        runJob(records, config, 2);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        System.out.printf("[redis-sink] %d writes (%d keys x %d versions) in %d ms incl. job start-up:"
                        + " %.0f writes/s%n",
                records.size(), keys, versions, millis, records.size() * 1000.0 / millis);
        assertThat(store.redis.dbsize()).isEqualTo(keys);
        IntStream.of(0, 1, keys / 2, keys - 1).forEach(k -> assertThat(
                        store.redis.hget(PREFIX + EnforcementKeys.identityKey("user:bulk-" + k), "version"))
                .isEqualTo(Integer.toString(versions)));
    }
}
