package io.meshguard.job.operators;

import io.meshguard.control.Control;
import io.meshguard.control.FalsePositiveReport;
import io.meshguard.policy.ManualOverride;
import io.meshguard.policy.Policy;
import io.meshguard.policy.PolicyHistory;
import io.meshguard.segment.FalsePositiveOutcome;
import io.meshguard.segment.SegmentAggregationState;
import io.meshguard.segment.SegmentControllerConfig;
import io.meshguard.segment.SegmentInterval;
import io.meshguard.segment.SegmentIntervalAggregator;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentBatch;
import io.meshguard.segment.SegmentState;
import io.meshguard.segment.SegmentThresholdController;
import io.meshguard.segment.SegmentUpdate;
import io.meshguard.segment.Threshold;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by segment: folds each segment's request batches ({@link SegmentSampleBatchOperator}) into
 * closed event-time intervals ({@link SegmentIntervalAggregator}) and runs the {@link
 * SegmentThresholdController} on every interval
 * under the policy in force, emitting a {@link SegmentUpdate} whenever a segment's mode or
 * thresholds change. The control channel (broadcast) brings policies, whose manual segment
 * overrides apply at once, and false-positive reports, which loosen their segment.
 *
 * <h2>Time and state</h2>
 *
 * Each segment keeps three keyed values and exactly one pending event-time timer, whose time is
 * stored so it can be moved rather than duplicated. While the segment has traffic or owes zero
 * intervals the timer is the aggregator's next due time. When the aggregator has nothing more to
 * say (an idle gap beyond its zero-interval bound) but the controller still holds the segment
 * (not NORMAL, tightened, or under a manual override), the timer feeds the controller a synthetic
 * empty interval per interval length, or one at the override's expiry, so a clamp on a segment
 * that went silent still recovers and expires. Once the segment is NORMAL, untightened and the
 * aggregator's look-back has passed, the timer drops all three values: nothing unbounded is kept.
 *
 * <h2>Manual overrides</h2>
 *
 * The policy decides, the controller's state follows: on every closed interval the segment's
 * active override (if any) is re-applied (idempotent) and an override the policy no longer holds
 * is withdrawn. A newly accepted policy is also pushed at once to the segments this instance
 * already holds, so a clamp takes effect without waiting for an interval; a segment first seen
 * later gets it with its first interval. Expiry is the controller's own (at its {@code until},
 * event time).
 *
 * <p>The control input must not hold back event time (see {@code ControlWatermarks}): the
 * operator's watermark is the minimum of both inputs, and only the watermark closes intervals.
 */
public class SegmentControllerFunction
        extends KeyedBroadcastProcessFunction<String, SegmentBatch, Control, SegmentUpdate> {
    private static final long serialVersionUID = 1L;

    static final String AGGREGATION_STATE_NAME = "segment-aggregation";
    static final String CONTROLLER_STATE_NAME = "segment-controller";
    static final String TIMER_STATE_NAME = "segment-timer";

    private final SegmentControllerConfig controllerConfig;
    private final SegmentIntervalAggregator.Config aggregationConfig;
    private final PolicyBroadcast policies;

    /** Kept to reach the segments' controller state from the broadcast side. */
    private transient ValueStateDescriptor<SegmentState> controllerDescriptor;

    private transient ValueState<SegmentAggregationState> aggregationState;
    private transient ValueState<SegmentState> controllerState;
    private transient ValueState<Long> timerState;
    private transient SegmentIntervalAggregator aggregator;
    private transient SegmentThresholdController controller;
    /** Mode, factor and cap of this instance's segments, for the gauges; refilled as segments close intervals after a restore. */
    private transient Map<String, SegmentView> views;

    private transient Counter segmentUpdates;

    /**
     * @param initialPolicyJson policy in force until the control channel brings a newer one; null
     *     for the configured defaults
     * @throws IllegalArgumentException when the initial policy is invalid or the two configurations
     *     disagree on the interval length
     */
    public SegmentControllerFunction(
            SegmentControllerConfig controllerConfig, SegmentIntervalAggregator.Config aggregationConfig,
            String initialPolicyJson) {
        if (controllerConfig.intervalMillis != aggregationConfig.intervalMillis) {
            throw new IllegalArgumentException("segment controller interval (" + controllerConfig.intervalMillis
                    + " ms) and aggregation interval (" + aggregationConfig.intervalMillis + " ms) must be equal");
        }
        this.controllerConfig = controllerConfig;
        this.aggregationConfig = aggregationConfig;
        this.policies = new PolicyBroadcast(controllerConfig.limits, initialPolicyJson);
    }

    @Override
    public void open(OpenContext openContext) {
        // Both state types are Flink POJOs (primitives, enums, primitive arrays): no Kryo.
        aggregationState = getRuntimeContext().getState(new ValueStateDescriptor<>(
                AGGREGATION_STATE_NAME, TypeInformation.of(SegmentAggregationState.class)));
        controllerDescriptor =
                new ValueStateDescriptor<>(CONTROLLER_STATE_NAME, TypeInformation.of(SegmentState.class));
        controllerState = getRuntimeContext().getState(controllerDescriptor);
        timerState = getRuntimeContext().getState(new ValueStateDescriptor<>(TIMER_STATE_NAME, Types.LONG));
        aggregator = new SegmentIntervalAggregator(aggregationConfig);
        controller = new SegmentThresholdController(controllerConfig);
        views = new ConcurrentHashMap<>();

        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("meshguard");
        metrics.gauge("segmentsNormal", () -> segmentsIn(SegmentMode.NORMAL));
        metrics.gauge("segmentsElevated", () -> segmentsIn(SegmentMode.ELEVATED));
        metrics.gauge("segmentsClamped", () -> segmentsIn(SegmentMode.CLAMPED));
        metrics.gauge("clampedLowestFactor", this::clampedLowestFactor);
        metrics.gauge("clampedLowestCapRps", this::clampedLowestCapRps);
        segmentUpdates = metrics.counter("segmentUpdates");
    }

    @Override
    public void processElement(SegmentBatch batch, ReadOnlyContext ctx, Collector<SegmentUpdate> out)
            throws Exception {
        String segment = ctx.getCurrentKey();
        Policy policy = policies.current(ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR));
        SegmentAggregationState aggregation = aggregationState.value();
        SegmentState existing = aggregation == null ? null : controllerState.value();
        if (aggregation == null) {
            aggregation = aggregator.newState();
        }
        SegmentState state = existing == null ? new SegmentState() : existing;
        boolean[] intervalsClosed = {existing == null};
        aggregator.add(aggregation, batch, interval -> {
            onInterval(segment, state, interval, policy, out);
            intervalsClosed[0] = true;
        });
        aggregationState.update(aggregation);
        // The controller state only changes when an interval closes: spare the write otherwise.
        if (intervalsClosed[0]) {
            controllerState.update(state);
        }
        schedule(ctx.timerService(), nextTimerMillis(aggregation, state, limitsFor(policy, segment)));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentUpdate> out) throws Exception {
        Long pending = timerState.value();
        if (pending == null || pending != timestamp) {
            return; // Not the segment's timer (cannot happen while every path goes through schedule()).
        }
        timerState.clear();
        SegmentAggregationState aggregation = aggregationState.value();
        if (aggregation == null) {
            return;
        }
        String segment = ctx.getCurrentKey();
        Policy policy = policies.current(ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR));
        SegmentLimits limits = limitsFor(policy, segment);
        SegmentState stored = controllerState.value();
        SegmentState state = stored == null ? new SegmentState() : stored;
        long watermark = ctx.timerService().currentWatermark();

        aggregator.advanceTo(aggregation, watermark, interval -> onInterval(segment, state, interval, policy, out));
        if (aggregator.nextDueMillis(aggregation) == Long.MAX_VALUE) {
            tickIdle(segment, state, watermark, policy, limits, out);
        }
        if (aggregator.isDiscardable(aggregation) && controller.isQuiescent(state, watermark, limits)) {
            aggregationState.clear();
            controllerState.clear();
            views.remove(segment);
            return;
        }
        aggregationState.update(aggregation);
        controllerState.update(state);
        long next = nextTimerMillis(aggregation, state, limits);
        // A timer at or before the watermark would fire again in this very watermark's loop.
        schedule(ctx.timerService(), next == Long.MAX_VALUE ? next : Math.max(next, watermark + 1));
    }

    @Override
    public void processBroadcastElement(Control control, Context ctx, Collector<SegmentUpdate> out) throws Exception {
        if (control == null || control.kind == null) {
            return;
        }
        switch (control.kind) {
            case POLICY:
                onPolicy(control.policyJson, ctx, out);
                break;
            case FEEDBACK:
                onFeedback(control.feedback, ctx, out);
                break;
            default:
                // SEGMENT_UPDATE is this operator's own output on its way to the deciding operators.
                break;
        }
    }

    // ---------------------------------------------------------------------------------------------

    private void onInterval(
            String segment, SegmentState state, SegmentInterval interval, Policy policy, Collector<SegmentUpdate> out) {
        SegmentLimits limits = limitsFor(policy, segment);
        emit(reconcileManual(segment, state, interval.endMillis, policy, limits), policy, out);
        emit(controller.onInterval(segment, state, interval, limits), policy, out);
        recordView(segment, state, limits);
    }

    /**
     * The aggregator has gone silent (an idle gap beyond its zero intervals) but the controller may
     * still hold the segment: feed it an empty interval ending where no later event can still be
     * counted, so recovery and expiry run on event time whether or not traffic returns.
     */
    private void tickIdle(
            String segment, SegmentState state, long watermark, Policy policy, SegmentLimits limits,
            Collector<SegmentUpdate> out) {
        if (watermark == Long.MAX_VALUE || state.lastIntervalEndMillis == SegmentState.NEVER
                || !holdsSegment(state, limits)) {
            return;
        }
        long interval = aggregationConfig.intervalMillis;
        long end = Math.floorDiv(watermark - aggregationConfig.allowedLatenessMillis, interval) * interval;
        if (end <= state.lastIntervalEndMillis) {
            return;
        }
        SegmentInterval empty = new SegmentInterval();
        empty.endMillis = end;
        empty.durationMillis = interval;
        onInterval(segment, state, empty, policy, out);
    }

    /** The controller still needs intervals: a mode to step down, a factor to recover, an override to expire. */
    private static boolean holdsSegment(SegmentState state, SegmentLimits limits) {
        return state.manualMode != null
                || state.mode != SegmentMode.NORMAL
                || state.factor < limits.bounds.max(Threshold.TIGHTENING_FACTOR);
    }

    /**
     * The one timer the segment needs next: the aggregator's due time while it has intervals to
     * close or zeros to emit; else the next synthetic interval while the controller holds the
     * segment (at the override's expiry when one is in force); else when the state may be dropped.
     */
    private long nextTimerMillis(SegmentAggregationState aggregation, SegmentState state, SegmentLimits limits) {
        long due = aggregator.nextDueMillis(aggregation);
        if (due != Long.MAX_VALUE || aggregation.clockMillis == Long.MAX_VALUE) {
            return due;
        }
        long interval = aggregationConfig.intervalMillis;
        long lateness = aggregationConfig.allowedLatenessMillis;
        if (state.lastIntervalEndMillis != SegmentState.NEVER && holdsSegment(state, limits)) {
            long end = state.lastIntervalEndMillis + interval;
            if (state.manualMode != null) {
                long expiry = Math.floorDiv(state.manualUntilMillis + interval - 1, interval) * interval;
                end = Math.max(end, expiry);
            }
            return end + lateness;
        }
        return Math.max(aggregator.discardableAtMillis(aggregation), state.feedbackUntilMillis);
    }

    /** Moves the segment's single pending timer to {@code dueMillis} (none for {@link Long#MAX_VALUE}). */
    private void schedule(TimerService timers, long dueMillis) throws Exception {
        Long pending = timerState.value();
        if (pending != null && pending == dueMillis) {
            return;
        }
        if (pending != null) {
            timers.deleteEventTimeTimer(pending);
        }
        if (dueMillis == Long.MAX_VALUE) {
            timerState.clear();
            return;
        }
        timers.registerEventTimeTimer(dueMillis);
        timerState.update(dueMillis);
    }

    /**
     * Makes the controller state agree with the policy at {@code nowMillis}: applies the segment's
     * active override (a no-op when already in force) or withdraws one the policy no longer holds.
     * An override past its {@code until} is left to the controller, which reports it as expired.
     */
    private SegmentUpdate reconcileManual(
            String segment, SegmentState state, long nowMillis, Policy policy, SegmentLimits limits) {
        ManualOverride active = policy == null ? null : policy.activeSegmentManual(segment, nowMillis);
        if (active != null) {
            return active.applyTo(controller, state, nowMillis, limits, policy.version());
        }
        if (state.manualMode != null && nowMillis < state.manualUntilMillis) {
            return controller.clearManual(segment, state, nowMillis, limits);
        }
        return null;
    }

    private void onPolicy(String json, Context ctx, Collector<SegmentUpdate> out) throws Exception {
        BroadcastState<String, String> broadcast = ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR);
        boolean hadManual = hasSegmentManual(policies.current(broadcast));
        PolicyHistory.Verdict verdict = policies.offer(broadcast, json);
        // Rejected documents change nothing here; the audit operator reports them.
        if (!verdict.accepted || !(hadManual || hasSegmentManual(verdict.current))) {
            return;
        }
        Policy policy = verdict.current;
        long watermark = ctx.currentWatermark();
        ctx.applyToKeyedState(controllerDescriptor, (segment, value) -> {
            SegmentState state = value.value();
            if (state == null) {
                return;
            }
            long now = Math.max(watermark, state.lastIntervalEndMillis);
            if (now == Long.MIN_VALUE) {
                return; // No notion of time yet: the first interval applies it.
            }
            SegmentLimits limits = limitsFor(policy, segment);
            SegmentUpdate update = reconcileManual(segment, state, now, policy, limits);
            if (update != null) {
                value.update(state);
                emit(update, policy, out);
                recordView(segment, state, limits);
            }
        });
    }

    /**
     * Loosens the reported segment if this instance holds it. Reaching one key from the broadcast
     * side means visiting this instance's segments; reports are rare and segments few (thousands),
     * so that is cheaper than routing reports through a keyed stream of their own.
     */
    private void onFeedback(FalsePositiveReport report, Context ctx, Collector<SegmentUpdate> out) throws Exception {
        if (report == null || report.segment == null) {
            return;
        }
        Policy policy = policies.current(ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR));
        SegmentLimits limits = limitsFor(policy, report.segment);
        ctx.applyToKeyedState(controllerDescriptor, (segment, value) -> {
            if (!report.segment.equals(segment)) {
                return;
            }
            SegmentState state = value.value();
            if (state == null) {
                return;
            }
            FalsePositiveOutcome outcome =
                    controller.onFalsePositive(segment, state, report.identity, report.timestampMillis, limits);
            value.update(state);
            emit(outcome.update, policy, out);
            recordView(segment, state, limits);
        });
    }

    private static boolean hasSegmentManual(Policy policy) {
        if (policy == null) {
            return false;
        }
        for (ManualOverride m : policy.manualOverrides()) {
            if (m.scope == ManualOverride.Scope.SEGMENT) {
                return true;
            }
        }
        return false;
    }

    private SegmentLimits limitsFor(Policy policy, String segment) {
        return policy == null ? controllerConfig.limits : policy.limitsFor(segment);
    }

    private void emit(SegmentUpdate update, Policy policy, Collector<SegmentUpdate> out) {
        if (update != null) {
            update.policyVersion = policy == null ? 0 : policy.version();
            segmentUpdates.inc();
            out.collect(update);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Gauges: counts and extremes over this instance's segments, never one metric per segment.

    private void recordView(String segment, SegmentState state, SegmentLimits limits) {
        SegmentView view = new SegmentView(
                state.mode, limits.bounds.clamp(Threshold.TIGHTENING_FACTOR, state.factor), state.capRps);
        if (!view.equals(views.get(segment))) {
            views.put(segment, view);
        }
    }

    int segmentsIn(SegmentMode mode) {
        int n = 0;
        for (SegmentView v : views.values()) {
            if (v.mode == mode) {
                n++;
            }
        }
        return n;
    }

    /** Lowest tightening factor among CLAMPED segments; 1 when none is clamped. */
    double clampedLowestFactor() {
        double lowest = 1.0;
        for (SegmentView v : views.values()) {
            if (v.mode == SegmentMode.CLAMPED) {
                lowest = Math.min(lowest, v.factor);
            }
        }
        return lowest;
    }

    /** Lowest segment cap among CLAMPED segments; 0 when none is clamped. */
    double clampedLowestCapRps() {
        double lowest = Double.POSITIVE_INFINITY;
        for (SegmentView v : views.values()) {
            if (v.mode == SegmentMode.CLAMPED) {
                lowest = Math.min(lowest, v.capRps);
            }
        }
        return lowest == Double.POSITIVE_INFINITY ? 0 : lowest;
    }

    private record SegmentView(SegmentMode mode, double factor, double capRps) {}
}
