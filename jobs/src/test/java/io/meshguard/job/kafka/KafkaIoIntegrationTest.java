package io.meshguard.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshguard.job.MeshGuardWorkflow;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.services.KafkaBrokerExtension;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import io.meshguard.store.EnforcementKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workflow between a real Kafka broker's topics: simulated telemetry salted with malformed
 * records in, dead letters, the compacted enforcement topic and audit lines out, exactly-once
 * across an injected failure; and the source's per-partition watermarks on their own.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaIoIntegrationTest {
    private static final int PARALLELISM = 2;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension CLUSTER = KafkaTestSupport.miniCluster(PARALLELISM);

    private static final KafkaTestSupport SUPPORT = new KafkaTestSupport(KAFKA);

    private JobClient job;

    @AfterEach
    void cancelJob() throws Exception {
        KafkaTestSupport.cancelIfRunning(job);
    }

    @Test
    void telemetryFromKafkaEndsUpDeadLetteredOrDecidedExactlyOnceInTheOutputTopics() throws Exception {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        SimulationConfig simulation = SimulationConfig.builder().seed(11).durationSeconds(60).startEpochMillis(start).build();
        TrafficSimulator simulator = new TrafficSimulator(simulation);
        // Partition 1 stops receiving telemetry after 15 s of simulated time; event time must go on.
        long quietAfterTick = Duration.ofSeconds(15).toMillis() / simulation.tickMillis();
        long probeAt = simulation.endEpochMillis() - Duration.ofSeconds(5).toMillis();
        Probes.reset(probeAt);

        StreamExecutionEnvironment env = environment("fixed-delay");
        env.enableCheckpointing(1000);
        KafkaIoConfig kafka = SUPPORT.createTopics(settings("e2e", "exactly-once"));
        Configuration options = new Configuration();
        options.set(MeshGuardOptions.WATERMARK_IDLENESS, Duration.ofSeconds(1));
        // Segments judge rates after 10 learned intervals instead of 60, so the one-minute run's
        // flood moves its segment and the topic gets segment entries too.
        options.set(MeshGuardOptions.SEGMENT_WARMUP_INTERVALS, 10);
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                KafkaTelemetrySource.telemetry(env, kafka).map(new FailOnceAfterACheckpoint())
                        .uid("fail-once").name("Fail once"),
                KafkaTelemetrySource.controlLines(env, kafka),
                MeshGuardConfig.from(options));
        KafkaTestSupport.sinkToProductionOutputs(streams, kafka, null);
        attachEventTimeProbe(streams.events());
        job = env.executeAsync("kafka in and out");

        String telemetry = kafka.telemetryTopics().get(0);
        List<Malformed> malformed = produceTelemetry(telemetry, simulator, quietAfterTick);
        // The control topic is read too: a false-positive report without a segment is dead-lettered.
        String badReport = "{\"false_positive\":{\"identity\":\"ip:198.18.0.1\"}}";
        RecordMetadata reportAt = SUPPORT.produce(kafka.controlTopic(), badReport);

        // Dead letters: each malformed record once, naming its topic, partition and offset.
        Map<String, String> expectedRaw = new HashMap<>();
        malformed.forEach(m -> expectedRaw.put(m.origin(telemetry), m.expectedRaw));
        String reportOrigin =
                KafkaTelemetrySource.origin(kafka.controlTopic(), reportAt.partition(), reportAt.offset());
        expectedRaw.put(reportOrigin, badReport);
        List<ConsumerRecord<String, String>> deadLetters =
                SUPPORT.readCommitted(kafka.deadLetterTopic(), WAIT, records -> records.size() >= expectedRaw.size());
        assertThat(deadLetters).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(expectedRaw.keySet());
        for (ConsumerRecord<String, String> record : deadLetters) {
            JsonNode line = JSON.readTree(record.value());
            assertThat(line.get("origin").asText()).isEqualTo(record.key());
            assertThat(line.get("raw").asText()).as("raw of %s", record.key()).isEqualTo(expectedRaw.get(record.key()));
            assertThat(line.get("reason").asText()).as("reason for %s", record.key()).isNotBlank();
        }
        assertThat(deadLetters).filteredOn(r -> r.key().equals(reportOrigin)).singleElement()
                .satisfies(r -> assertThat(JSON.readTree(r.value()).get("reason").asText())
                        .contains("false_positive.segment is required"));

        // Event time went on with partition 1 silent: the probe's event-time timer fired.
        assertThat(await(Probes.TIMER_FIRED::get))
                .as("an event-time timer %s past partition 1's last record fired",
                        Duration.ofMillis(probeAt - simulator.tickStartMillis(quietAfterTick)))
                .isTrue();
        assertThat(Probes.FAILED.get()).as("the injected failure happened").isTrue();

        // Identities acted on early are released once their attack stops: a tombstone each.
        SUPPORT.readCommitted(kafka.enforcementTopic(), WAIT,
                records -> records.stream().anyMatch(r -> r.value() == null));
        List<ConsumerRecord<String, String>> audit =
                SUPPORT.readCommitted(kafka.auditTopic(), WAIT, records -> !records.isEmpty());
        job.cancel().get(30, TimeUnit.SECONDS);
        List<ConsumerRecord<String, String>> all =
                SUPPORT.readCommitted(kafka.enforcementTopic(), WAIT, records -> true);

        assertThat(all).extracting(ConsumerRecord::key)
                .allMatch(k -> k.startsWith(EnforcementKeys.IDENTITY) || k.startsWith(EnforcementKeys.SEGMENT))
                .anyMatch(k -> k.startsWith(EnforcementKeys.SEGMENT));
        Set<String> keyVersions = new HashSet<>();
        Map<String, Long> lastVersion = new HashMap<>();
        for (ConsumerRecord<String, String> r : all) {
            long version = KafkaTestSupport.version(r);
            assertThat(keyVersions.add(r.key() + "@" + version))
                    .as("(key, version) %s@%d once under exactly-once", r.key(), version).isTrue();
            Long previous = lastVersion.put(r.key(), version);
            assertThat(version).as("versions of %s increase", r.key()).isGreaterThan(previous == null ? 0 : previous);
            if (r.value() != null) {
                JsonNode value = JSON.readTree(r.value());
                assertThat(value.get("key").asText()).isEqualTo(r.key());
                assertThat(value.get("version").asLong()).isEqualTo(version);
                assertThat(value.get("action") == null ? null : value.get("action").asText()).isNotEqualTo("ALLOW");
            } else {
                assertThat(KafkaTestSupport.header(r, KafkaSinks.KIND_HEADER)).isEqualTo("identity");
                assertThat(previous).as("a tombstone for %s releases an earlier entry", r.key()).isNotNull();
            }
        }
        assertThat(all).filteredOn(r -> r.value() == null).as("releases").isNotEmpty();
        assertThat(audit).allSatisfy(r -> assertThat(JSON.readTree(r.value()).isObject()).isTrue());
    }

    @Test
    void sourceWatermarksFollowTheSlowestPartitionAndSkipAnIdleOne() throws Exception {
        Map<String, String> settings = settings("wm", "none");
        settings.put(KafkaIoConfig.WATERMARK_OUT_OF_ORDERNESS, "500ms");
        settings.put(KafkaIoConfig.WATERMARK_IDLENESS, "2s");
        KafkaIoConfig kafka = SUPPORT.createTopics(settings);
        String telemetry = kafka.telemetryTopics().get(0);
        long start = (System.currentTimeMillis() - Duration.ofHours(1).toMillis()) / 1000 * 1000;
        // Partition 0: 60 s of event time. Partition 1: 5 s, then silence. A record without a
        // start_time, stamped by Kafka with the wall clock (an hour ahead), opens partition 0.
        try (KafkaProducer<byte[], byte[]> producer = SUPPORT.bytesProducer()) {
            producer.send(new ProducerRecord<>(telemetry, 0, null, utf8("{\"path\":\"/no-start-time\"}")));
            for (int i = 0; i < 600; i++) {
                producer.send(new ProducerRecord<>(telemetry, 0, null, utf8(line(start + i * 100L))));
                if (i < 50) {
                    producer.send(new ProducerRecord<>(telemetry, 1, null, utf8(line(start + i * 100L))));
                }
            }
            producer.flush();
        }
        Probes.reset(start + Duration.ofSeconds(30).toMillis());

        StreamExecutionEnvironment env = environment("none");
        // One reader for both partitions: only per-partition watermarks keep partition 1 on time.
        DataStream<RawTelemetry> raw = KafkaTelemetrySource.telemetry(env, kafka).setParallelism(1);
        raw.process(new LatenessProbe()).setParallelism(1)
                .keyBy(r -> 0)
                .process(new TimerProbe<RawTelemetry>()).returns(String.class).setParallelism(1)
                .sinkTo(new DiscardingSink<>()).setParallelism(1);
        job = env.executeAsync("per-partition watermarks");

        assertThat(await(() -> Probes.SEEN.get() == 651)).as("all records read").isTrue();
        assertThat(await(Probes.TIMER_FIRED::get))
                .as("event time passed partition 1's last record once it went idle").isTrue();
        assertThat(Probes.LATE.get()).as("records behind the watermark when they arrived").isZero();
    }

    @Test
    void startTimeIsReadFromTheRawLineAsTheDecoderWouldReadIt() {
        long latest = Instant.parse("2026-11-24T00:00:00Z").toEpochMilli();
        long expected = Instant.parse("2026-11-23T10:15:30.123Z").toEpochMilli();

        assertThat(KafkaTelemetrySource.StartTime.millis(
                "{\"method\":\"GET\",\"start_time\":\"2026-11-23T10:15:30.123Z\"}", latest)).isEqualTo(expected);
        assertThat(KafkaTelemetrySource.StartTime.millis(
                "{\"start_time\" : \"2026-11-23T11:15:30.123+01:00\"}", latest)).isEqualTo(expected);
        assertThat(KafkaTelemetrySource.StartTime.millis("{\"start_time\":" + expected + "}", latest)).isEqualTo(expected);
        assertThat(KafkaTelemetrySource.StartTime.millis("{\"start_time\":\"" + expected + "\"}", latest))
                .isEqualTo(expected);
        assertThat(KafkaTelemetrySource.StartTime.millis(
                "{\"path\":\"/a\\\"start_time\\\":1\",\"start_time\":\"2026-11-23T10:15:30.123Z\"}", latest))
                .as("the key, not a quoted \"start_time\" inside another value").isEqualTo(expected);
        assertThat(List.of(
                        "{\"path\":\"/\"}",
                        "{\"start_time\":\"yesterday\"}",
                        "{\"start_time\":null}",
                        "{\"start_time\":\"1999-12-31T23:59:59.999Z\"}",
                        "{\"start_time\":\"2026-11-24T00:00:00.001Z\"}",
                        "this is not json",
                        ""))
                .as("no usable start_time: before 2000, beyond the future skew, or none")
                .allSatisfy(line -> assertThat(KafkaTelemetrySource.StartTime.millis(line, latest))
                        .isEqualTo(RawTelemetry.NO_TIMESTAMP));
    }

    // ---------------------------------------------------------------------------------------------

    private static StreamExecutionEnvironment environment(String restartStrategy) {
        Configuration cluster = new Configuration();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, restartStrategy);
        if (restartStrategy.equals("fixed-delay")) {
            cluster.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
            cluster.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        env.setParallelism(PARALLELISM);
        return env;
    }

    /** Ticks in time order, alternating between partitions until {@code quietAfterTick}, then partition 0 only. */
    private static List<Malformed> produceTelemetry(String topic, TrafficSimulator simulator, long quietAfterTick)
            throws Exception {
        List<Malformed> malformed = List.of(
                new Malformed("not JSON", utf8("this is not json"), "this is not json"),
                new Malformed("truncated JSON", utf8("{\"start_time\":\"2026-11-23T10:15:30.123Z\",\"path\":"),
                        "{\"start_time\":\"2026-11-23T10:15:30.123Z\",\"path\":"),
                new Malformed("invalid UTF-8", new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, '(', '"', '}'},
                        "{\"p\":\"\uFFFD(\"}"),
                new Malformed("null value", null, ""),
                new Malformed("no path", utf8("{\"start_time\":\"" + Instant.ofEpochMilli(simulator.tickStartMillis(3))
                        + "\",\"response_code\":200}"), null));
        try (KafkaProducer<byte[], byte[]> producer = SUPPORT.bytesProducer()) {
            List<String> lines = new ArrayList<>();
            for (long tick = 0; tick < simulator.tickCount(); tick++) {
                int partition = tick < quietAfterTick ? (int) (tick % 2) : 0;
                lines.clear();
                simulator.generateTick(tick, lines::add);
                for (String line : lines) {
                    producer.send(new ProducerRecord<>(topic, partition, null, utf8(line)));
                }
                if (tick >= 10 && tick < 10 + malformed.size()) {
                    Malformed m = malformed.get((int) tick - 10);
                    RecordMetadata written = producer.send(new ProducerRecord<>(topic, partition, null, m.value))
                            .get(30, TimeUnit.SECONDS);
                    m.partition = written.partition();
                    m.offset = written.offset();
                }
                if (tick % 50 == 49) {
                    // Spread over a few checkpoints, so the injected failure falls mid-stream.
                    producer.flush();
                    Thread.sleep(200);
                }
            }
        }
        return malformed;
    }

    private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        return io.meshguard.job.Conditions.await(condition, WAIT);
    }

    private static String line(long startMillis) {
        return "{\"start_time\":\"" + Instant.ofEpochMilli(startMillis) + "\",\"path\":\"/\",\"response_code\":200}";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void attachEventTimeProbe(DataStream<MeshEvent> events) {
        events.keyBy(e -> 0).process(new TimerProbe<MeshEvent>()).returns(String.class).uid("event-time-probe")
                .sinkTo(new DiscardingSink<>()).uid("event-time-probe-sink");
    }

    /** The shared settings for a test's topics, plus a Kafka client property. */
    private static Map<String, String> settings(String name, String guarantee) {
        Map<String, String> s = SUPPORT.settings(name, guarantee);
        // Exercises the pass-through of client properties.
        s.put("kafka.client.dns.lookup", "use_all_dns_ips");
        return s;
    }

    /** A record the decoder must reject, and where it was written. */
    private static final class Malformed {
        final String what;
        final byte[] value;
        /** The dead letter's raw text; null for "the value as UTF-8". */
        final String expectedRaw;
        int partition;
        long offset;

        Malformed(String what, byte[] value, String expectedRaw) {
            this.what = what;
            this.value = value;
            this.expectedRaw = expectedRaw != null ? expectedRaw : new String(value, StandardCharsets.UTF_8);
        }

        String origin(String topic) {
            return KafkaTelemetrySource.origin(topic, partition, offset);
        }
    }

    /** What the probes saw; static because the MiniCluster runs the job in this JVM. */
    static final class Probes {
        static final AtomicBoolean TIMER_FIRED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger CHECKPOINTS = new AtomicInteger();
        static final AtomicInteger SEEN = new AtomicInteger();
        static final AtomicInteger LATE = new AtomicInteger();
        static final AtomicLong PROBE_AT = new AtomicLong();

        static void reset(long probeAt) {
            TIMER_FIRED.set(false);
            FAILED.set(false);
            CHECKPOINTS.set(0);
            SEEN.set(0);
            LATE.set(0);
            PROBE_AT.set(probeAt);
        }
    }

    /** Fires once event time reaches {@link Probes#PROBE_AT}. */
    static final class TimerProbe<T> extends KeyedProcessFunction<Integer, T, String> {
        @Override
        public void processElement(T value, Context ctx, Collector<String> out) {
            ctx.timerService().registerEventTimeTimer(Probes.PROBE_AT.get());
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
            Probes.TIMER_FIRED.set(true);
        }
    }

    /** Counts records that arrive behind the current watermark. */
    static final class LatenessProbe extends ProcessFunction<RawTelemetry, RawTelemetry> {
        @Override
        public void processElement(RawTelemetry value, Context ctx, Collector<RawTelemetry> out) {
            Probes.SEEN.incrementAndGet();
            if (ctx.timestamp() != null && ctx.timestamp() <= ctx.timerService().currentWatermark()) {
                Probes.LATE.incrementAndGet();
            }
            out.collect(value);
        }
    }

    /** Fails the job once, on the first record after a checkpoint completed, to replay from it. */
    static final class FailOnceAfterACheckpoint implements MapFunction<RawTelemetry, RawTelemetry>, CheckpointListener {
        @Override
        public RawTelemetry map(RawTelemetry value) {
            if (Probes.CHECKPOINTS.get() > 0 && Probes.FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a checkpoint");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Probes.CHECKPOINTS.incrementAndGet();
        }
    }
}
