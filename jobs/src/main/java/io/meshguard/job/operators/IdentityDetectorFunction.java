package io.meshguard.job.operators;

import io.meshguard.baseline.PeerBaselines;
import io.meshguard.cep.IntervalSummary;
import io.meshguard.control.Control;
import io.meshguard.detect.DetectionConfig;
import io.meshguard.detect.IdentityDetector;
import io.meshguard.detect.IdentityState;
import io.meshguard.detect.IntervalTracker;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.MeshEvent;
import io.meshguard.policy.Policy;
import io.meshguard.policy.PolicyHistory;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentThresholds;
import io.meshguard.segment.SegmentUpdate;
import io.meshguard.segment.ThresholdBounds;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by identity: holds each identity's {@link IdentityState}, runs the plain-Java {@link
 * IdentityDetector} on every request with its segment's thresholds in force, and emits the
 * identity's interesting 1-s intervals ({@link IntervalTracker}) to the {@link #SUMMARIES} side
 * output for the behaviour patterns.
 *
 * <p>The control channel arrives as broadcast input: a POLICY sets the base thresholds (and their
 * per-segment overrides) of every segment; a SEGMENT_UPDATE from the segment controller sets the
 * thresholds in force in its segment, which then win over the policy's base until the next update.
 * Both live in broadcast state ({@link #BROADCAST_DESCRIPTORS}: wire the control stream with
 * exactly these), so every parallel instance decides with the same numbers and they survive a
 * restore. FEEDBACK is the segment controller's business and ignored here. The operator's event
 * time is the minimum of both inputs' watermarks, so the control stream must carry watermarks or go
 * idle ({@code withIdleness}); otherwise no timer fires and neither summaries nor evictions happen.
 *
 * <p>Idle identities are evicted by an event-time timer (one pending cleanup timer per identity),
 * with a processing-time state TTL as a safety net for when event time stalls. One identity's
 * requests arrive out of order by up to the watermark's out-of-orderness ({@link
 * #withOutOfOrderness}), so each is counted in its own interval of a small per-identity ring. A
 * summary is emitted from an event-time timer at its interval's end, registered once when the
 * interval first becomes interesting (stamped with the timer's time; see {@link
 * io.meshguard.job.cep.PatternDetection} for why that is never late downstream), or on the request
 * that needs its slot for a newer interval (stamped with that request's time, after the watermark).
 * Either way an identity's summaries leave in interval order; requests too late for them are
 * counted in {@code lateForSummaries}. Peer baselines live in operator state: each parallel
 * instance sees a hash-partitioned sample of every segment.
 */
public class IdentityDetectorFunction extends KeyedBroadcastProcessFunction<String, MeshEvent, Control, Decision>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    static final String STATE_NAME = "identity-state";
    static final String PEER_STATE_NAME = "peer-baselines";
    static final String TRACKED_STATE_NAME = "tracked-identities";
    static final String SEGMENT_STATE_NAME = "segment-thresholds";

    /** Interesting intervals of each identity, enriched with the thresholds in force. */
    public static final OutputTag<IntervalSummary> SUMMARIES =
            new OutputTag<>("interval-summaries", TypeInformation.of(IntervalSummary.class));

    /** Per segment: the thresholds in force from its latest SEGMENT_UPDATE. */
    public static final MapStateDescriptor<String, SegmentInForce> SEGMENT_THRESHOLDS = new MapStateDescriptor<>(
            SEGMENT_STATE_NAME, BasicTypeInfo.STRING_TYPE_INFO, TypeInformation.of(SegmentInForce.class));

    /** The broadcast state this function uses; the control stream must be broadcast with these. */
    public static final List<MapStateDescriptor<?, ?>> BROADCAST_DESCRIPTORS =
            List.of(PolicyBroadcast.DESCRIPTOR, SEGMENT_THRESHOLDS);

    /** Segments whose limits are cached per instance before the cache starts over. */
    private static final int MAX_CACHED_SEGMENTS = 65_536;

    private final DetectionConfig config;
    private final long idleTimeoutMillis;
    private final Duration stateTtl;
    private final SegmentLimits limits;
    private final PolicyBroadcast policies;

    private transient ValueState<IdentityState> identityState;
    private transient ListState<byte[]> peerState;
    private transient ListState<Long> trackedState;
    private double burstMinRps = IntervalTracker.DEFAULT_BURST_MIN_RPS;
    private long outOfOrdernessMillis = IntervalTracker.DEFAULT_OUT_OF_ORDERNESS_MILLIS;
    private long scanWindowMillis = IntervalTracker.DEFAULT_SCAN_WINDOW_MILLIS;

    private transient PeerBaselines peers;
    private transient IdentityDetector detector;
    private transient IntervalTracker tracker;
    private transient TrackerOutput trackerOutput;
    private transient long trackedIdentities;
    /** What is in force per segment, derived from broadcast state; dropped whenever that changes. */
    private transient Map<String, IntervalTracker.Limits> limitsBySegment;
    private transient Policy cachedPolicy;
    private transient boolean policyResolved;
    private transient Map<Action, Counter> decisionCounters;
    private transient Counter intervalSummaries;
    private transient Counter lateForSummaries;
    private transient Counter controlRejected;

    /**
     * With the configured cut-offs as every segment's base (within the default bounds) and no
     * policy until the control channel brings one.
     *
     * @param idleTimeoutMillis event time without requests after which an identity is forgotten
     * @param stateTtl processing-time TTL of identity state, a backstop longer than the idle timeout
     */
    public IdentityDetectorFunction(DetectionConfig config, long idleTimeoutMillis, Duration stateTtl) {
        this(config, idleTimeoutMillis, stateTtl,
                new SegmentLimits(SegmentThresholds.of(config.decisions), ThresholdBounds.defaults()), null);
    }

    /**
     * @param idleTimeoutMillis event time without requests after which an identity is forgotten (at
     *     least one interval)
     * @param stateTtl processing-time TTL of identity state, a backstop longer than the idle timeout
     * @param limits the configured base thresholds and bounds: in force where no policy is, and what
     *     policies are validated against
     * @param initialPolicyJson policy in force until the control channel brings a newer one; null for
     *     none
     * @throws IllegalArgumentException when the initial policy is invalid
     */
    public IdentityDetectorFunction(
            DetectionConfig config, long idleTimeoutMillis, Duration stateTtl, SegmentLimits limits,
            String initialPolicyJson) {
        if (idleTimeoutMillis < IntervalSummary.DEFAULT_INTERVAL_MILLIS) {
            throw new IllegalArgumentException(
                    "identity idle timeout must be at least one interval, got " + idleTimeoutMillis + " ms");
        }
        this.config = config;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.stateTtl = stateTtl;
        this.limits = limits;
        this.policies = new PolicyBroadcast(limits, initialPolicyJson);
    }

    /** Sets {@code cep.burst-min-rps}, the floor of the rate limit interval summaries are judged against. */
    public IdentityDetectorFunction withBurstMinRps(double rps) {
        if (!(rps > 0)) {
            throw new IllegalArgumentException("burst floor must be positive, got " + rps);
        }
        this.burstMinRps = rps;
        return this;
    }

    /**
     * Sets {@code watermark.out-of-orderness}: how far out of event-time order one identity's
     * requests may arrive, which sizes the ring of intervals each identity keeps open (default 2 s).
     */
    public IdentityDetectorFunction withOutOfOrderness(Duration outOfOrderness) {
        if (outOfOrderness.isNegative()) {
            throw new IllegalArgumentException("out-of-orderness must not be negative, got " + outOfOrderness);
        }
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        return this;
    }

    /**
     * Sets {@code cep.scan-within}: new paths are sent to the patterns only in an interval with a
     * failed new-path probe or less than this long after one (default 60 s).
     */
    public IdentityDetectorFunction withScanWindow(Duration scanWithin) {
        if (scanWithin.isNegative() || scanWithin.isZero()) {
            throw new IllegalArgumentException("scan window must be positive, got " + scanWithin);
        }
        this.scanWindowMillis = scanWithin.toMillis();
        return this;
    }

    /**
     * The identity state: one value per identity, with the TTL backstop. Timers evict idle
     * identities; the TTL only catches what they miss (event time stalled), so it is cleaned lazily
     * on snapshots and compaction. Incremental cleanup would scan state entries on every access and
     * cost more than the detection itself. A zero TTL turns the backstop off, which saves a wrapper
     * allocation per request.
     */
    static ValueStateDescriptor<IdentityState> stateDescriptor(TypeSerializer<IdentityState> serializer,
            Duration stateTtl) {
        ValueStateDescriptor<IdentityState> descriptor = new ValueStateDescriptor<>(STATE_NAME, serializer);
        if (!stateTtl.isZero()) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(stateTtl)
                    .updateTtlOnCreateAndWrite()
                    .neverReturnExpired()
                    .disableCleanupInBackground()
                    .cleanupFullSnapshot()
                    .cleanupInRocksdbCompactFilter(1000, Duration.ofDays(1))
                    .build());
        }
        return descriptor;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        peerState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>(PEER_STATE_NAME, byte[].class));
        trackedState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>(TRACKED_STATE_NAME, Long.class));
        peers = new PeerBaselines(config.baseline);
        trackedIdentities = 0;
        if (context.isRestored()) {
            for (byte[] bytes : peerState.get()) {
                peers.absorb(PeerBaselines.fromBytes(bytes));
            }
            for (Long count : trackedState.get()) {
                trackedIdentities += count;
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        peerState.update(List.of(peers.toBytes()));
        trackedState.update(List.of(trackedIdentities));
    }

    @Override
    public void open(OpenContext openContext) {
        identityState = getRuntimeContext().getState(stateDescriptor(IdentityStateSerializer.INSTANCE, stateTtl));
        detector = new IdentityDetector(config, peers);
        tracker = new IntervalTracker(
                IntervalSummary.DEFAULT_INTERVAL_MILLIS, burstMinRps, outOfOrdernessMillis, scanWindowMillis);
        limitsBySegment = new HashMap<>();
        cachedPolicy = null;
        policyResolved = false;

        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("meshguard");
        metrics.gauge("trackedIdentities", () -> trackedIdentities);
        metrics.gauge("peerSegments", () -> peers.segmentCount());
        decisionCounters = new EnumMap<>(Action.class);
        decisionCounters.put(Action.ALLOW, metrics.counter("decisionsAllow"));
        decisionCounters.put(Action.RATE_LIMIT, metrics.counter("decisionsRateLimit"));
        decisionCounters.put(Action.QUARANTINE, metrics.counter("decisionsQuarantine"));
        intervalSummaries = metrics.counter("intervalSummaries");
        lateForSummaries = metrics.counter("lateForSummaries");
        trackerOutput = new TrackerOutput(intervalSummaries);
        controlRejected = metrics.counter("controlRejected");
    }

    @Override
    public void processElement(MeshEvent event, ReadOnlyContext ctx, Collector<Decision> out) throws Exception {
        IdentityState state = identityState.value();
        if (state == null) {
            state = new IdentityState();
            trackedIdentities++;
        }
        String identity = ctx.getCurrentKey();
        IntervalTracker.Limits inForce = limitsFor(event.segment, ctx);
        Decision decision = detector.onEvent(identity, state, event, inForce.thresholds);
        tracker.onEvent(identity, state, event, detector.lastPathWasNew(), detector.lastTypicalRps(), inForce,
                ctx.timerService().currentWatermark(), trackerOutput.to(ctx));
        if (tracker.lastWasLate()) {
            lateForSummaries.inc();
        }
        if (state.cleanupTimerMillis == 0) {
            state.cleanupTimerMillis = cleanupTime(state);
            ctx.timerService().registerEventTimeTimer(state.cleanupTimerMillis);
        }
        identityState.update(state);
        if (decision != null) {
            decision.segmentMode = inForce.mode.name();
            decisionCounters.get(decision.action).inc();
            out.collect(decision);
        }
    }

    @Override
    public void processBroadcastElement(Control control, Context ctx, Collector<Decision> out) throws Exception {
        if (control == null || control.kind == null) {
            return;
        }
        switch (control.kind) {
            case POLICY:
                PolicyHistory.Verdict verdict =
                        policies.offer(ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR), control.policyJson);
                if (verdict.accepted) {
                    limitsBySegment.clear();
                    policyResolved = false;
                } else {
                    controlRejected.inc();
                }
                break;
            case SEGMENT_UPDATE:
                if (!acceptSegmentUpdate(control.segmentUpdate, ctx.getBroadcastState(SEGMENT_THRESHOLDS))) {
                    controlRejected.inc();
                }
                break;
            default:
                // FEEDBACK moves segment thresholds through the controller, never here.
                break;
        }
    }

    /** Keeps the update if it is valid and newer than the segment's current one. */
    private boolean acceptSegmentUpdate(SegmentUpdate update, BroadcastState<String, SegmentInForce> state)
            throws Exception {
        if (update == null || update.segment == null) {
            return false;
        }
        SegmentInForce current = state.get(update.segment);
        if (current != null && current.version >= update.version) {
            return false; // a replay or reordering never rolls a segment back
        }
        SegmentInForce next = SegmentInForce.of(update);
        try {
            next.thresholds();
        } catch (IllegalArgumentException e) {
            return false;
        }
        state.put(update.segment, next);
        limitsBySegment.remove(update.segment);
        return true;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        IdentityState state = identityState.value();
        if (state == null) {
            // Already removed by the TTL backstop. Cleanup timers never sit on an interval boundary,
            // summary timers always do: count the identity out once.
            if (!tracker.isBoundary(timestamp)) {
                trackedIdentities = Math.max(0, trackedIdentities - 1);
            }
            return;
        }
        boolean changed = flushSummary(timestamp, state, ctx);
        if (timestamp != state.cleanupTimerMillis) {
            // A summary timer.
            if (changed) {
                identityState.update(state);
            }
            return;
        }
        long evictAt = state.lastSeenMillis() + idleTimeoutMillis;
        if (timestamp >= evictAt) {
            identityState.clear();
            trackedIdentities = Math.max(0, trackedIdentities - 1);
        } else {
            // Seen since the timer was set: one cleanup timer per identity, pushed forward lazily.
            state.cleanupTimerMillis = cleanupTime(state);
            ctx.timerService().registerEventTimeTimer(state.cleanupTimerMillis);
            identityState.update(state);
        }
    }

    /** Closes the intervals due at {@code timestamp}, emitting the interesting ones; whether state changed. */
    private boolean flushSummary(long timestamp, IdentityState state, OnTimerContext ctx) throws Exception {
        if (state.intervalNewestStartMillis == IntervalTracker.NONE) {
            return false;
        }
        IntervalTracker.Limits inForce = state.intervalPending == 0 ? null : limitsFor(state.intervalSegment, ctx);
        return tracker.flush(ctx.getCurrentKey(), state, timestamp, inForce, trackerOutput.to(ctx));
    }

    /** Idle-eviction time, kept off interval boundaries so that a timer alone tells its kind. */
    private long cleanupTime(IdentityState state) {
        long t = state.lastSeenMillis() + idleTimeoutMillis;
        return tracker.isBoundary(t) ? t + 1 : t;
    }

    /** The segment's latest update if it had one, else the policy's (or configured) base thresholds. */
    private IntervalTracker.Limits limitsFor(String segment, ReadOnlyContext ctx) throws Exception {
        Policy policy = currentPolicy(ctx);
        String key = segment == null ? "" : segment;
        IntervalTracker.Limits cached = limitsBySegment.get(key);
        if (cached != null) {
            return cached;
        }
        long policyVersion = policy == null ? 0 : policy.version();
        SegmentInForce update = segment == null ? null : ctx.getBroadcastState(SEGMENT_THRESHOLDS).get(segment);
        IntervalTracker.Limits resolved = update != null
                ? new IntervalTracker.Limits(segment, update.thresholds(), update.modeOrNormal(),
                        update.tighteningFactor, policyVersion)
                : IntervalTracker.Limits.base(segment,
                        (policy == null ? limits : policy.limitsFor(segment)).inForce(1.0), policyVersion);
        if (limitsBySegment.size() >= MAX_CACHED_SEGMENTS) {
            limitsBySegment.clear();
        }
        limitsBySegment.put(key, resolved);
        return resolved;
    }

    /** The policy in force, resolved once per change (and once after a restore). */
    private Policy currentPolicy(ReadOnlyContext ctx) throws Exception {
        if (!policyResolved) {
            cachedPolicy = policies.current(ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR));
            detector.setPolicyVersion(cachedPolicy == null ? 0 : cachedPolicy.version());
            limitsBySegment.clear();
            policyResolved = true;
        }
        return cachedPolicy;
    }

    /**
     * Sends the tracker's summaries to {@link #SUMMARIES} and its timers to the context of the
     * call; one per instance, so that no request allocates.
     */
    private static final class TrackerOutput implements IntervalTracker.Output {
        private final Counter summaries;
        private ReadOnlyContext ctx;

        TrackerOutput(Counter summaries) {
            this.summaries = summaries;
        }

        TrackerOutput to(ReadOnlyContext ctx) {
            this.ctx = ctx;
            return this;
        }

        @Override
        public void summary(IntervalSummary summary) {
            summaries.inc();
            ctx.output(SUMMARIES, summary);
        }

        @Override
        public void registerTimer(long timestampMillis) {
            ctx.timerService().registerEventTimeTimer(timestampMillis);
        }

        @Override
        public void deleteTimer(long timestampMillis) {
            ctx.timerService().deleteEventTimeTimer(timestampMillis);
        }
    }

    /**
     * The thresholds in force in one segment after its latest {@link SegmentUpdate}, with what an
     * auditor needs to place them (mode, tightening factor, version). Broadcast state; a Flink POJO.
     */
    public static final class SegmentInForce {
        public long version;
        public long timestampMillis;
        public SegmentMode mode;
        public double tighteningFactor;
        public double rateLimitScore;
        public double quarantineScore;
        public double releaseScore;
        public double limitMultiplier;
        public double minLimitRps;

        /** Built once per update or restore, not per request; not serialized. */
        private transient SegmentThresholds thresholds;

        public SegmentInForce() {}

        public static SegmentInForce of(SegmentUpdate u) {
            SegmentInForce s = new SegmentInForce();
            s.version = u.version;
            s.timestampMillis = u.timestampMillis;
            s.mode = u.mode;
            s.tighteningFactor = u.tighteningFactor;
            s.rateLimitScore = u.rateLimitScore;
            s.quarantineScore = u.quarantineScore;
            s.releaseScore = u.releaseScore;
            s.limitMultiplier = u.limitMultiplier;
            s.minLimitRps = u.minLimitRps;
            return s;
        }

        /**
         * @throws IllegalArgumentException when the numbers are not valid thresholds
         */
        public SegmentThresholds thresholds() {
            if (thresholds == null) {
                thresholds = new SegmentThresholds(
                        rateLimitScore, quarantineScore, releaseScore, limitMultiplier, minLimitRps);
            }
            return thresholds;
        }

        SegmentMode modeOrNormal() {
            return mode == null ? SegmentMode.NORMAL : mode;
        }

        @Override
        public String toString() {
            return "SegmentInForce{v" + version + " " + mode + " x" + tighteningFactor + " rl=" + rateLimitScore
                    + " q=" + quarantineScore + "}";
        }
    }
}
