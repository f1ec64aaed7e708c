package io.meshguard.job.sinks.redis;

import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.WAIT;
import static io.meshguard.job.Conditions.await;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.config;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.rateLimit;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.job.sinks.redis.RedisSinkTestSupport.Store;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.EnforcementRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis outage in the middle of a running job: the job must neither fail nor lose or regress a
 * write. The server runs with an append-only file ({@code --appendonly yes --appendfsync always}),
 * as a production store would, so a restart keeps what was acknowledged: without it a restart would
 * come back empty and the test would be about repopulation, not about the sink.
 *
 * <p>The source pauses at two points (static latches: the MiniCluster runs in this JVM) so that the
 * phases line up with the outage deterministically: phase 1 is written while Redis is up, phase 2
 * is emitted entirely while it is down (only the sink's retries can get it into Redis), phase 3
 * after it is back, mixed with replays of phase 2's old versions that must be turned away.
 */
class RedisEnforcementSinkOutageIntegrationTest {

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS =
            new RedisServerExtension().withServerArguments("--appendonly", "yes", "--appendfsync", "always");

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension CLUSTER = RedisSinkTestSupport.miniCluster(3);

    static final int PRE_KEYS = 10;
    static final int PRE_VERSIONS = 20;
    static final int OUT_KEYS = 20;
    static final int OUT_VERSIONS = 60;
    static final int POST_KEYS = 20;
    static final int POST_VERSIONS = 50;
    static final int REPLAYED_VERSIONS = 10;

    static final long PHASE1_END = (long) PRE_KEYS * PRE_VERSIONS;
    static final long PHASE2_END = PHASE1_END + (long) OUT_KEYS * OUT_VERSIONS;
    static final long PHASE3_END = PHASE2_END + (long) POST_KEYS * POST_VERSIONS + (long) OUT_KEYS * REPLAYED_VERSIONS;

    static final CountDownLatch PHASE1_EMITTED = new CountDownLatch(1);
    static final CountDownLatch REDIS_STOPPED = new CountDownLatch(1);
    static final CountDownLatch PHASE2_EMITTED = new CountDownLatch(1);
    static final CountDownLatch REDIS_RESTARTED = new CountDownLatch(1);

    /** Index → record, pausing at the phase boundaries until the test has moved Redis along. */
    static final class PhasedRecords implements GeneratorFunction<Long, EnforcementRecord> {
        @Override
        public EnforcementRecord map(Long index) throws Exception {
            long i = index;
            if (i == PHASE1_END) {
                PHASE1_EMITTED.countDown();
                assertThat(REDIS_STOPPED.await(2, TimeUnit.MINUTES)).isTrue();
            } else if (i == PHASE2_END) {
                PHASE2_EMITTED.countDown();
                assertThat(REDIS_RESTARTED.await(2, TimeUnit.MINUTES)).isTrue();
            }
            if (i < PHASE1_END) {
                return rateLimit("pre-" + (i % PRE_KEYS), i / PRE_KEYS + 1, i / PRE_KEYS + 1);
            }
            if (i < PHASE2_END) {
                long j = i - PHASE1_END;
                return rateLimit("out-" + (j % OUT_KEYS), j / OUT_KEYS + 1, j / OUT_KEYS + 1);
            }
            // Phase 3: replays of phase 2's first versions alternate with new keys, then new keys only.
            long j = i - PHASE2_END;
            long replays = (long) OUT_KEYS * REPLAYED_VERSIONS;
            if (j < 2 * replays && j % 2 == 0) {
                long r = j / 2;
                return rateLimit("out-" + (r % OUT_KEYS), r / OUT_KEYS + 1, 0.5);
            }
            long k = j < 2 * replays ? j / 2 : j - replays;
            return rateLimit("post-" + (k % POST_KEYS), k / POST_KEYS + 1, k / POST_KEYS + 1);
        }
    }

    @Test
    void jobSurvivesARedisOutageAndEveryKeyEndsAtItsLatestVersion() throws Exception {
        RedisStoreConfig config = config(REDIS).maxBatchSize(20).maxInFlightRequests(2)
                .maxBufferedRequests(5_000).build();
        StreamExecutionEnvironment env = RedisSinkTestSupport.environment();
        DataGeneratorSource<EnforcementRecord> source = new DataGeneratorSource<>(
                new PhasedRecords(), PHASE3_END, RateLimiterStrategy.perSecond(2_000),
                TypeInformation.of(EnforcementRecord.class));
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "phased records").setParallelism(1)
                .rebalance()
                .sinkTo(RedisEnforcementSink.create(config)).setParallelism(2)
                .uid("redis-enforcement-sink").name("Redis enforcement store");
        JobClient job = env.executeAsync("redis-outage");

        try (Store store = new Store(REDIS.uri())) {
            // Phase 1 fully in Redis, then the outage.
            assertThat(PHASE1_EMITTED.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(await(() -> allAt(store, "pre-", PRE_KEYS, PRE_VERSIONS), WAIT)).isTrue();
        }
        REDIS.stop();
        REDIS_STOPPED.countDown();

        // Phase 2 is emitted into a sink that cannot write. Keep Redis down a little longer so that
        // every batch of it fails and backs off at least once, then bring Redis back.
        assertThat(PHASE2_EMITTED.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1_500);
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        REDIS.start();
        REDIS_RESTARTED.countDown();

        job.getJobExecutionResult().get(2, TimeUnit.MINUTES); // throws if the job failed
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.FINISHED);

        try (Store store = new Store(REDIS.uri())) {
            assertThat(store.redis.dbsize()).isEqualTo(PRE_KEYS + OUT_KEYS + POST_KEYS);
            assertAllAt(store, "pre-", PRE_KEYS, PRE_VERSIONS);
            assertAllAt(store, "out-", OUT_KEYS, OUT_VERSIONS);
            assertAllAt(store, "post-", POST_KEYS, POST_VERSIONS);
        }
    }

    private static boolean allAt(Store store, String prefix, int keys, int version) {
        for (int k = 0; k < keys; k++) {
            String v = store.redis.hget("mg:" + EnforcementKeys.identityKey(prefix + k), "version");
            if (!Integer.toString(version).equals(v)) {
                return false;
            }
        }
        return true;
    }

    private static void assertAllAt(Store store, String prefix, int keys, int version) {
        List<String> wrong = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            Map<String, String> e = store.redis.hgetall("mg:" + EnforcementKeys.identityKey(prefix + k));
            // limit_rps carries the version it was written with: a replay (0.50) would show here.
            if (!Integer.toString(version).equals(e.get("version"))
                    || !String.format("%d.00", version).equals(e.get("limit_rps"))) {
                wrong.add(prefix + k + "=" + e);
            }
        }
        assertThat(wrong).as("keys not at their latest version %d", version).isEmpty();
    }
}
