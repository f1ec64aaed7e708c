package io.meshguard.detect;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.features.Hashing;
import io.meshguard.features.PathClass;
import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentThresholds;
import java.io.Serializable;
import java.util.Objects;

/**
 * Folds one identity's requests into fixed event-time intervals (1 s by default) and closes them
 * into {@link IntervalSummary}s for the behaviour patterns. The open interval lives in {@link
 * IdentityState} (a few primitives), so the tracker itself holds no per-identity data.
 *
 * <p><b>Only interesting intervals are emitted</b>: those that could take part in a pattern, i.e.
 * over the identity's rate limit (a spike is over it too), with a new path, or with a sensitive
 * hit. Steady legitimate traffic therefore emits nothing and the CEP input stays small. The rate
 * limit is the segment's thresholds applied to the typical rate of the baseline the detector judged
 * the identity against (the same limit a RATE_LIMIT decision would impose), but at least the burst
 * floor ({@code cep.burst-min-rps}) times the segment's tightening factor: per-second rates of
 * ordinary browsing reach well above a typical rate, and an identity the detector does not judge
 * yet (a workload without history or peers) has only the floor.
 *
 * <p>An interval closes when a request of a later interval arrives ({@link #onEvent} returns it at
 * once), or when event time passes its end ({@link #flush}, from a timer). It is enriched with the
 * thresholds in force when it closes. Simplifications: a request whose interval is older than the
 * open one is counted in the open one (CEP would drop its late summary anyway), and one arriving
 * after its interval was flushed opens that interval again. Distinct upstreams are estimated with a
 * 64-bit mask (exact up to a handful, saturating at 64).
 *
 * <p><b>Scan cut-off</b>: summaries carry {@code scanDistinctPaths = 0}, so the patterns use the
 * configured {@code cep.scan-distinct-paths}. Scaling it with the segment's tightening factor would
 * need that configured value here; a hard-coded default would silently override it, and a tightened
 * segment already reaches patterns sooner through its lower rate limit.
 *
 * <p>Not thread-safe (it keeps facts about the latest call), one instance per operator instance.
 */
public final class IntervalTracker {
    /** {@link IdentityState#intervalStartMillis} when no interval is open. */
    public static final long NONE = Long.MIN_VALUE;

    /** Default {@link io.meshguard.cep.PatternConfig#burstMinRps}. */
    public static final double DEFAULT_BURST_MIN_RPS = 20;

    private final long intervalMillis;
    private final double burstMinRps;
    private boolean becameInteresting;

    public IntervalTracker() {
        this(IntervalSummary.DEFAULT_INTERVAL_MILLIS, DEFAULT_BURST_MIN_RPS);
    }

    /**
     * @param burstMinRps lowest rate limit an interval is judged against, before the segment's
     *     tightening factor ({@code cep.burst-min-rps})
     */
    public IntervalTracker(long intervalMillis, double burstMinRps) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval length must be positive, got " + intervalMillis);
        }
        if (!(burstMinRps > 0)) {
            throw new IllegalArgumentException("burst floor must be positive, got " + burstMinRps);
        }
        this.intervalMillis = intervalMillis;
        this.burstMinRps = burstMinRps;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    /** Start of the interval that holds event time {@code t}. */
    public long intervalStart(long t) {
        return Math.floorDiv(t, intervalMillis) * intervalMillis;
    }

    /** Whether {@code t} is the boundary between two intervals (every interval ends on one). */
    public boolean isBoundary(long t) {
        return Math.floorMod(t, intervalMillis) == 0;
    }

    /**
     * Folds one request into the open interval, first closing the open one if the request belongs
     * to a later interval.
     *
     * @param pathWasNew whether the request's path was new to the identity ({@link
     *     IdentityDetector#lastPathWasNew()})
     * @param typicalRps typical rate of the identity's baseline ({@link IdentityDetector#lastTypicalRps()}),
     *     NaN when it is not judged yet
     * @param limits what is in force in the request's segment now
     * @return the closed interval if one closed and was interesting, else {@code null}
     */
    public IntervalSummary onEvent(
            String identity, IdentityState state, MeshEvent event, boolean pathWasNew, double typicalRps,
            Limits limits) {
        becameInteresting = false;
        long start = intervalStart(event.timestampMillis);
        IntervalSummary closed = null;
        if (state.intervalStartMillis == NONE) {
            state.intervalStartMillis = start;
        } else if (start > state.intervalStartMillis) {
            closed = close(identity, state, limits);
            state.intervalStartMillis = start;
        }
        state.intervalRequests = saturatedIncrement(state.intervalRequests);
        int code = event.responseCode;
        if (code >= 400 && code < 500) {
            state.interval4xx = saturatedIncrement(state.interval4xx);
            if ((code == 404 || code == 403 || code == 400) && !PathClass.has(event.pathFlags, PathClass.STATIC)) {
                state.intervalNotFound = saturatedIncrement(state.intervalNotFound);
            }
        }
        if (PathClass.has(event.pathFlags, PathClass.SENSITIVE)) {
            state.intervalSensitive = saturatedIncrement(state.intervalSensitive);
        }
        if (pathWasNew) {
            state.intervalNewPaths = saturatedIncrement(state.intervalNewPaths);
        }
        if (event.upstreamHash != 0) {
            state.intervalUpstreams |= 1L << (Hashing.mix64(event.upstreamHash) & 63);
        }
        state.intervalTypicalRps = (float) typicalRps;
        state.intervalIdentityType = event.identityType;
        if (state.intervalSegment != null) {
            state.intervalSegment = event.segment;
        } else if (isInteresting(state, limits)) {
            state.intervalSegment = event.segment;
            becameInteresting = true;
        }
        return closed;
    }

    /**
     * Whether the latest {@link #onEvent} made the open interval interesting for the first time: the
     * moment to arrange for it to be flushed at {@link #openEndMillis}.
     */
    public boolean openBecameInteresting() {
        return becameInteresting;
    }

    /** End (exclusive) of the open interval, or {@link #NONE} when none is open. */
    public long openEndMillis(IdentityState state) {
        return state.intervalStartMillis == NONE ? NONE : state.intervalStartMillis + intervalMillis;
    }

    /**
     * Closes the open interval if event time {@code nowMillis} reached its end.
     *
     * @param limits what is in force in {@link IdentityState#intervalSegment}; only read when that
     *     is set (an interval that is not interesting is dropped without them)
     * @return the closed interval if one closed and was interesting, else {@code null}
     */
    public IntervalSummary flush(String identity, IdentityState state, long nowMillis, Limits limits) {
        becameInteresting = false;
        if (state.intervalStartMillis == NONE || state.intervalStartMillis + intervalMillis > nowMillis) {
            return null;
        }
        IntervalSummary closed = state.intervalSegment == null ? null : close(identity, state, limits);
        reset(state);
        state.intervalStartMillis = NONE;
        return closed;
    }

    /** Summary of the open interval if it is interesting under {@code limits}; resets the counts. */
    private IntervalSummary close(String identity, IdentityState state, Limits limits) {
        IntervalSummary s = null;
        if (isInteresting(state, limits)) {
            s = new IntervalSummary();
            s.identity = identity;
            s.identityType = state.intervalIdentityType;
            s.segment = state.intervalSegment != null ? state.intervalSegment : limits.segment;
            s.intervalStartMillis = state.intervalStartMillis;
            s.intervalMillis = intervalMillis;
            s.requests = state.intervalRequests;
            s.errors4xx = state.interval4xx;
            s.notFoundOrForbidden = state.intervalNotFound;
            s.sensitiveHits = state.intervalSensitive;
            s.newPaths = state.intervalNewPaths;
            s.distinctUpstreams = Long.bitCount(state.intervalUpstreams);
            s.rateLimitRps = limitRps(state, limits);
            // 0: derived from the rate limit by PatternConfig#spikeFactor; see the class doc for the scan cut-off.
            s.spikeLimitRps = 0;
            s.scanDistinctPaths = 0;
            s.segmentMode = limits.mode.wireName();
            s.policyVersion = limits.policyVersion;
        }
        reset(state);
        return s;
    }

    private boolean isInteresting(IdentityState state, Limits limits) {
        if (state.intervalNewPaths > 0 || state.intervalSensitive > 0) {
            return true;
        }
        double limit = limitRps(state, limits);
        return limit > 0 && state.intervalRequests * 1000.0 / intervalMillis > limit;
    }

    /**
     * The rate an interval is over the limit above: the limit a RATE_LIMIT decision would impose,
     * but never below the burst floor scaled by the segment's tightening factor (an identity not
     * judged yet has only the floor).
     */
    private double limitRps(IdentityState state, Limits limits) {
        double floor = burstMinRps * limits.tighteningFactor;
        return Float.isNaN(state.intervalTypicalRps)
                ? floor
                : Math.max(floor, limits.thresholds.limitRps(state.intervalTypicalRps));
    }

    private static void reset(IdentityState state) {
        state.intervalRequests = 0;
        state.interval4xx = 0;
        state.intervalNotFound = 0;
        state.intervalSensitive = 0;
        state.intervalNewPaths = 0;
        state.intervalUpstreams = 0;
        state.intervalSegment = null;
    }

    private static int saturatedIncrement(int n) {
        return n == Integer.MAX_VALUE ? n : n + 1;
    }

    /**
     * What is in force in one segment: the per-identity thresholds, the segment's mode and
     * tightening factor, and the policy version they derive from. Immutable; the operator keeps one
     * per segment so that no request allocates.
     */
    public static final class Limits implements Serializable {
        private static final long serialVersionUID = 1L;

        public final String segment;
        public final SegmentThresholds thresholds;
        public final SegmentMode mode;
        /** The factor the base thresholds were multiplied by (1 = untightened). */
        public final double tighteningFactor;
        public final long policyVersion;

        public Limits(
                String segment, SegmentThresholds thresholds, SegmentMode mode, double tighteningFactor,
                long policyVersion) {
            this.segment = segment;
            this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
            this.mode = Objects.requireNonNull(mode, "mode");
            this.tighteningFactor = tighteningFactor;
            this.policyVersion = policyVersion;
        }

        /** Base thresholds of a segment nobody tightened: NORMAL, factor 1. */
        public static Limits base(String segment, SegmentThresholds thresholds, long policyVersion) {
            return new Limits(segment, thresholds, SegmentMode.NORMAL, 1.0, policyVersion);
        }

        @Override
        public String toString() {
            return "Limits{" + segment + " " + mode.wireName() + " x" + tighteningFactor + " " + thresholds
                    + " policy v" + policyVersion + "}";
        }
    }
}
