package io.meshguard.job.operators;

import io.meshguard.control.Control;
import io.meshguard.control.FalsePositiveReport;
import io.meshguard.enforce.ArbiterConfig;
import io.meshguard.enforce.ArbiterState;
import io.meshguard.enforce.DecisionArbiter;
import io.meshguard.enforce.SegmentInfo;
import io.meshguard.json.JsonLineWriter;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.policy.ManualOverride;
import io.meshguard.policy.Policy;
import io.meshguard.policy.PolicyHistory;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by identity, with the control channel broadcast: holds each identity's {@link ArbiterState}
 * and runs the plain-Java {@link DecisionArbiter} on score proposals, pattern matches, feedback,
 * policies and event-time wake-ups, emitting the final decisions enforcers act on.
 *
 * <p>Keyed state: the identity's {@link ArbiterState} and one event-time timer at {@link
 * DecisionArbiter#nextWakeMillis}; the state is cleared as soon as the arbiter calls it
 * discardable. Broadcast state: the accepted policy's JSON (parsed again on restore, so a class
 * change cannot break a savepoint) and the latest {@link SegmentInfo} per segment. Operator state:
 * this instance's count of quarantines in force per segment (the blast-radius guard's count).
 *
 * <p>Policies are audited once, by subtask 0, on {@link #POLICY_AUDIT}. An accepted policy is
 * applied at once to every identity this instance holds (allowlist, shadow mode and manual
 * overrides may have changed); a manual override for an identity nobody holds state for is
 * emitted by the subtask that owns the identity's key. Keyed timers cannot be set from the
 * broadcast side, so every held identity wakes at least every recheck interval of {@link
 * ArbiterConfig}, which bounds how late such an override's expiry is noticed.
 *
 * <p>{@code FEEDBACK} controls on the broadcast side release the identity if this instance holds it
 * (a scan of the keys: feedback is rare). Only the keyed {@link ArbiterInput#feedback} can record
 * the exemption of an identity that has no state yet; sending both is harmless.
 */
public class DecisionArbiterFunction extends KeyedBroadcastProcessFunction<String, ArbiterInput, Control, Decision>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DecisionArbiterFunction.class);

    /** One JSON line per policy received: accepted or rejected, and why. */
    /** Decisions the latency histogram's percentiles are computed over. */
    private static final int LATENCY_WINDOW = 10_000;

    public static final OutputTag<String> POLICY_AUDIT = new OutputTag<>("policy-audit", Types.STRING);

    /** Broadcast state: the accepted policy document under {@link #POLICY_KEY}. */
    public static final MapStateDescriptor<String, String> POLICY_STATE =
            new MapStateDescriptor<>("arbiter-policy", Types.STRING, Types.STRING);
    /** Broadcast state: latest known mode and size per segment. */
    public static final MapStateDescriptor<String, SegmentInfo> SEGMENT_STATE =
            new MapStateDescriptor<>("arbiter-segments", Types.STRING, TypeInformation.of(SegmentInfo.class));

    static final String STATE_NAME = "arbiter-state";
    static final String COUNTS_STATE_NAME = "arbiter-quarantine-counts";
    static final String POLICY_KEY = "current";

    private final ArbiterConfig config;
    /** Under this operator's own broadcast state name (from its first release), with the shared rules. */
    private final PolicyBroadcast policies;

    private transient ValueStateDescriptor<ArbiterState> stateDescriptor;
    private transient ValueState<ArbiterState> arbiterState;
    /** (subtask, parallelism, segment, count): union state, so counts can be re-estimated on rescale. */
    private transient ListState<Tuple4<Integer, Integer, String, Integer>> countsState;

    private transient Map<String, Integer> restoredCounts;
    private transient DecisionArbiter arbiter;

    private transient int subtask;
    private transient int parallelism;
    private transient int maxParallelism;

    private transient Histogram decisionLatency;
    private transient volatile long lastWatermark;
    private transient Counter allowCounter;
    private transient Counter rateLimitCounter;
    private transient Counter quarantineCounter;
    private transient Counter shadowCounter;
    private transient Counter blastRadiusCounter;
    private transient Counter policiesAccepted;
    private transient Counter policiesRejected;

    /**
     * @param config the arbiter's settings; build it with {@link ArbiterConfig.Builder#decisions} and
     *     {@link ArbiterConfig.Builder#segmentControl} to take the detector's and the controller's
     * @param limits default thresholds and bounds the policy parser validates overrides against
     * @param initialPolicyJson policy in force until one arrives on the control channel; null for the
     *     built-in defaults
     * @throws IllegalArgumentException when the initial policy is invalid, so a bad deployment
     *     fails at submission instead of running without its policy
     */
    public DecisionArbiterFunction(ArbiterConfig config, SegmentLimits limits, String initialPolicyJson) {
        this.config = config;
        this.policies = new PolicyBroadcast(POLICY_STATE, POLICY_KEY, limits, initialPolicyJson);
    }

    /** The broadcast state descriptors to broadcast the control stream with. */
    public static MapStateDescriptor<?, ?>[] broadcastStateDescriptors() {
        return new MapStateDescriptor<?, ?>[] {POLICY_STATE, SEGMENT_STATE};
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle and operator state

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        countsState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
                COUNTS_STATE_NAME, Types.TUPLE(Types.INT, Types.INT, Types.STRING, Types.INT)));
        restoredCounts = new HashMap<>();
        if (!context.isRestored()) {
            return;
        }
        int me = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int now = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        List<Tuple4<Integer, Integer, String, Integer>> entries = new ArrayList<>();
        countsState.get().forEach(entries::add);
        boolean sameParallelism = entries.stream().allMatch(e -> e.f1 == now);
        Map<String, Integer> totals = new HashMap<>();
        for (Tuple4<Integer, Integer, String, Integer> e : entries) {
            if (sameParallelism) {
                if (e.f0 == me) {
                    restoredCounts.merge(e.f2, e.f3, Integer::sum);
                }
            } else {
                totals.merge(e.f2, e.f3, Integer::sum);
            }
        }
        // Rescaled: the identities moved with their key groups, so each instance now holds about
        // 1/P of each segment's quarantines. Rounding up errs towards downgrading, and the counts
        // correct themselves as those quarantines end (never below zero).
        totals.forEach((segment, total) -> restoredCounts.put(segment, (total + now - 1) / now));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple4<Integer, Integer, String, Integer>> entries = new ArrayList<>();
        arbiter.quarantineCounts().forEach((segment, n) -> entries.add(Tuple4.of(subtask, parallelism, segment, n)));
        countsState.update(entries);
    }

    @Override
    public void open(OpenContext openContext) {
        lastWatermark = Long.MIN_VALUE;
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        stateDescriptor = new ValueStateDescriptor<>(STATE_NAME, ArbiterState.class);
        arbiterState = getRuntimeContext().getState(stateDescriptor);
        arbiter = new DecisionArbiter(config, parallelism);
        if (restoredCounts != null) {
            arbiter.restoreQuarantineCounts(restoredCounts);
            restoredCounts = null;
        }

        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("meshguard");
        allowCounter = metrics.counter("decisionsAllow");
        rateLimitCounter = metrics.counter("decisionsRateLimit");
        quarantineCounter = metrics.counter("decisionsQuarantine");
        shadowCounter = metrics.counter("decisionsShadow");
        blastRadiusCounter = metrics.counter("blastRadiusDowngrades");
        policiesAccepted = metrics.counter("policiesAccepted");
        policiesRejected = metrics.counter("policiesRejected");
        metrics.gauge("policyVersion", policies::lastVersion);
        // From the decoding of the request that decided to the decision leaving this operator; the
        // sinks add their own (the Redis sink reports redisLastWriteLatencyMs).
        decisionLatency = metrics.histogram("decisionLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        // Wall clock minus event time as this operator sees it: how far decisions lag the traffic.
        metrics.gauge("watermarkLagMs", () -> lastWatermark == Long.MIN_VALUE
                ? 0L : Math.max(0L, System.currentTimeMillis() - lastWatermark));
    }

    // ---------------------------------------------------------------------------------------------
    // Keyed side

    @Override
    public void processElement(ArbiterInput in, ReadOnlyContext ctx, Collector<Decision> out) throws Exception {
        lastWatermark = ctx.currentWatermark();
        Policy policy = policies.current(ctx.getBroadcastState(POLICY_STATE));
        ArbiterState s = arbiterState.value();
        if (s == null) {
            s = new ArbiterState();
            s.identity = ctx.getCurrentKey();
        }
        ReadOnlyBroadcastState<String, SegmentInfo> segments = ctx.getBroadcastState(SEGMENT_STATE);
        Decision d;
        if (in.proposal != null) {
            d = arbiter.onProposal(s, in.proposal, policy, segment(segments, in.proposal.segment, s));
        } else if (in.match != null) {
            d = arbiter.onPattern(s, in.match, policy, segment(segments, in.match.segment, s));
        } else if (in.feedback != null) {
            d = arbiter.onFeedback(s, in.feedback, policy, segment(segments, in.feedback.segment, s));
        } else {
            LOG.warn("ignoring an empty arbiter input for {}", ctx.getCurrentKey());
            d = null;
        }
        emit(d, out);
        store(s, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        lastWatermark = ctx.currentWatermark();
        ArbiterState s = arbiterState.value();
        if (s == null) {
            return; // discarded from the broadcast side, which cannot delete timers
        }
        if (timestamp == s.timerMillis) {
            s.timerMillis = 0;
        }
        Policy policy = policies.current(ctx.getBroadcastState(POLICY_STATE));
        Decision d = arbiter.onTime(s, timestamp, policy, segment(ctx.getBroadcastState(SEGMENT_STATE), null, s));
        emit(d, out);
        store(s, ctx.timerService());
    }

    /** Keeps exactly one timer at the arbiter's next wake-up, or drops the state when it is discardable. */
    private void store(ArbiterState s, TimerService timers) throws Exception {
        if (arbiter.isDiscardable(s)) {
            if (s.timerMillis != 0) {
                timers.deleteEventTimeTimer(s.timerMillis);
            }
            arbiterState.clear();
            return;
        }
        long wake = arbiter.nextWakeMillis(s);
        if (wake != s.timerMillis) {
            if (s.timerMillis != 0) {
                timers.deleteEventTimeTimer(s.timerMillis);
            }
            s.timerMillis = wake == DecisionArbiter.NEVER ? 0 : wake;
            if (s.timerMillis != 0) {
                timers.registerEventTimeTimer(s.timerMillis);
            }
        }
        arbiterState.update(s);
    }

    // ---------------------------------------------------------------------------------------------
    // Broadcast side

    @Override
    public void processBroadcastElement(Control control, Context ctx, Collector<Decision> out) throws Exception {
        BroadcastState<String, String> policyState = ctx.getBroadcastState(POLICY_STATE);
        if (control == null || control.kind == null) {
            return;
        }
        switch (control.kind) {
            case POLICY -> onPolicy(control, ctx, policyState, out);
            case SEGMENT_UPDATE -> onSegmentUpdate(control.segmentUpdate, ctx.getBroadcastState(SEGMENT_STATE));
            case FEEDBACK -> onBroadcastFeedback(control.feedback, ctx, out);
            default -> LOG.warn("ignoring control of unknown kind {}", control.kind);
        }
    }

    private void onPolicy(Control control, Context ctx, BroadcastState<String, String> policyState,
            Collector<Decision> out) throws Exception {
        long now = now(ctx);
        PolicyHistory.Verdict verdict = policies.offer(policyState, control.policyJson);
        // Every subtask takes the same verdict; one report of it is enough.
        if (subtask == 0) {
            (verdict.accepted ? policiesAccepted : policiesRejected).inc();
            ctx.output(POLICY_AUDIT, auditLine(now, verdict, control.origin));
        }
        if (!verdict.accepted) {
            LOG.warn("{} (from {}); policy v{} stays in force", verdict.reason, control.origin, policies.lastVersion());
            return;
        }
        Policy policy = verdict.current;
        ReadOnlyBroadcastState<String, SegmentInfo> segments = ctx.getBroadcastState(SEGMENT_STATE);
        Set<String> manualIdentities = new HashSet<>();
        for (ManualOverride m : policy.manualOverrides()) {
            if (m.scope == ManualOverride.Scope.IDENTITY && m.isActiveAt(now)) {
                manualIdentities.add(m.key);
            }
        }
        Set<String> held = new HashSet<>();
        ctx.applyToKeyedState(stateDescriptor, (identity, state) -> {
            ArbiterState s = state.value();
            if (s == null) {
                return;
            }
            if (manualIdentities.contains(identity)) {
                held.add(identity);
            }
            emit(arbiter.onPolicy(s, policy, now, segment(segments, null, s)), out);
            // The pending timer stays (none can be set from here); a discarded state lets it fire on nothing.
            if (arbiter.isDiscardable(s)) {
                state.clear();
            } else {
                state.update(s);
            }
        });
        for (String identity : manualIdentities) {
            if (!held.contains(identity)
                    && KeyGroupRangeAssignment.assignKeyToParallelOperator(identity, maxParallelism, parallelism) == subtask) {
                emit(arbiter.onPolicyWithoutState(identity, policy, now, null), out);
            }
        }
    }

    private static void onSegmentUpdate(SegmentUpdate update, BroadcastState<String, SegmentInfo> segments)
            throws Exception {
        if (update == null || update.segment == null) {
            return;
        }
        SegmentInfo known = segments.get(update.segment);
        if (known == null || update.version > known.version) {
            segments.put(update.segment, SegmentInfo.from(update));
        }
    }

    private void onBroadcastFeedback(FalsePositiveReport report, Context ctx, Collector<Decision> out)
            throws Exception {
        if (report == null || report.identity == null) {
            return;
        }
        Policy policy = policies.current(ctx.getBroadcastState(POLICY_STATE));
        ReadOnlyBroadcastState<String, SegmentInfo> segments = ctx.getBroadcastState(SEGMENT_STATE);
        ctx.applyToKeyedState(stateDescriptor, (identity, state) -> {
            if (!report.identity.equals(identity)) {
                return;
            }
            ArbiterState s = state.value();
            if (s != null) {
                emit(arbiter.onFeedback(s, report, policy, segment(segments, report.segment, s)), out);
                state.update(s); // the exemption pending keeps it, and its timer, alive
            }
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static SegmentInfo segment(ReadOnlyBroadcastState<String, SegmentInfo> segments, String fromInput,
            ArbiterState s) throws Exception {
        String segment = fromInput != null ? fromInput : s.segment;
        return segment == null ? null : segments.get(segment);
    }

    private void emit(Decision d, Collector<Decision> out) {
        if (d == null) {
            return;
        }
        if (d.shadow) {
            shadowCounter.inc();
        } else if (d.action == Action.QUARANTINE) {
            quarantineCounter.inc();
        } else if (d.action == Action.RATE_LIMIT) {
            rateLimitCounter.inc();
        } else {
            allowCounter.inc();
        }
        if (Decision.TRIGGER_BLAST_RADIUS.equals(d.trigger)) {
            blastRadiusCounter.inc();
        }
        if (!d.shadow && d.eventArrivalMillis > 0) {
            decisionLatency.update(Math.max(0, System.currentTimeMillis() - d.eventArrivalMillis));
        }
        out.collect(d);
    }

    /**
     * Event time of a control: its timestamp, else the watermark; before any watermark, the wall
     * clock (controls are written by people and tools at wall-clock time). Sources without
     * timestamps (a watched directory) stamp records with Long.MIN_VALUE, which means none.
     */
    static long now(Context ctx) {
        Long ts = ctx.timestamp();
        if (ts != null && ts != Long.MIN_VALUE) {
            return ts;
        }
        long watermark = ctx.currentWatermark();
        return watermark > Long.MIN_VALUE ? watermark : System.currentTimeMillis();
    }

    static String auditLine(long now, PolicyHistory.Verdict verdict, String origin) {
        JsonLineWriter w = new JsonLineWriter(256).beginObject();
        w.name("ts").isoTimestamp(now);
        w.field("type", "policy");
        w.field("accepted", verdict.accepted);
        if (verdict.version < 0) {
            w.nullField("version"); // the document did not parse far enough to have one
        } else {
            w.field("version", verdict.version);
        }
        w.field("reason", verdict.reason);
        w.field("origin", origin);
        return w.endObject().toLine();
    }
}
