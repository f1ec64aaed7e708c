package io.meshguard.job.sinks.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.model.Action;
import io.meshguard.segment.SegmentMode;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.EnforcementRecord;
import io.meshguard.store.RedisEndpoint;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Records, jobs, the MiniCluster and Redis read-backs shared by the tests that write the enforcement
 * store through the real sink (the sink's own and the enforcer client's).
 */
public final class RedisSinkTestSupport {
    public static final Duration WAIT = Duration.ofSeconds(60);

    private RedisSinkTestSupport() {}

    /** One task manager with {@code slots} slots, for a test class's {@code @RegisterExtension}. */
    public static MiniClusterExtension miniCluster(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }

    /** The test server, without credentials. */
    public static RedisEndpoint endpoint(RedisServerExtension redis) {
        return RedisEndpoint.builder().host(redis.host()).port(redis.port()).build();
    }

    /** A config for the test server with fast retries, so outages cost the tests little time. */
    public static RedisStoreConfig.Builder config(RedisServerExtension redis) {
        return RedisStoreConfig.builder()
                .endpoint(endpoint(redis))
                .requestTimeout(Duration.ofSeconds(1))
                .retryBackoffInitial(Duration.ofMillis(50))
                .retryBackoffMax(Duration.ofMillis(500))
                .maxTimeInBuffer(Duration.ofMillis(20));
    }

    public static EnforcementRecord rateLimit(String identity, long version, double limitRps) {
        EnforcementRecord r = identity(identity, version, Action.RATE_LIMIT);
        r.limitRps = limitRps;
        return r;
    }

    public static EnforcementRecord quarantine(String identity, long version, long timestampMillis, long ttlSeconds) {
        EnforcementRecord r = identity(identity, version, Action.QUARANTINE);
        r.timestampMillis = timestampMillis;
        r.ttlSeconds = ttlSeconds;
        return r;
    }

    public static EnforcementRecord release(String identity, long version) {
        return identity(identity, version, Action.ALLOW);
    }

    public static EnforcementRecord identity(String identity, long version, Action action) {
        EnforcementRecord r = new EnforcementRecord();
        r.kind = EnforcementRecord.Kind.IDENTITY;
        r.id = identity;
        r.key = EnforcementKeys.identityKey(identity);
        r.version = version;
        r.timestampMillis = 1_767_225_600_000L + version * 1000; // 2026-01-01T00:00:00Z + version s
        r.policyVersion = 3;
        r.action = action;
        r.segment = "asn:64666";
        r.trigger = "rate";
        return r;
    }

    public static EnforcementRecord segment(String segment, long version, SegmentMode mode, double capRps) {
        EnforcementRecord r = new EnforcementRecord();
        r.kind = EnforcementRecord.Kind.SEGMENT;
        r.id = segment;
        r.key = EnforcementKeys.segmentKey(segment);
        r.version = version;
        r.timestampMillis = 1_767_225_600_000L + version * 1000;
        r.policyVersion = 3;
        r.mode = mode;
        r.rateLimitScore = 0.7;
        r.quarantineScore = 0.9;
        r.limitMultiplier = 0.5;
        r.minLimitRps = 2.5;
        r.tighteningFactor = 0.25;
        r.capRps = mode == SegmentMode.CLAMPED ? capRps : 0;
        r.trigger = "pressure";
        return r;
    }

    /** Runs {@code records} through the sink in one bounded job, in order (one source subtask). */
    public static void runJob(List<EnforcementRecord> records, RedisStoreConfig config, int sinkParallelism)
            throws Exception {
        StreamExecutionEnvironment env = environment();
        env.fromData(records).setParallelism(1)
                .sinkTo(RedisEnforcementSink.create(config)).setParallelism(sinkParallelism)
                .uid("redis-enforcement-sink").name("Redis enforcement store");
        env.execute("redis-sink-test");
    }

    /** Streaming mode, and no restarts: a sink that failed the job would fail the test, not hide. */
    public static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        return env;
    }

    /** A sync connection to the test server; close it with {@link #close}. */
    public static final class Store implements AutoCloseable {
        final RedisClient client;
        final StatefulRedisConnection<String, String> connection;
        public final RedisCommands<String, String> redis;

        public Store(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect();
            redis = connection.sync();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    /** Empties every database of the test server. */
    public static void flushAll(RedisServerExtension redis) {
        try (Store store = new Store(redis.uri())) {
            store.redis.flushall();
        }
    }
}
