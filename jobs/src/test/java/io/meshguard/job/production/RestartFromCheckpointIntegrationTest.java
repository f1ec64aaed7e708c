package io.meshguard.job.production;

import static io.meshguard.job.kafka.KafkaTestSupport.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meshguard.job.Conditions;
import io.meshguard.job.MeshGuardWorkflow;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.kafka.KafkaIoConfig;
import io.meshguard.job.kafka.KafkaTelemetrySource;
import io.meshguard.job.kafka.KafkaTestSupport;
import io.meshguard.job.services.KafkaBrokerExtension;
import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.job.sinks.redis.RedisStoreConfig;
import io.meshguard.model.RawTelemetry;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Killing the job mid-stream and starting a new one from its last retained checkpoint, on the same
 * input topic, against a real broker and redis-server: the new job replays what the first one did
 * after that checkpoint. Redis must refuse every replayed write older than what it holds (no key's
 * version ever goes down while a subscriber watches), the compacted topic read with {@code
 * read_committed} must hold each (key, version) once, and Redis must end with every key's highest
 * version from the topic.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RestartFromCheckpointIntegrationTest {
    private static final int PARALLELISM = 2;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String PREFIX = RedisStoreConfig.DEFAULT_KEY_PREFIX;
    private static final String NAME = "restart";

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(3)
    static final MiniClusterExtension CLUSTER = KafkaTestSupport.miniCluster(PARALLELISM);

    private static final KafkaTestSupport SUPPORT = new KafkaTestSupport(KAFKA);

    @TempDir
    Path checkpoints;

    private final List<JobClient> jobs = new ArrayList<>();

    @AfterEach
    void cancelJobs() throws Exception {
        for (JobClient job : jobs) {
            KafkaTestSupport.cancelIfRunning(job);
        }
    }

    @Test
    void jobRestoredFromItsLastCheckpointNeverRegressesRedisNorDuplicatesTheTopic() throws Exception {
        KafkaIoConfig kafka = createTopics();
        long start = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        TrafficSimulator simulator = new TrafficSimulator(
                SimulationConfig.builder().seed(23).durationSeconds(90).startEpochMillis(start).build());
        long ticks = simulator.tickCount();

        try (WatchedStore store = new WatchedStore(REDIS.uri());
                KafkaProducer<String, String> producer = SUPPORT.producer()) {
            RedisStoreConfig redis = RedisStoreConfig.builder().uri(REDIS.uri())
                    .maxTimeInBuffer(Duration.ofMillis(20)).build();

            // First job: the first 40% of the traffic, then the next 30% slowly, killed while
            // reading it, right after a checkpoint that covered some decisions completed.
            JobClient first = start(kafka, redis, null);
            produce(producer, kafka, simulator, 0, ticks * 4 / 10, 0);
            assertThat(await(() -> store.keysSeen() > 0 && Checkpoints.LATEST.get() >= 2))
                    .as("decisions in Redis and two checkpoints completed").isTrue();
            Thread producing = new Thread(() -> produce(producer, kafka, simulator, ticks * 4 / 10, ticks * 7 / 10, 150));
            producing.start();
            long checkpointed = Checkpoints.LATEST.get();
            assertThat(await(() -> Checkpoints.LATEST.get() >= checkpointed + 2)).isTrue();
            // Killed once Redis took writes the checkpoint does not cover: the restore replays them.
            int writesAtCheckpoint = store.notifications();
            assertThat(await(() -> store.notifications() > writesAtCheckpoint)).isTrue();
            first.cancel().get(30, TimeUnit.SECONDS);
            assertThat(await(() -> status(first) == JobStatus.CANCELED)).as("first job cancelled").isTrue();
            int writesBySecondJobStart = store.notifications();
            Path checkpoint = latestCheckpoint(checkpoints.resolve(first.getJobID().toHexString()));
            System.out.printf("[restart] first job cancelled after checkpoint %d, %d Redis writes, %d keys;"
                    + " restoring %s%n", Checkpoints.LATEST.get(), writesBySecondJobStart, store.keysSeen(),
                    checkpoint);

            // Second job from the retained checkpoint, while the rest of the traffic arrives.
            JobClient second = start(kafka, redis, checkpoint.toUri().toString());
            producing.join();
            produce(producer, kafka, simulator, ticks * 7 / 10, ticks, 0);
            assertThat(await(() -> committedOffsetsReachTheEnd(kafka)))
                    .as("the second job checkpointed past the last telemetry record").isTrue();
            // The sinks commit on the notification of the checkpoint that covered the last record;
            // the one after it is only notified once that one's notifications went out.
            long covering = Checkpoints.LATEST.get() + 1;
            assertThat(await(() -> Checkpoints.LATEST.get() >= covering + 1))
                    .as("the checkpoint after the one covering the last record").isTrue();
            second.cancel().get(30, TimeUnit.SECONDS);

            List<ConsumerRecord<String, String>> committed =
                    SUPPORT.readToEnd(kafka.enforcementTopic(), IsolationLevel.READ_COMMITTED);
            List<ConsumerRecord<String, String>> uncommitted =
                    SUPPORT.readToEnd(kafka.enforcementTopic(), IsolationLevel.READ_UNCOMMITTED);

            // Redis: no key's version ever went down, as read after each notification.
            Map<String, List<Long>> seen = store.versionsByKey();
            for (Map.Entry<String, List<Long>> e : seen.entrySet()) {
                long previous = 0;
                for (long version : e.getValue()) {
                    if (version > 0) {
                        assertThat(version).as("versions of %s in Redis, in notification order: %s", e.getKey(),
                                e.getValue()).isGreaterThanOrEqualTo(previous);
                        previous = version;
                    }
                }
            }

            // Topic, read_committed: each (key, version) once, versions increasing per key.
            Map<String, Long> highest = new TreeMap<>();
            Map<String, Integer> pairs = new HashMap<>();
            for (ConsumerRecord<String, String> r : committed) {
                long version = version(r);
                assertThat(pairs.merge(r.key() + "@" + version, 1, Integer::sum))
                        .as("(key, version) %s@%d in the committed topic", r.key(), version).isEqualTo(1);
                Long before = highest.put(r.key(), version);
                assertThat(version).as("versions of %s in the topic", r.key())
                        .isGreaterThan(before == null ? 0 : before);
            }
            assertThat(highest).isNotEmpty();

            // Redis ends with every key's highest version from the topic.
            for (Map.Entry<String, Long> e : highest.entrySet()) {
                assertThat(store.redis.hget(PREFIX + e.getKey(), "version")).as("version of %s in Redis", e.getKey())
                        .isEqualTo(Long.toString(e.getValue()));
            }

            // Every write Redis accepted is in the committed topic too: nothing the first job
            // committed was lost, and what it wrote after its checkpoint the second job wrote again.
            List<String> notInTopic = new ArrayList<>();
            seen.forEach((key, versions) -> versions.stream().filter(v -> v > 0)
                    .filter(v -> !pairs.containsKey(key + "@" + v)).forEach(v -> notInTopic.add(key + "@" + v)));
            // Redis takes writes at once, the topic only in committed transactions: what the first
            // job wrote after the barrier of the checkpoint it is restored from was aborted, and the
            // replay may decide differently (watermarks interleave differently), so some versions are
            // in Redis only. But a write made while checkpoint L-2 was still the latest known one
            // came before checkpoint L was triggered (the task learns of L-1's completion before L's
            // barrier), so it belongs to a transaction committed by checkpoint L at the latest (the
            // one the restored job commits again) and must be in the topic.
            long restored = checkpointId(checkpoint);
            List<String> lost = notInTopic.stream()
                    .filter(kv -> store.checkpointKnownAtWrite(kv) <= restored - 2).toList();
            System.out.printf("[restart] restored from checkpoint %d; (key, version) accepted by Redis but missing"
                    + " from the committed topic, with the latest checkpoint known at the write: %s%n", restored,
                    notInTopic.stream().map(kv -> kv + "(" + store.checkpointKnownAtWrite(kv) + ")").toList());
            assertThat(lost).as("writes covered by checkpoint %d missing from the committed topic", restored)
                    .isEmpty();

            long replayedInTopic = uncommitted.size() - committed.size();
            System.out.printf("[restart] topic: %d committed records over %d keys (%d tombstones); %d more "
                            + "records in aborted transactions (the first job's uncheckpointed output); Redis: %d "
                            + "notifications over %d keys, %d of them after the restore%n",
                    committed.size(), highest.size(), committed.stream().filter(r -> r.value() == null).count(),
                    replayedInTopic, store.notifications(), seen.size(),
                    store.notifications() - writesBySecondJobStart);
            assertThat(replayedInTopic).as("the first job's writes after its last checkpoint, aborted")
                    .isPositive();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static KafkaIoConfig createTopics() throws Exception {
        return SUPPORT.createTopics(SUPPORT.settings(NAME, "exactly-once"));
    }

    /**
     * The production wiring with 1-s checkpoints retained on cancellation; {@code restoreFrom} a
     * checkpoint path, or null for a fresh start.
     */
    private JobClient start(KafkaIoConfig kafka, RedisStoreConfig redis, String restoreFrom) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(1000);
        Configuration options = new Configuration();
        // Segments judge rates after 10 learned intervals, so the run has segment entries too.
        options.set(MeshGuardOptions.SEGMENT_WARMUP_INTERVALS, 10);
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                KafkaTelemetrySource.telemetry(env, kafka).map(new NoteCheckpoints())
                        .uid("note-checkpoints").name("Note checkpoints"),
                KafkaTelemetrySource.controlLines(env, kafka),
                MeshGuardConfig.from(options));
        KafkaTestSupport.sinkToProductionOutputs(streams, kafka, redis);
        JobClient job = env.executeAsync(restoreFrom == null ? "first job" : "restored job");
        jobs.add(job);
        return job;
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The retained checkpoint with the highest id under the job's checkpoint directory. */
    private static Path latestCheckpoint(Path jobDir) throws IOException {
        try (Stream<Path> dirs = Files.list(jobDir)) {
            Optional<Path> latest = dirs
                    .filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.exists(d.resolve("_metadata")))
                    .max((a, b) -> Long.compare(checkpointId(a), checkpointId(b)));
            return latest.orElseThrow(() -> new AssertionError("no retained checkpoint in " + jobDir));
        }
    }

    private static long checkpointId(Path dir) {
        return Long.parseLong(dir.getFileName().toString().substring("chk-".length()));
    }

    private static final Pattern CLIENT = Pattern.compile(
            "\"(?:x_forwarded_for|downstream_peer_uri_san|user_id)\":\"([^\"]*)\"");

    /**
     * Ticks {@code [from, to)} in time order, pausing every 25 ticks. Records are keyed by client, so
     * each identity's requests stay in order in one partition and a replay decides as the first run did.
     */
    private static void produce(KafkaProducer<String, String> producer, KafkaIoConfig kafka,
            TrafficSimulator simulator, long from, long to, long pauseMillis) {
        String topic = kafka.telemetryTopics().get(0);
        List<String> lines = new ArrayList<>();
        for (long tick = from; tick < to; tick++) {
            lines.clear();
            simulator.generateTick(tick, lines::add);
            for (String line : lines) {
                producer.send(new ProducerRecord<>(topic, client(line), line));
            }
            if (pauseMillis > 0 && tick % 25 == 24) {
                producer.flush();
                Conditions.pause(pauseMillis);
            }
        }
        producer.flush();
    }

    private static String client(String line) {
        StringBuilder key = new StringBuilder();
        Matcher m = CLIENT.matcher(line);
        while (m.find()) {
            key.append(m.group(1)).append('|');
        }
        return key.toString();
    }

    /** Whether the job's group has committed (on a checkpoint) every telemetry partition's end offset. */
    private static boolean committedOffsetsReachTheEnd(KafkaIoConfig kafka) {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            String topic = kafka.telemetryTopics().get(0);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(kafka.groupId())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 2; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .allMatch(e -> committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset() >= e.getValue().offset());
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        return Conditions.await(condition, WAIT);
    }

    /**
     * Records every write Redis accepted: the sink publishes each accepted key on the update
     * channel, and the key's version is read right after, on one connection, so the reads happen in
     * notification order.
     */
    private static final class WatchedStore implements AutoCloseable {
        final RedisCommands<String, String> redis;
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;
        private final StatefulRedisConnection<String, String> reader;
        private final StatefulRedisPubSubConnection<String, String> pubSub;
        private final Map<String, List<Long>> versions = new ConcurrentHashMap<>();
        private final AtomicInteger notifications = new AtomicInteger();
        /** key@version → the latest completed checkpoint this JVM had been told of when it was notified. */
        private final Map<String, Long> checkpointKnownAtWrite = new ConcurrentHashMap<>();

        WatchedStore(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect();
            redis = connection.sync();
            reader = client.connect();
            pubSub = client.connectPubSub();
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String key) {
                    notifications.incrementAndGet();
                    long checkpoint = Checkpoints.LATEST.get();
                    reader.async().hget(PREFIX + key, "version").thenAccept(v -> {
                        long version = v == null ? -1L : Long.parseLong(v);
                        versions.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(version);
                        // The version read may be a later write's: the later tag is the safe one.
                        checkpointKnownAtWrite.merge(key + "@" + version, checkpoint, Math::max);
                    });
                }
            });
            pubSub.sync().subscribe(RedisStoreConfig.DEFAULT_CHANNEL);
        }

        long checkpointKnownAtWrite(String keyAtVersion) {
            return checkpointKnownAtWrite.getOrDefault(keyAtVersion, Long.MAX_VALUE);
        }

        int keysSeen() {
            return versions.size();
        }

        int notifications() {
            return notifications.get();
        }

        Map<String, List<Long>> versionsByKey() {
            Map<String, List<Long>> copy = new TreeMap<>();
            versions.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
            return copy;
        }

        @Override
        public void close() {
            pubSub.close();
            reader.close();
            connection.close();
            client.shutdown();
        }
    }

    /** The latest completed checkpoint; static because the MiniCluster runs the job in this JVM. */
    static final class Checkpoints {
        static final AtomicLong LATEST = new AtomicLong();

        private Checkpoints() {}
    }

    /** Passes records through and notes each completed checkpoint's id (ids go on after a restore). */
    static final class NoteCheckpoints implements MapFunction<RawTelemetry, RawTelemetry>, CheckpointListener {
        @Override
        public RawTelemetry map(RawTelemetry value) {
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Checkpoints.LATEST.accumulateAndGet(checkpointId, Math::max);
        }
    }
}
