package io.meshguard.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.job.MeshGuardWorkflow;
import io.meshguard.job.services.KafkaBrokerExtension;
import io.meshguard.job.sinks.redis.RedisEnforcementSink;
import io.meshguard.job.sinks.redis.RedisStoreConfig;
import io.meshguard.store.EnforcementRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the Kafka integration tests share on a test's {@link KafkaBrokerExtension}: the job's topics
 * and their settings, producers, reading a topic (the compacted one included) from its beginning,
 * the production sinks wired onto the workflow, and the MiniCluster they run on.
 */
public final class KafkaTestSupport {
    /** How long reading a topic up to its end offsets may take. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaBrokerExtension broker;

    /** Support for the broker a test class registers (it may start later: nothing is read here). */
    public KafkaTestSupport(KafkaBrokerExtension broker) {
        this.broker = broker;
    }

    /** A MiniCluster of one task manager with {@code slots} slots, for tests that run jobs at that parallelism. */
    public static MiniClusterExtension miniCluster(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }

    /**
     * {@link KafkaIoConfig} settings for topics named {@code <name>-telemetry}, {@code -control},
     * {@code -dead-letters}, {@code -enforcement} and {@code -audit} (apart from other tests' on
     * the same broker), group and transactional id {@code meshguard-<name>}, read from the earliest
     * offset, 1-s idleness. Mutable, so a test can add to them before {@link #createTopics}.
     */
    public Map<String, String> settings(String name, String deliveryGuarantee) {
        Map<String, String> s = new HashMap<>();
        s.put(KafkaIoConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        s.put(KafkaIoConfig.TELEMETRY_TOPICS, name + "-telemetry");
        s.put(KafkaIoConfig.CONTROL_TOPIC, name + "-control");
        s.put(KafkaIoConfig.DEAD_LETTER_TOPIC, name + "-dead-letters");
        s.put(KafkaIoConfig.ENFORCEMENT_TOPIC, name + "-enforcement");
        s.put(KafkaIoConfig.AUDIT_TOPIC, name + "-audit");
        s.put(KafkaIoConfig.GROUP_ID, "meshguard-" + name);
        s.put(KafkaIoConfig.STARTING_OFFSETS, "earliest");
        s.put(KafkaIoConfig.DELIVERY_GUARANTEE, deliveryGuarantee);
        s.put(KafkaIoConfig.TRANSACTIONAL_ID_PREFIX, "meshguard-" + name);
        s.put(KafkaIoConfig.WATERMARK_IDLENESS, "1s");
        return s;
    }

    /**
     * Parses {@code settings} and creates the topics they name: telemetry and the compacted
     * enforcement topic with two partitions each (so per-partition behaviour shows), the rest with one.
     */
    public KafkaIoConfig createTopics(Map<String, String> settings)
            throws InterruptedException, ExecutionException, TimeoutException {
        KafkaIoConfig config = KafkaIoConfig.from(settings);
        broker.createTopic(config.telemetryTopics().get(0), 2);
        broker.createTopic(config.controlTopic(), 1);
        broker.createTopic(config.deadLetterTopic(), 1);
        broker.createTopic(config.enforcementTopic(), 2, Map.of("cleanup.policy", "compact"));
        broker.createTopic(config.auditTopic(), 1);
        return config;
    }

    /** A producer of string keys and values; waits up to 5 ms to batch. */
    public KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(producerProperties(StringSerializer.class));
    }

    /** A producer of raw bytes, for values that are not valid UTF-8 (or null). */
    public KafkaProducer<byte[], byte[]> bytesProducer() {
        return new KafkaProducer<>(producerProperties(ByteArraySerializer.class));
    }

    /** Writes one unkeyed line to {@code topic} and waits until the broker has it. */
    public RecordMetadata produce(String topic, String line) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            return producer.send(new ProducerRecord<>(topic, line)).get(30, TimeUnit.SECONDS);
        }
    }

    private Properties producerProperties(Class<?> serializer) {
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, serializer.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, serializer.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    /**
     * Every record of {@code topic}, from its beginning up to its end offsets as of now (for {@code
     * read_committed}, the last stable offsets: open transactions are not waited for).
     */
    public List<ConsumerRecord<String, String>> readToEnd(String topic, IsolationLevel isolation) {
        Properties p = broker.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            return read;
        }
    }

    /**
     * Reads the whole topic with {@code read_committed}, again every 300 ms, until {@code done} holds
     * for what was read; fails after {@code wait}.
     */
    public List<ConsumerRecord<String, String>> readCommitted(
            String topic, Duration wait, Predicate<List<ConsumerRecord<String, String>>> done) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<ConsumerRecord<String, String>> read = readToEnd(topic, IsolationLevel.READ_COMMITTED);
            if (done.test(read)) {
                return read;
            }
            assertThat(System.nanoTime()).as("waiting on topic %s (%d records so far)", topic, read.size())
                    .isLessThan(deadline);
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The entry's version, from the {@link KafkaSinks#VERSION_HEADER} header every entry and tombstone carries. */
    public static long version(ConsumerRecord<String, String> r) {
        return Long.parseLong(header(r, KafkaSinks.VERSION_HEADER));
    }

    /** The last value of header {@code name} as UTF-8, or null without one. */
    public static String header(ConsumerRecord<String, String> r, String name) {
        Header header = r.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * The production outputs on the workflow's streams: identity decisions and segment updates as
     * entries in the compacted enforcement topic and, given a {@code redis} config (else null), in
     * the Redis store; the audit and dead-letter topics.
     */
    public static void sinkToProductionOutputs(
            MeshGuardWorkflow.Streams streams, KafkaIoConfig kafka, RedisStoreConfig redis) {
        DataStream<EnforcementRecord> enforcement = streams.enforcingDecisions()
                .map(EnforcementRecord::of).returns(EnforcementRecord.class)
                .uid("decision-records").name("Decision records")
                .union(streams.segmentUpdates().map(EnforcementRecord::of).returns(EnforcementRecord.class)
                        .uid("segment-records").name("Segment records"));
        KafkaSinks.sinkEnforcement(enforcement, kafka);
        if (redis != null) {
            enforcement.sinkTo(RedisEnforcementSink.create(redis)).uid("redis-enforcement-sink").name("Redis store");
        }
        KafkaSinks.sinkAudit(streams.audit(), kafka);
        KafkaSinks.sinkDeadLetters(streams.deadLetters(), kafka);
    }

    /** Cancels {@code job} unless it was never started or has already ended. */
    public static void cancelIfRunning(JobClient job) throws Exception {
        if (job != null && !job.getJobStatus().get().isGloballyTerminalState()) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
