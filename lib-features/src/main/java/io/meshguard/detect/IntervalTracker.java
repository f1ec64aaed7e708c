package io.meshguard.detect;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.features.Hashing;
import io.meshguard.features.PathClass;
import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentThresholds;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Folds one identity's requests into fixed event-time intervals (1 s by default) and closes them
 * into {@link IntervalSummary}s for the behaviour patterns. The intervals live in {@link
 * IdentityState} (one small int array and a few primitives), so the tracker itself holds no
 * per-identity data.
 *
 * <p><b>Only interesting intervals are emitted</b>: those that could take part in a pattern, i.e.
 * over the identity's rate limit (a spike is over it too), with a sensitive hit, or with a new path
 * that a scan could use. Steady legitimate traffic therefore emits nothing and the CEP input stays
 * small. A scan run starts at a failed probe of a new path ({@code PatternConfig#isScanStart}), so
 * new paths count only in such an interval or in one starting less than the scan window ({@code
 * cep.scan-within}) after the identity's latest one: browsing that reaches new pages without
 * failures (every identity's first requests, every new product page) sends nothing to the
 * patterns. The latest scan start is remembered for the identity, not for its ring; a request
 * that arrives out of order into an earlier interval is judged against the latest start only,
 * which at worst leaves one interval's new paths out of a run. The rate
 * limit is the segment's thresholds applied to the typical rate of the baseline the detector judged
 * the identity against (the same limit a RATE_LIMIT decision would impose), but at least the burst
 * floor ({@code cep.burst-min-rps}) times the segment's tightening factor: per-second rates of
 * ordinary browsing reach well above a typical rate, and an identity the detector does not judge
 * yet (a workload without history or peers) has only the floor.
 *
 * <p><b>Out-of-order requests</b>: one identity's requests arrive out of event-time order by up to
 * the watermark's out-of-orderness (a source's lines are spread over parallel parsers, an identity
 * over Kafka partitions), so each identity keeps a ring of the latest intervals and every request
 * is counted in its own interval. The ring starts at {@link #slots()} = ⌈out-of-orderness /
 * interval⌉ + 1 intervals. At a keyed operator the watermark can lag an identity's newest request
 * by more than that (one input held back in network buffers during a replay or a catch-up: several
 * seconds in the pattern integration test), so rather than close an interval the watermark has not
 * passed, the ring grows, up to {@link #maxSlots()}, and shrinks back once the watermark catches
 * up. An interval closes (a summary if interesting, else discarded):
 *
 * <ul>
 *   <li>when event time reaches its <i>due</i> time ({@link #flush}, from the event-time timer the
 *       tracker asks for when the interval first becomes interesting): its end, so a firing timer
 *       means no on-time request of it can still come, and the summary is stamped with that time;
 *   <li>or eagerly, when a request of a newer interval needs its slot and the ring is at its cap
 *       (or the interval is due already). The summary goes out at once, stamped with that
 *       request's time, so the intervals still in the ring are held until the end of the request's
 *       interval ({@link IdentityState#intervalHoldMillis}; their timers move there): an
 *       identity's summaries thus always leave in interval order with non-decreasing stamps.
 * </ul>
 *
 * <p><b>Late requests are left out of the summaries</b> ({@link #lastWasLate()}, the operator
 * counts them): those of an interval that is due at or before the watermark (its summary, if any,
 * is out or would be dropped as late by CEP), and those older than the ring at its cap. Counting
 * them in another interval would give the wrong per-second rates this ring exists to get right.
 * The detector's features still see every request.
 *
 * <p>An interval is enriched with the thresholds in force when it closes. Distinct upstreams are
 * estimated with a 64-bit mask (exact up to a handful, saturating at 64). The typical rate and the
 * identity type are the identity's latest, shared by the intervals of the ring.
 *
 * <p><b>Scan cut-off</b>: summaries carry {@code scanDistinctPaths = 0}, so the patterns use the
 * configured {@code cep.scan-distinct-paths}. Scaling it with the segment's tightening factor would
 * need that configured value here; a hard-coded default would silently override it, and a tightened
 * segment already reaches patterns sooner through its lower rate limit.
 *
 * <p>Not thread-safe (it keeps facts about the latest call), one instance per operator instance.
 */
public final class IntervalTracker {
    /** {@link IdentityState#intervalNewestStartMillis} when the ring is empty; also "no hold". */
    public static final long NONE = Long.MIN_VALUE;

    /** Default {@link io.meshguard.cep.PatternConfig#burstMinRps}. */
    public static final double DEFAULT_BURST_MIN_RPS = 20;

    /** Default watermark out-of-orderness the ring covers ({@code watermark.out-of-orderness}). */
    public static final long DEFAULT_OUT_OF_ORDERNESS_MILLIS = 2_000;

    /** Default {@link io.meshguard.cep.PatternConfig#scanWithin}. */
    public static final long DEFAULT_SCAN_WINDOW_MILLIS = 60_000;

    // One slot of IdentityState#intervalSlots: SLOT_WIDTH ints.
    private static final int REQUESTS = 0;
    private static final int ERRORS_4XX = 1;
    private static final int NOT_FOUND = 2;
    private static final int SENSITIVE = 3;
    private static final int NEW_PATHS = 4;
    private static final int UPSTREAMS_LOW = 5;
    private static final int UPSTREAMS_HIGH = 6;
    static final int SLOT_WIDTH = 7;

    /** Where the tracker sends closed intervals and the event-time timers it needs. */
    public interface Output {
        void summary(IntervalSummary summary);

        /** Call {@link #flush} at event time {@code timestampMillis} (always an interval boundary). */
        void registerTimer(long timestampMillis);

        /** A timer asked for earlier is no longer needed. */
        void deleteTimer(long timestampMillis);
    }

    private final long intervalMillis;
    private final double burstMinRps;
    private final int slots;
    private final int maxSlots;
    private final long scanWindowMillis;
    private boolean late;

    public IntervalTracker() {
        this(IntervalSummary.DEFAULT_INTERVAL_MILLIS, DEFAULT_BURST_MIN_RPS, DEFAULT_OUT_OF_ORDERNESS_MILLIS);
    }

    /** As {@link #IntervalTracker(long, double, long, long)} with the default scan window. */
    public IntervalTracker(long intervalMillis, double burstMinRps, long outOfOrdernessMillis) {
        this(intervalMillis, burstMinRps, outOfOrdernessMillis, DEFAULT_SCAN_WINDOW_MILLIS);
    }

    /**
     * @param burstMinRps lowest rate limit an interval is judged against, before the segment's
     *     tightening factor ({@code cep.burst-min-rps})
     * @param outOfOrdernessMillis how far out of event-time order one identity's requests may
     *     arrive ({@code watermark.out-of-orderness}); sizes the ring
     * @param scanWindowMillis how long after a failed new-path probe new paths still matter ({@code
     *     cep.scan-within})
     */
    public IntervalTracker(long intervalMillis, double burstMinRps, long outOfOrdernessMillis, long scanWindowMillis) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval length must be positive, got " + intervalMillis);
        }
        if (!(burstMinRps > 0)) {
            throw new IllegalArgumentException("burst floor must be positive, got " + burstMinRps);
        }
        if (scanWindowMillis <= 0) {
            throw new IllegalArgumentException("scan window must be positive, got " + scanWindowMillis);
        }
        if (outOfOrdernessMillis < 0) {
            throw new IllegalArgumentException("out-of-orderness must not be negative, got " + outOfOrdernessMillis);
        }
        long n = (outOfOrdernessMillis + intervalMillis - 1) / intervalMillis + 1;
        if (n > 31) {
            throw new IllegalArgumentException("out-of-orderness " + outOfOrdernessMillis + " ms spans more than 30 "
                    + intervalMillis + " ms intervals");
        }
        this.intervalMillis = intervalMillis;
        this.burstMinRps = burstMinRps;
        this.slots = (int) n;
        this.maxSlots = (int) Math.min(31, 4 * n);
        this.scanWindowMillis = scanWindowMillis;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    /** Intervals an identity's ring holds at first: ⌈out-of-orderness / interval⌉ + 1. */
    public int slots() {
        return slots;
    }

    /** Intervals an identity's ring may grow to while the watermark lags: 4 × {@link #slots()}, at most 31. */
    public int maxSlots() {
        return maxSlots;
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
     * Counts one request in its interval, first closing the intervals it pushes out of the ring.
     *
     * @param pathWasNew whether the request's path was new to the identity ({@link
     *     IdentityDetector#lastPathWasNew()})
     * @param typicalRps typical rate of the identity's baseline ({@link IdentityDetector#lastTypicalRps()}),
     *     NaN when it is not judged yet
     * @param limits what is in force in the request's segment now
     * @param watermarkMillis the operator's current watermark ({@link Long#MIN_VALUE} before the first)
     * @param out gets the intervals closed eagerly, stamped by the caller with the request's time,
     *     and the timers to (re)arrange
     */
    public void onEvent(
            String identity, IdentityState state, MeshEvent event, boolean pathWasNew, double typicalRps,
            Limits limits, long watermarkMillis, Output out) {
        late = false;
        long start = intervalStart(event.timestampMillis);
        if (dueMillis(state, start) <= watermarkMillis) {
            late = true;
            return;
        }
        ensureRing(state);
        long newest = state.intervalNewestStartMillis;
        if (newest != NONE && dueMillis(state, newest) <= watermarkMillis) {
            // Event time passed the whole ring: what is left was not interesting (an interesting
            // interval's timer would have closed it) and may be forgotten.
            clearRing(state);
            newest = NONE;
        }
        if (newest == NONE) {
            state.intervalNewestStartMillis = start;
        } else if (start > newest) {
            advance(identity, state, start, event.timestampMillis, limits, watermarkMillis, out);
        } else if (start <= newest - size(state) * intervalMillis) {
            // On time, but older than the ring: grow it back to the request's interval if the cap allows.
            long needed = (newest - start) / intervalMillis + 1;
            if (needed > maxSlots) {
                late = true;
                return;
            }
            resize(state, (int) Math.max(needed, Math.min(maxSlots, 2L * size(state))));
        }

        int[] ring = state.intervalSlots;
        int base = slotOf(state, start) * SLOT_WIDTH;
        boolean wasScanStart = isScanStart(ring, base);
        ring[base + REQUESTS] = saturatedIncrement(ring[base + REQUESTS]);
        int code = event.responseCode;
        if (code >= 400 && code < 500) {
            ring[base + ERRORS_4XX] = saturatedIncrement(ring[base + ERRORS_4XX]);
            if ((code == 404 || code == 403 || code == 400) && !PathClass.has(event.pathFlags, PathClass.STATIC)) {
                ring[base + NOT_FOUND] = saturatedIncrement(ring[base + NOT_FOUND]);
            }
        }
        if (PathClass.has(event.pathFlags, PathClass.SENSITIVE)) {
            ring[base + SENSITIVE] = saturatedIncrement(ring[base + SENSITIVE]);
        }
        if (pathWasNew) {
            ring[base + NEW_PATHS] = saturatedIncrement(ring[base + NEW_PATHS]);
        }
        if (event.upstreamHash != 0) {
            int upstream = (int) (Hashing.mix64(event.upstreamHash) & 63);
            ring[base + (upstream < 32 ? UPSTREAMS_LOW : UPSTREAMS_HIGH)] |= 1 << upstream; // shifts by upstream & 31
        }
        state.intervalTypicalRps = (float) typicalRps;
        state.intervalIdentityType = event.identityType;
        if (!wasScanStart && isScanStart(ring, base)) {
            startScanWindow(state, start, out);
        }
        int bit = 1 << slotOf(state, start);
        if ((state.intervalPending & bit) == 0 && isInteresting(state, base, start, limits)) {
            state.intervalPending |= bit;
            out.registerTimer(dueMillis(state, start));
        }
        if (state.intervalPending != 0) {
            state.intervalSegment = event.segment;
        }
    }

    /**
     * Whether the latest {@link #onEvent} left its request out of the summaries: its interval was
     * already due, or older than the ring.
     */
    public boolean lastWasLate() {
        return late;
    }

    /**
     * Closes every interval of the ring that is due at event time {@code nowMillis}, oldest first.
     *
     * @param limits what is in force in {@link IdentityState#intervalSegment}; null when no interval
     *     is pending (the due ones are then dropped without being judged)
     * @return whether any interval closed (the state changed)
     */
    public boolean flush(String identity, IdentityState state, long nowMillis, Limits limits, Output out) {
        late = false;
        long newest = state.intervalNewestStartMillis;
        if (newest == NONE) {
            return false;
        }
        ensureRing(state);
        boolean changed = false;
        long oldestLeft = NONE;
        for (long x = newest - (size(state) - 1) * intervalMillis; x <= newest; x += intervalMillis) {
            boolean empty = state.intervalSlots[slotOf(state, x) * SLOT_WIDTH + REQUESTS] == 0;
            if (dueMillis(state, x) > nowMillis) {
                if (!empty && oldestLeft == NONE) {
                    oldestLeft = x;
                }
            } else if (!empty) {
                close(identity, state, x, limits, out);
                changed = true;
            }
        }
        if (dueMillis(state, newest) <= nowMillis) {
            changed = true;
            clearRing(state);
        } else if (size(state) > slots && (oldestLeft == NONE || newest - oldestLeft < slots * intervalMillis)) {
            resize(state, slots); // the lag is over: back to the small ring
            changed = true;
        }
        if (state.intervalPending == 0) {
            state.intervalSegment = null;
        }
        return changed;
    }

    /** Request count of the interval starting at {@code start}, 0 when the ring does not hold it. */
    public int requestsIn(IdentityState state, long start) {
        long newest = state.intervalNewestStartMillis;
        if (newest == NONE || state.intervalSlots == null || start > newest
                || start <= newest - size(state) * intervalMillis) {
            return 0;
        }
        return state.intervalSlots[slotOf(state, start) * SLOT_WIDTH + REQUESTS];
    }

    /** When the interval starting at {@code start} closes: its end, or the hold if that is later. */
    private long dueMillis(IdentityState state, long start) {
        return Math.max(start + intervalMillis, state.intervalHoldMillis);
    }

    /** Slots in the identity's ring now. */
    private static int size(IdentityState state) {
        return state.intervalSlots.length / SLOT_WIDTH;
    }

    private int slotOf(IdentityState state, long start) {
        return slotOf(start, size(state));
    }

    private int slotOf(long start, int ringSize) {
        return (int) Math.floorMod(Math.floorDiv(start, intervalMillis), (long) ringSize);
    }

    /**
     * Makes {@code start} the newest interval: closes the intervals that fall out of the ring, and
     * if that emitted a summary (stamped {@code requestMillis}), holds the rest of the ring until
     * the end of {@code start}'s interval so that none is stamped earlier.
     */
    private void advance(
            String identity, IdentityState state, long start, long requestMillis, Limits limits, long watermarkMillis,
            Output out) {
        long newest = state.intervalNewestStartMillis;
        int n = size(state);
        // The watermark may lag an identity's newest request by more than the out-of-orderness
        // (one input held back in network buffers during a replay or catch-up): grow the ring
        // rather than close an interval that on-time requests may still reach.
        long wouldLeave = Math.min(newest, start - n * intervalMillis);
        for (long x = newest - (n - 1) * intervalMillis; x <= wouldLeave; x += intervalMillis) {
            if (state.intervalSlots[slotOf(state, x) * SLOT_WIDTH + REQUESTS] > 0 && dueMillis(state, x) > watermarkMillis) {
                int needed = (int) Math.min(Integer.MAX_VALUE, (start - x) / intervalMillis + 1);
                if (n < maxSlots) {
                    resize(state, Math.min(maxSlots, Math.max(needed, 2 * n)));
                    n = size(state);
                }
                break;
            }
        }
        long oldest = newest - (n - 1) * intervalMillis;
        long lastEvicted = Math.min(newest, start - n * intervalMillis);
        long oldHold = state.intervalHoldMillis;
        int pendingBefore = state.intervalPending;
        boolean emitted = false;
        for (long x = oldest; x <= lastEvicted; x += intervalMillis) {
            // A due interval that is still here was not interesting: its summary would be late.
            emitted |= close(identity, state, x, dueMillis(state, x) > watermarkMillis ? limits : null, out);
        }
        state.intervalNewestStartMillis = start;
        if (emitted) {
            // Stamped requestMillis, within start's interval: the rest of the ring must not leave
            // before that, so it is held until start's interval ends.
            state.intervalHoldMillis = start + intervalMillis;
        }
        if (pendingBefore == 0) {
            return;
        }
        // Timers: drop those no pending interval needs any more, set the moved ones. Due times never
        // decrease along the ring, so equal ones are adjacent.
        long previous = NONE;
        for (long x = oldest; x <= newest; x += intervalMillis) {
            long due = Math.max(x + intervalMillis, oldHold);
            if ((pendingBefore & (1 << slotOf(state, x))) != 0 && due != previous) {
                previous = due;
                if (!pendingDueAt(state, due, lastEvicted + intervalMillis, newest)) {
                    out.deleteTimer(due);
                }
            }
        }
        previous = NONE;
        for (long x = lastEvicted + intervalMillis; x <= newest; x += intervalMillis) {
            long due = dueMillis(state, x);
            if ((state.intervalPending & (1 << slotOf(state, x))) != 0 && due != previous
                    && due != Math.max(x + intervalMillis, oldHold)) {
                previous = due;
                out.registerTimer(due);
            }
        }
    }

    /** Whether a pending interval from {@code first} to {@code last} is due at {@code due}. */
    private boolean pendingDueAt(IdentityState state, long due, long first, long last) {
        for (long x = first; x <= last; x += intervalMillis) {
            if ((state.intervalPending & (1 << slotOf(state, x))) != 0 && dueMillis(state, x) == due) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes the interval starting at {@code start}: a summary if it is interesting under {@code
     * limits} (never when they are null), and an empty slot.
     *
     * @return whether a summary went out
     */
    private boolean close(String identity, IdentityState state, long start, Limits limits, Output out) {
        int[] ring = state.intervalSlots;
        int slot = slotOf(state, start);
        int base = slot * SLOT_WIDTH;
        IntervalSummary s = null;
        // A pending interval was interesting when it was marked: its new paths stay usable.
        boolean pending = (state.intervalPending & (1 << slot)) != 0;
        if (limits != null && ring[base + REQUESTS] > 0
                && (pending && ring[base + NEW_PATHS] > 0 || isInteresting(state, base, start, limits))) {
            s = new IntervalSummary();
            s.identity = identity;
            s.identityType = state.intervalIdentityType;
            s.segment = limits.segment;
            s.intervalStartMillis = start;
            s.intervalMillis = intervalMillis;
            s.requests = ring[base + REQUESTS];
            s.errors4xx = ring[base + ERRORS_4XX];
            s.notFoundOrForbidden = ring[base + NOT_FOUND];
            s.sensitiveHits = ring[base + SENSITIVE];
            s.newPaths = ring[base + NEW_PATHS];
            s.distinctUpstreams = Integer.bitCount(ring[base + UPSTREAMS_LOW]) + Integer.bitCount(ring[base + UPSTREAMS_HIGH]);
            s.rateLimitRps = limitRps(state, limits);
            // 0: derived from the rate limit by PatternConfig#spikeFactor; see the class doc for the scan cut-off.
            s.spikeLimitRps = 0;
            s.scanDistinctPaths = 0;
            s.segmentMode = limits.mode.wireName();
            s.policyVersion = limits.policyVersion;
        }
        Arrays.fill(ring, base, base + SLOT_WIDTH, 0);
        state.intervalPending &= ~(1 << slot);
        if (s != null) {
            out.summary(s);
        }
        return s != null;
    }

    /**
     * Allocates the ring on an identity's first request, or re-lays it out after a restore with
     * another out-of-orderness.
     */
    private void ensureRing(IdentityState state) {
        int[] ring = state.intervalSlots;
        if (ring == null || ring.length % SLOT_WIDTH != 0) {
            state.intervalSlots = new int[slots * SLOT_WIDTH];
            state.intervalPending = 0;
            state.intervalNewestStartMillis = NONE;
        } else if (size(state) < slots || size(state) > maxSlots) {
            resize(state, Math.max(slots, Math.min(maxSlots, size(state))));
        }
    }

    /**
     * Re-lays the ring out in {@code n} slots, keeping its newest intervals that fit with their
     * pending flags (a pending interval that no longer fits is lost; its timer finds nothing).
     */
    private void resize(IdentityState state, int n) {
        int[] old = state.intervalSlots;
        int oldSlots = old.length / SLOT_WIDTH;
        int[] ring = new int[n * SLOT_WIDTH];
        int pending = 0;
        long newest = state.intervalNewestStartMillis;
        if (newest != NONE) {
            for (int k = 0; k < Math.min(oldSlots, n); k++) {
                long x = newest - k * intervalMillis;
                int from = slotOf(x, oldSlots);
                int to = slotOf(x, n);
                System.arraycopy(old, from * SLOT_WIDTH, ring, to * SLOT_WIDTH, SLOT_WIDTH);
                if ((state.intervalPending & (1 << from)) != 0) {
                    pending |= 1 << to;
                }
            }
        }
        state.intervalSlots = ring;
        state.intervalPending = pending;
    }

    private void clearRing(IdentityState state) {
        if (size(state) == slots) {
            Arrays.fill(state.intervalSlots, 0);
        } else {
            state.intervalSlots = new int[slots * SLOT_WIDTH];
        }
        state.intervalPending = 0;
        state.intervalSegment = null;
        state.intervalNewestStartMillis = NONE;
        state.intervalHoldMillis = NONE;
    }

    private boolean isInteresting(IdentityState state, int base, long start, Limits limits) {
        int[] ring = state.intervalSlots;
        if (ring[base + SENSITIVE] > 0 || ring[base + NEW_PATHS] > 0 && inScanWindow(state, start)) {
            return true;
        }
        double limit = limitRps(state, limits);
        return limit > 0 && ring[base + REQUESTS] * 1000.0 / intervalMillis > limit;
    }

    /** A failed probe of a new path: where a scan run may start. */
    private static boolean isScanStart(int[] ring, int base) {
        return ring[base + NEW_PATHS] > 0 && ring[base + NOT_FOUND] > 0;
    }

    /**
     * Whether the new paths of the interval starting at {@code start} can be part of a scan run: a
     * scan start at or before it, less than the scan window earlier, in the ring or remembered.
     */
    private boolean inScanWindow(IdentityState state, long start) {
        long latest = state.scanStartMillis;
        if (latest != NONE && latest <= start && start - latest < scanWindowMillis) {
            return true;
        }
        long newest = state.intervalNewestStartMillis;
        for (long x = newest - (size(state) - 1) * intervalMillis; x <= start; x += intervalMillis) {
            if (start - x < scanWindowMillis && isScanStart(state.intervalSlots, slotOf(state, x) * SLOT_WIDTH)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The interval starting at {@code start} just became a scan start: remember it, and mark the
     * later intervals of the ring whose new paths it makes usable (out-of-order arrival).
     */
    private void startScanWindow(IdentityState state, long start, Output out) {
        if (state.scanStartMillis == NONE || start > state.scanStartMillis) {
            state.scanStartMillis = start;
        }
        int[] ring = state.intervalSlots;
        for (long x = start + intervalMillis; x <= state.intervalNewestStartMillis; x += intervalMillis) {
            int slot = slotOf(state, x);
            if ((state.intervalPending & (1 << slot)) == 0 && ring[slot * SLOT_WIDTH + NEW_PATHS] > 0
                    && x - start < scanWindowMillis) {
                state.intervalPending |= 1 << slot;
                out.registerTimer(dueMillis(state, x));
            }
        }
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
