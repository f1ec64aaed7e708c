package io.meshguard.job;

import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.operators.IdentityDetectorFunction;
import io.meshguard.job.operators.ParseTelemetryFunction;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The meshguard dataflow, shared by every entry point and by the tests: raw telemetry is decoded
 * (bad records to the dead-letter output), stamped with event time, keyed by identity and scored;
 * decisions and dead letters go to whatever sinks the caller attaches.
 */
public final class MeshGuardWorkflow {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private MeshGuardWorkflow() {}

    /** Operator uids: stable across releases so savepoints stay compatible. */
    public static final class Uids {
        public static final String PARSE = "parse-telemetry";
        public static final String EVENT_TIME = "assign-event-time";
        public static final String DETECT = "identity-detector";

        private Uids() {}
    }

    /** The streams the workflow produced, for callers that tap more than the sinks. */
    public record Streams(DataStream<MeshEvent> events, DataStream<Decision> decisions, DataStream<DeadLetter> deadLetters) {}

    public static Streams defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawTelemetry> telemetry,
            MeshGuardConfig config,
            Consumer<DataStream<Decision>> decisionSink,
            Consumer<DataStream<DeadLetter>> deadLetterSink) {
        SingleOutputStreamOperator<MeshEvent> events = telemetry
                .process(new ParseTelemetryFunction(config.decoder, DEAD_LETTERS))
                .uid(Uids.PARSE)
                .name("Parse telemetry");

        WatermarkStrategy<MeshEvent> eventTime = WatermarkStrategy
                .<MeshEvent>forBoundedOutOfOrderness(config.watermarkOutOfOrderness)
                .withTimestampAssigner((event, previous) -> event.timestampMillis)
                .withIdleness(config.watermarkIdleness);

        DataStream<MeshEvent> timedEvents = events
                .assignTimestampsAndWatermarks(eventTime)
                .uid(Uids.EVENT_TIME)
                .name("Assign event time");
        DataStream<Decision> decisions = timedEvents
                .keyBy(event -> event.identity)
                .process(new IdentityDetectorFunction(
                        config.detection, config.identityIdleTimeout.toMillis(), config.identityStateTtl))
                .uid(Uids.DETECT)
                .name("Detect per identity");

        DataStream<DeadLetter> deadLetters = events.getSideOutput(DEAD_LETTERS);
        decisionSink.accept(decisions);
        deadLetterSink.accept(deadLetters);
        return new Streams(timedEvents, decisions, deadLetters);
    }
}
