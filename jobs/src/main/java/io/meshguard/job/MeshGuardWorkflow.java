package io.meshguard.job;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternMatch;
import io.meshguard.control.Control;
import io.meshguard.job.cep.PatternDetection;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.operators.ArbiterInput;
import io.meshguard.job.operators.DecisionArbiterFunction;
import io.meshguard.job.operators.IdentityDetectorFunction;
import io.meshguard.job.operators.ParseControlFunction;
import io.meshguard.job.operators.ParseTelemetryFunction;
import io.meshguard.job.operators.PolicyBroadcast;
import io.meshguard.job.operators.SegmentControllerFunction;
import io.meshguard.job.operators.SegmentSampleBatchOperator;
import io.meshguard.job.sources.ControlWatermarks;
import io.meshguard.json.DecisionJson;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import io.meshguard.segment.SegmentBatch;
import io.meshguard.segment.SegmentUpdate;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * The meshguard dataflow, shared by every entry point and by the tests.
 *
 * <pre>
 *  telemetry ─▶ parse ─▶ event time ─┬─▶ segment batches ─keyBy(segment)─▶ segment controller ─▶ segment updates
 *                 ▲                  │                                          ▲                    │
 *                 │                  └─keyBy(identity)─▶ identity detector ◀────┼── control + updates┤
 *  control ───────┴──────────────────────────────────────────────────────────────┘                    │
 *                                      score proposals │  interval summaries ─▶ CEP (4 patterns)      │
 *                                                      ▼                           │ matches          │
 *                                   keyBy(identity) decision arbiter ◀─────────────┘ ◀── control + updates
 *                                                      │
 *                                                      ▼ decisions, audit
 * </pre>
 *
 * The control channel (policies, false-positive reports) is broadcast to every deciding operator.
 * Segment updates flow forward only: the controller counts raw requests per segment, so no
 * dataflow cycle is needed for thresholds to reach the identities. With {@code segment.adaptive}
 * off the controller still runs and reports, but its updates are not applied.
 */
public final class MeshGuardWorkflow {
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private MeshGuardWorkflow() {}

    /** Operator uids: stable across releases so savepoints stay compatible. */
    public static final class Uids {
        public static final String PARSE = "parse-telemetry";
        public static final String PARSE_CONTROL = "parse-control";
        public static final String CONTROL_TIME = "control-event-time";
        public static final String EVENT_TIME = "assign-event-time";
        public static final String SEGMENT_SAMPLES = "segment-samples";
        public static final String SEGMENT_CONTROLLER = "segment-controller";
        public static final String DETECT = "identity-detector";
        public static final String ARBITER = "decision-arbiter";

        private Uids() {}
    }

    /** The streams the workflow produced; the caller attaches sinks to those it wants. */
    public record Streams(
            DataStream<MeshEvent> events,
            DataStream<Decision> decisions,
            DataStream<String> audit,
            DataStream<SegmentUpdate> segmentUpdates,
            DataStream<PatternMatch> patternMatches,
            DataStream<DeadLetter> deadLetters,
            /* segment updates are for enforcers too; with segment.adaptive off they are only reported */
            boolean segmentsEnforced) {
        /** Decisions enforcers act on: everything but shadow-mode decisions. */
        public DataStream<Decision> enforcingDecisions() {
            return decisions.filter(d -> !d.shadow).name("Enforcing decisions").uid("enforcing-decisions");
        }
    }

    /**
     * The workflow over telemetry without event time of its own (the simulator, a file): event time
     * is assigned from each parsed request's {@code start_time}.
     *
     * @param telemetry raw access-log lines
     * @param controlLines raw control lines (policies, false-positive reports); see {@code
     *     ControlSources.none} for a job without run-time control
     */
    public static Streams defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawTelemetry> telemetry,
            DataStream<RawTelemetry> controlLines,
            MeshGuardConfig config) {
        return defineWorkflow(env, telemetry, false, controlLines, config);
    }

    /**
     * @param telemetry raw access-log lines
     * @param telemetryHasEventTime true when {@code telemetry} already carries timestamps and
     *     watermarks (the Kafka source's per-partition ones): they are kept, since re-assigning event
     *     time after parsing would merge all partitions into one watermark per subtask and make a
     *     lagging partition's records late. {@code watermark.*} options then do not apply; the
     *     source's own settings do. False: event time is assigned after parsing ({@link Uids#EVENT_TIME}).
     * @param controlLines raw control lines (policies, false-positive reports); see {@code
     *     ControlSources.none} for a job without run-time control
     */
    public static Streams defineWorkflow(
            StreamExecutionEnvironment env,
            DataStream<RawTelemetry> telemetry,
            boolean telemetryHasEventTime,
            DataStream<RawTelemetry> controlLines,
            MeshGuardConfig config) {
        SingleOutputStreamOperator<Control> control = controlLines
                .process(new ParseControlFunction(DEAD_LETTERS))
                .uid(Uids.PARSE_CONTROL)
                .name("Parse control");
        DataStream<Control> controlInTime = control
                .assignTimestampsAndWatermarks(ControlWatermarks.neverHoldBack())
                .uid(Uids.CONTROL_TIME)
                .name("Control without event time");

        SingleOutputStreamOperator<MeshEvent> events = telemetry
                .connect(controlInTime.broadcast(PolicyBroadcast.DESCRIPTOR))
                .process(new ParseTelemetryFunction(
                        config.decoder, DEAD_LETTERS, config.segmentController.limits, config.initialPolicyJson))
                .uid(Uids.PARSE)
                .name("Parse telemetry");

        // Parsing keeps each record's timestamp, and the control input's watermark stands at the
        // maximum, so a source's watermarks pass through the parser unchanged.
        DataStream<MeshEvent> timedEvents = telemetryHasEventTime ? events : withEventTime(events, config);

        DataStream<SegmentUpdate> segmentUpdates = timedEvents
                .transform("Segment batches", TypeInformation.of(SegmentBatch.class),
                        SegmentSampleBatchOperator.create(config.segmentAggregation.intervalMillis,
                                config.segmentBatchMaxDelay.toMillis(), config.segmentBatchMaxIdentities))
                .uid(Uids.SEGMENT_SAMPLES)
                .keyBy(batch -> batch.segment)
                .connect(controlInTime.broadcast(PolicyBroadcast.DESCRIPTOR))
                .process(new SegmentControllerFunction(
                        config.segmentController, config.segmentAggregation, config.initialPolicyJson))
                .uid(Uids.SEGMENT_CONTROLLER)
                .name("Segment controller");

        DataStream<Control> controlDownstream = config.segmentAdaptive
                ? controlInTime.union(segmentUpdates.map(Control::segmentUpdate)
                        .uid("segment-updates-to-control").name("Segment updates to control"))
                : controlInTime;

        SingleOutputStreamOperator<Decision> proposals = timedEvents
                .keyBy(event -> event.identity)
                .connect(controlDownstream.broadcast(
                        IdentityDetectorFunction.BROADCAST_DESCRIPTORS.toArray(new MapStateDescriptor<?, ?>[0])))
                .process(new IdentityDetectorFunction(
                        config.detection, config.identityIdleTimeout.toMillis(), config.identityStateTtl,
                        config.segmentController.limits, config.initialPolicyJson)
                        .withBurstMinRps(config.patterns.burstMinRps)
                        .withOutOfOrderness(config.watermarkOutOfOrderness)
                        .withScanWindow(config.patterns.scanWithin))
                .uid(Uids.DETECT)
                .name("Detect per identity");

        DataStream<IntervalSummary> summaries = proposals.getSideOutput(IdentityDetectorFunction.SUMMARIES);
        DataStream<PatternMatch> matches = PatternDetection.detect(summaries, config.patterns);

        DataStream<ArbiterInput> arbiterInputs = proposals
                .map(ArbiterInput::proposal).uid("proposals-to-arbiter").name("Score proposals")
                .union(
                        matches.map(ArbiterInput::match).uid("matches-to-arbiter").name("Pattern matches"),
                        controlInTime.filter(c -> c.kind == Control.Kind.FEEDBACK)
                                .uid("feedback-filter").name("False-positive reports")
                                .map(c -> ArbiterInput.feedback(c.feedback))
                                .uid("feedback-to-arbiter").name("Feedback to arbiter"));
        SingleOutputStreamOperator<Decision> decisions = arbiterInputs
                .keyBy(ArbiterInput::identity)
                .connect(controlDownstream.broadcast(DecisionArbiterFunction.broadcastStateDescriptors()))
                .process(new DecisionArbiterFunction(
                        config.arbiter, config.segmentController.limits, config.initialPolicyJson))
                .uid(Uids.ARBITER)
                .name("Decide");

        DataStream<String> audit = decisions
                .map(DecisionJson::auditLine).returns(Types.STRING)
                .uid("decision-audit-lines").name("Decision audit lines")
                .union(decisions.getSideOutput(DecisionArbiterFunction.POLICY_AUDIT));

        DataStream<DeadLetter> deadLetters = events.getSideOutput(DEAD_LETTERS)
                .union(control.getSideOutput(DEAD_LETTERS));
        return new Streams(timedEvents, decisions, audit, segmentUpdates, matches, deadLetters, config.segmentAdaptive);
    }

    /** Event time from each request's {@code start_time}, with bounded out-of-orderness and idleness. */
    private static DataStream<MeshEvent> withEventTime(DataStream<MeshEvent> events, MeshGuardConfig config) {
        WatermarkStrategy<MeshEvent> eventTime = WatermarkStrategy
                .<MeshEvent>forBoundedOutOfOrderness(config.watermarkOutOfOrderness)
                .withTimestampAssigner((event, previous) -> event.timestampMillis)
                .withIdleness(config.watermarkIdleness);
        return events
                .assignTimestampsAndWatermarks(eventTime)
                .uid(Uids.EVENT_TIME)
                .name("Assign event time");
    }
}
