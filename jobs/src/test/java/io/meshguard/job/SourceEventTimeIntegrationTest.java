package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Telemetry that carries its own event time (the Kafka source's per-partition watermarks) keeps it
 * through the workflow: no operator re-assigns it, so a partition lagging behind another is not
 * made late. Re-assignment, for sources without event time, is the contrast.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SourceEventTimeIntegrationTest {
    private static final int PARALLELISM = 2;
    private static final long START = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    /** Well beyond the workflow's default out-of-orderness (2 s). */
    private static final long LAG_MILLIS = 10_000;
    private static final String EVENT_TIME_OPERATOR = "Assign event time";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    @Test
    void telemetryWithEventTimeGetsNoReassignmentOperator() {
        assertThat(operatorNames(true)).doesNotContain(EVENT_TIME_OPERATOR).contains("Parse telemetry");
        assertThat(operatorNames(false)).contains(EVENT_TIME_OPERATOR);
    }

    @Test
    void aLaggingPartitionIsNotMadeLateWhenTheSourceEventTimeIsKept() throws Exception {
        LatenessProbe.reset();
        run(true);

        assertThat(LatenessProbe.SEEN.get()).as("requests that reached the detector").isEqualTo(records().size());
        assertThat(LatenessProbe.LATE.get()).as("requests behind the watermark").isZero();
        assertThat(LatenessProbe.RESTAMPED.get()).as("requests not stamped with their start time").isZero();
    }

    @Test
    void reassigningEventTimeAfterParsingMakesTheLaggingPartitionLate() throws Exception {
        // The contrast that motivates keeping the source's event time: one watermark over both
        // partitions runs 10 s ahead of the lagging one, beyond the 2 s out-of-orderness.
        LatenessProbe.reset();
        run(false);

        assertThat(LatenessProbe.SEEN.get()).isEqualTo(records().size());
        assertThat(LatenessProbe.LATE.get()).as("requests behind the watermark").isPositive();
    }

    // ---------------------------------------------------------------------------------------------

    private static List<String> operatorNames(boolean telemetryHasEventTime) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MeshGuardWorkflow.Streams streams = workflow(env, telemetryHasEventTime);
        streams.decisions().sinkTo(new DiscardingSink<>());
        List<String> names = new ArrayList<>();
        for (StreamNode node : env.getStreamGraph().getStreamNodes()) {
            names.add(node.getOperatorName());
        }
        return names;
    }

    private static void run(boolean telemetryHasEventTime) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        // Frequent periodic watermarks, so the re-assigning variant's watermark moves mid-stream.
        env.getConfig().setAutoWatermarkInterval(20);
        MeshGuardWorkflow.Streams streams = workflow(env, telemetryHasEventTime);
        streams.events().keyBy(e -> 0).process(new LatenessProbe()).returns(String.class)
                .sinkTo(new DiscardingSink<>());
        streams.decisions().sinkTo(new DiscardingSink<>());
        env.execute("source event time");
    }

    private static MeshGuardWorkflow.Streams workflow(StreamExecutionEnvironment env, boolean telemetryHasEventTime) {
        DataStream<RawTelemetry> telemetry = env.fromData(records()).setParallelism(1)
                .map(SourceEventTimeIntegrationTest::slowly).returns(RawTelemetry.class).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<RawTelemetry>forGenerator(context -> new PerPartitionWatermarks())
                        .withTimestampAssigner((raw, previous) -> raw.timestampMillis))
                .setParallelism(1)
                .name("Per-partition event time");
        return MeshGuardWorkflow.defineWorkflow(env, telemetry, telemetryHasEventTime,
                ControlSources.none(env), MeshGuardConfig.from(new Configuration()));
    }

    /** Paces the source so periodic watermarks are emitted while records still flow. */
    private static RawTelemetry slowly(RawTelemetry raw) throws InterruptedException {
        Thread.sleep(1);
        return raw;
    }

    /**
     * Two "partitions" of one topic, read interleaved: p0 in real time, p1 the same traffic from
     * other clients 10 s behind, as when one partition's producer lags. Each carries the request's
     * start time, as the Kafka source's records do.
     */
    private static List<RawTelemetry> records() {
        List<RawTelemetry> records = new ArrayList<>();
        // Two of each in turn, so a round-robin rebalance gives every parser both partitions.
        for (int i = 0; i < 400; i += 2) {
            for (String partition : List.of("p0", "p1")) {
                for (int j = i; j < i + 2; j++) {
                    long start = START + j * 100L + (partition.equals("p0") ? LAG_MILLIS : 0);
                    String client = (partition.equals("p0") ? "198.51.100." : "203.0.113.") + (1 + j % 50);
                    records.add(record(partition, start, client));
                }
            }
        }
        return records;
    }

    private static RawTelemetry record(String partition, long startMillis, String clientIp) {
        String line = TelemetryLines.request(startMillis).clientIp(clientIp).get("/products/" + (startMillis % 7))
                .toJson();
        return new RawTelemetry(line, partition, startMillis);
    }

    /** What the Kafka source does per split: each partition's own progress, the minimum emitted. */
    static final class PerPartitionWatermarks implements WatermarkGenerator<RawTelemetry> {
        private final Map<String, Long> maxByPartition = new HashMap<>();

        @Override
        public void onEvent(RawTelemetry event, long eventTimestamp, WatermarkOutput output) {
            maxByPartition.merge(event.origin, eventTimestamp, Math::max);
            if (maxByPartition.size() == 2) {
                long min = Math.min(maxByPartition.get("p0"), maxByPartition.get("p1"));
                output.emitWatermark(new Watermark(min - 1));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    /** Counts requests that arrive at or behind the current watermark; static: the MiniCluster shares this JVM. */
    static final class LatenessProbe extends KeyedProcessFunction<Integer, MeshEvent, String> {
        static final AtomicInteger SEEN = new AtomicInteger();
        static final AtomicInteger LATE = new AtomicInteger();
        static final AtomicInteger RESTAMPED = new AtomicInteger();

        static void reset() {
            SEEN.set(0);
            LATE.set(0);
            RESTAMPED.set(0);
        }

        @Override
        public void processElement(MeshEvent event, Context ctx, Collector<String> out) {
            SEEN.incrementAndGet();
            if (ctx.timestamp() == null || ctx.timestamp() != event.timestampMillis) {
                RESTAMPED.incrementAndGet();
            }
            if (ctx.timestamp() == null || ctx.timestamp() <= ctx.timerService().currentWatermark()) {
                LATE.incrementAndGet();
            }
        }
    }
}
