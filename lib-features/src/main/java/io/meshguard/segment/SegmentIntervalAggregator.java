package io.meshguard.segment;

import io.meshguard.features.BitSketches;
import io.meshguard.features.Hashing;
import io.meshguard.features.PathClass;
import io.meshguard.model.MeshEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Folds one segment's requests into the figures of fixed event-time intervals and hands each
 * interval to the caller once it is closed, for {@link SegmentThresholdController}. All per-segment
 * memory lives in the {@link SegmentAggregationState} passed in, so one aggregator serves every
 * segment of a keyed operator; its size is fixed by the configuration whatever the traffic (about
 * 20 KiB per segment with the defaults).
 *
 * <h2>Figures of an interval</h2>
 *
 * Intervals are {@code [k × interval, (k + 1) × interval)} of event time (1 s by default); an
 * event counts in the interval its timestamp falls in.
 *
 * <ul>
 *   <li><b>requests</b>: every counted event.
 *   <li><b>distinct identities</b>: a linear-counting estimate over a fixed bitmap per interval
 *       ({@link BitSketches}; 8,192 bits: exact in practice for a handful of identities, about 1 %
 *       standard error at 5,000, saturating near 74,000), never more than the requests.
 *   <li><b>new identities</b>: identities not seen in this segment within the look-back (10 min by
 *       default), from two rotating Bloom filter generations of 8 KiB each (three bit positions per
 *       identity), swapped every half look-back. A sighting sets the identity in the current
 *       generation; it is known while it is in either. An identity is therefore remembered for at
 *       least half the look-back after it was last seen and at most the whole look-back. A false
 *       positive makes a new identity look known, which under-reports new identities: the safe
 *       direction for a figure that can only tighten a segment. The rate is (1 − e^(−3n/65536))³
 *       per generation for n identities per half look-back: 0.01 % at 1,000, 0.9 % at 5,000, 5 %
 *       at 10,000; a generation that saturates reports no new identities at all. An identity is new
 *       in the interval of the first of its events that arrived, not necessarily the earliest one
 *       (out-of-order arrivals within the allowed lateness). Capped at the distinct identities.
 *   <li><b>auth requests</b>: requests to login or signup endpoints ({@link PathClass#AUTH}).
 *   <li><b>error responses</b>: responses 400-499 except 429. 5xx say nothing about the callers, and
 *       429 is what meshguard's own rate limits answer, so tightening cannot feed itself. The Envoy
 *       flags that would also single out other own denials ({@code UAEX}) are not in {@link
 *       MeshEvent}; such a 403 counts as an error.
 *   <li><b>anomalous and quarantined identities</b>: not known from raw events; always 0 here. The
 *       job fills them in from the per-identity operator before the interval reaches the
 *       controller.
 * </ul>
 *
 * <h2>Closing intervals, lateness</h2>
 *
 * The segment's clock is the latest event time it has seen, as an event's timestamp or as a
 * watermark passed to {@link #advanceTo}. An interval closes once the clock is at least its end
 * plus the allowed lateness (3 s by default), so an event at most the allowed lateness behind the
 * clock is always counted. Events of an interval already closed are too late: they are counted in
 * {@link SegmentAggregationState#lateEvents} only (their identity is still remembered as seen). The
 * open intervals fit a ring of ⌈lateness / interval⌉ + 1 slots (4 by default). The clock moves with
 * events too, so a segment's own traffic closes its intervals even when the watermark lags; a
 * timestamp far in the future would close everything before it, which is why the decoder rejects
 * timestamps too far ahead of the wall clock.
 *
 * <h2>Quiet intervals and idle gaps</h2>
 *
 * An empty interval after active ones is emitted as a zero interval: the controller needs calm
 * intervals to recover and to learn that the segment is sometimes quiet. After {@link
 * Config#maxZeroIntervals} zero intervals in a row (120 by default: twice what the controller's
 * default holds need to step from CLAMPED down to NORMAL) the rest of the gap is skipped: nothing
 * is emitted, {@link #nextDueMillis} stops asking for timers, and when traffic resumes the gap is
 * added to {@link SegmentAggregationState#skippedIntervals} in one step. The next active interval
 * then ends long after the previous one, which the controller reads as a gap: its smoothed figures
 * decay over it and the gap is not learned into the baseline. Empty intervals before a segment's
 * first active interval are not emitted. A watermark of {@link Long#MAX_VALUE} (end of input)
 * closes the intervals that hold traffic and the gaps between them, but emits no zeros after the
 * last one: nothing is known about the time after the input.
 *
 * <p>The aggregator holds no mutable fields and may be shared; a state must be driven by one thread
 * at a time.
 */
public final class SegmentIntervalAggregator {
    /** Bit positions per identity in the look-back filter. */
    static final int SEEN_HASHES = 3;

    private static final long SEEN_SALT = 0x5E6A66_0BADC0DEL;
    private static final long SEEN_STEP_SALT = 0x9E3779B97F4A7C15L;

    private final Config config;
    private final long interval;
    private final long lateness;
    private final int ring;
    private final int identityWords;
    private final int seenWords;
    private final long generationMillis;

    public SegmentIntervalAggregator(Config config) {
        this.config = config;
        this.interval = config.intervalMillis;
        this.lateness = config.allowedLatenessMillis;
        this.ring = config.openIntervals();
        this.identityWords = config.distinctBits / 64;
        this.seenWords = config.lookbackFilterBits / 64;
        this.generationMillis = config.lookbackMillis / 2;
    }

    public Config config() {
        return config;
    }

    /** A state laid out for this configuration. */
    public SegmentAggregationState newState() {
        SegmentAggregationState s = new SegmentAggregationState();
        ensureLayout(s);
        return s;
    }

    /**
     * Counts one request. Intervals the event's timestamp closes (it moved the segment's clock by
     * more than the allowed lateness past their end) go to {@code closed}, in event-time order, before
     * the event is counted.
     *
     * @return false when the event's interval had already been closed (a too-late event, counted in
     *     {@link SegmentAggregationState#lateEvents})
     */
    public boolean add(SegmentAggregationState s, MeshEvent e, Consumer<? super SegmentInterval> closed) {
        boolean hasIdentity = e.identity != null;
        return add(s, e.timestampMillis, hasIdentity, hasIdentity ? Hashing.hash64(e.identity) : 0,
                PathClass.has(e.pathFlags, PathClass.AUTH), isCountedError(e.responseCode), closed);
    }

    /**
     * As {@link #add(SegmentAggregationState, MeshEvent, Consumer)} for a request already projected
     * to what the aggregator needs ({@link SegmentSample#of}); the same request counts the same
     * either way.
     */
    public boolean add(SegmentAggregationState s, SegmentSample sample, Consumer<? super SegmentInterval> closed) {
        return add(s, sample.timestampMillis, sample.hasIdentity, sample.identityHash, sample.authRequest,
                sample.countedError, closed);
    }

    private boolean add(
            SegmentAggregationState s, long t, boolean hasIdentity, long hash, boolean auth, boolean error,
            Consumer<? super SegmentInterval> closed) {
        moveClock(s, t, closed);
        boolean known = !hasIdentity || remember(s, hash);
        long start = alignDown(t);
        if (start < s.nextStartMillis) {
            s.lateEvents++;
            return false;
        }
        int slot = slotFor(s, start);
        s.slotRequests[slot]++;
        if (auth) {
            s.slotAuthRequests[slot]++;
        }
        if (error) {
            s.slotErrorResponses[slot]++;
        }
        if (hasIdentity) {
            BitSketches.set(s.slotIdentityBits, slot * identityWords, identityWords, hash);
            if (!known) {
                s.slotNewIdentities[slot]++;
            }
        }
        return true;
    }

    /**
     * Counts a batch of requests of one interval ({@link SegmentBatcher}) exactly as {@link
     * #add(SegmentAggregationState, SegmentSample, Consumer)} would count them one by one: the
     * clock moves to the batch's latest request (no request of the batch can close its own
     * interval), every identity is remembered, and a batch whose interval is closed already is late
     * as a whole.
     *
     * @return false when the batch's interval had already been closed (its requests are counted in
     *     {@link SegmentAggregationState#lateEvents})
     */
    public boolean add(SegmentAggregationState s, SegmentBatch batch, Consumer<? super SegmentInterval> closed) {
        moveClock(s, batch.latestMillis, closed);
        int newIdentities = 0;
        for (long hash : batch.identityHashes) {
            if (!remember(s, hash)) {
                newIdentities++;
            }
        }
        long start = alignDown(batch.intervalStartMillis);
        if (start < s.nextStartMillis) {
            s.lateEvents += batch.requests;
            return false;
        }
        int slot = slotFor(s, start);
        s.slotRequests[slot] += batch.requests;
        s.slotAuthRequests[slot] += batch.authRequests;
        s.slotErrorResponses[slot] += batch.errorResponses;
        for (long hash : batch.identityHashes) {
            BitSketches.set(s.slotIdentityBits, slot * identityWords, identityWords, hash);
        }
        s.slotNewIdentities[slot] += newIdentities;
        return true;
    }

    /** Moves the segment's clock to a request's time, closing what that closes. */
    private void moveClock(SegmentAggregationState s, long t, Consumer<? super SegmentInterval> closed) {
        ensureLayout(s);
        advanceClock(s, t, closed);
        if (s.nextStartMillis == SegmentAggregationState.NEVER) {
            s.nextStartMillis = alignDown(minus(s.clockMillis, lateness));
        }
        s.lastSeenMillis = s.clockMillis;
    }

    /** The ring slot of the open interval starting at {@code start}. */
    private int slotFor(SegmentAggregationState s, long start) {
        int slot = slotOf(start);
        if (s.slotStartMillis[slot] != start) {
            if (s.slotStartMillis[slot] != SegmentAggregationState.NEVER) {
                throw new IllegalStateException("ring slot " + slot + " holds " + s.slotStartMillis[slot]
                        + " while counting " + start + ": " + s);
            }
            s.slotStartMillis[slot] = start;
        }
        return slot;
    }

    /**
     * Moves the segment's clock to the watermark and emits the intervals that closes, in event-time
     * order. A watermark at or behind the clock does nothing; {@link Long#MAX_VALUE} flushes (see the
     * class comment).
     */
    public void advanceTo(SegmentAggregationState s, long watermarkMillis, Consumer<? super SegmentInterval> closed) {
        ensureLayout(s);
        advanceClock(s, watermarkMillis, closed);
    }

    /** As {@link #advanceTo(SegmentAggregationState, long, Consumer)}, collecting the closed intervals. */
    public List<SegmentInterval> advanceTo(SegmentAggregationState s, long watermarkMillis) {
        List<SegmentInterval> out = new ArrayList<>();
        advanceTo(s, watermarkMillis, out::add);
        return out;
    }

    /**
     * The lowest watermark at which {@link #advanceTo} would emit or close something, for an
     * event-time timer; {@link Long#MAX_VALUE} when nothing is pending (no traffic yet, or an idle
     * gap beyond the zero-interval bound: the next event brings the segment back).
     */
    public long nextDueMillis(SegmentAggregationState s) {
        if (s.nextStartMillis == SegmentAggregationState.NEVER || s.clockMillis == Long.MAX_VALUE
                || !hasLayout(s)) {
            return Long.MAX_VALUE;
        }
        long due = Long.MAX_VALUE;
        if (s.lastActiveEndMillis != SegmentAggregationState.NEVER && s.zeroRun < config.maxZeroIntervals) {
            due = plus(s.nextStartMillis + interval, lateness);
        }
        long occupied = earliestOccupiedStart(s);
        if (occupied != Long.MAX_VALUE) {
            due = Math.min(due, plus(occupied + interval, lateness));
        }
        return due;
    }

    /**
     * The event time from which the state holds nothing that a fresh one would not also produce
     * for events on time: no open interval with traffic, no zero intervals left to emit, and every
     * identity it saw rotated out of the look-back filter. An operator may then drop the state (a
     * timer at this time, re-checked with {@link #isDiscardable} when it fires). {@link
     * Long#MAX_VALUE} while an interval with traffic is open.
     */
    public long discardableAtMillis(SegmentAggregationState s) {
        if (hasLayout(s) && earliestOccupiedStart(s) != Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long at = Long.MIN_VALUE;
        if (s.lastSeenMillis != SegmentAggregationState.NEVER) {
            // Inserted into the generation of the clock at the sighting; gone after two rotations.
            at = (Math.floorDiv(s.lastSeenMillis, generationMillis) + 2) * generationMillis;
        }
        if (s.lastActiveEndMillis != SegmentAggregationState.NEVER) {
            long lastZeroEnd = s.lastActiveEndMillis + (long) config.maxZeroIntervals * interval;
            at = Math.max(at, plus(lastZeroEnd, lateness));
        }
        return at;
    }

    public boolean isDiscardable(SegmentAggregationState s) {
        return s.clockMillis != SegmentAggregationState.NEVER && s.clockMillis >= discardableAtMillis(s);
    }

    /** 4xx other than 429 (see the class comment). */
    public static boolean isCountedError(int responseCode) {
        return responseCode >= 400 && responseCode < 500 && responseCode != 429;
    }

    // ---------------------------------------------------------------------------------------------

    private void advanceClock(SegmentAggregationState s, long time, Consumer<? super SegmentInterval> closed) {
        if (s.clockMillis != SegmentAggregationState.NEVER && time <= s.clockMillis) {
            return;
        }
        s.clockMillis = time;
        rotate(s, time);
        if (s.nextStartMillis == SegmentAggregationState.NEVER) {
            return;
        }
        if (time == Long.MAX_VALUE) {
            long occupied = latestOccupiedStart(s);
            if (occupied != Long.MIN_VALUE) {
                closeThrough(s, occupied, closed);
            }
        } else {
            closeThrough(s, alignDown(minus(time, lateness)) - interval, closed);
        }
    }

    /** Closes every interval starting at or before {@code lastStart}. */
    private void closeThrough(SegmentAggregationState s, long lastStart, Consumer<? super SegmentInterval> closed) {
        while (s.nextStartMillis <= lastStart) {
            long start = s.nextStartMillis;
            int slot = slotOf(start);
            if (s.slotStartMillis[slot] == start) {
                closed.accept(closeSlot(s, slot));
                s.zeroRun = 0;
                s.lastActiveEndMillis = start + interval;
                s.nextStartMillis = start + interval;
                continue;
            }
            // A run of empty intervals up to the next one with traffic or the closing limit: O(1) however long.
            long gapEnd = Math.min(earliestOccupiedStart(s), lastStart + interval);
            long gap = (gapEnd - start) / interval;
            if (s.lastActiveEndMillis != SegmentAggregationState.NEVER) {
                long zeros = Math.min(gap, Math.max(0, config.maxZeroIntervals - s.zeroRun));
                for (long i = 1; i <= zeros; i++) {
                    closed.accept(zeroInterval(start + i * interval));
                }
                s.zeroRun += (int) zeros;
                s.skippedIntervals += gap - zeros;
            }
            s.nextStartMillis = gapEnd;
        }
    }

    private SegmentInterval closeSlot(SegmentAggregationState s, int slot) {
        SegmentInterval in = new SegmentInterval();
        in.endMillis = s.slotStartMillis[slot] + interval;
        in.durationMillis = interval;
        in.requests = s.slotRequests[slot];
        int from = slot * identityWords;
        double estimate = BitSketches.distinctUnion(s.slotIdentityBits, from, from, identityWords);
        in.distinctIdentities = (int) Math.min(Math.round(estimate), Math.min(in.requests, Integer.MAX_VALUE));
        in.newIdentities = Math.min(s.slotNewIdentities[slot], in.distinctIdentities);
        in.authRequests = s.slotAuthRequests[slot];
        in.errorResponses = s.slotErrorResponses[slot];
        s.slotStartMillis[slot] = SegmentAggregationState.NEVER;
        s.slotRequests[slot] = 0;
        s.slotAuthRequests[slot] = 0;
        s.slotErrorResponses[slot] = 0;
        s.slotNewIdentities[slot] = 0;
        Arrays.fill(s.slotIdentityBits, from, from + identityWords, 0L);
        return in;
    }

    private SegmentInterval zeroInterval(long endMillis) {
        SegmentInterval in = new SegmentInterval();
        in.endMillis = endMillis;
        in.durationMillis = interval;
        return in;
    }

    /** Starts a new generation every half look-back; a jump of a whole look-back or more forgets everything. */
    private void rotate(SegmentAggregationState s, long clock) {
        long g = Math.floorDiv(clock, generationMillis);
        if (s.generationIndex == SegmentAggregationState.NEVER) {
            s.generationIndex = g;
            return;
        }
        long steps = g - s.generationIndex;
        if (steps <= 0) {
            return;
        }
        if (steps == 1) {
            s.currentGeneration ^= 1;
            int from = s.currentGeneration * seenWords;
            Arrays.fill(s.seenBits, from, from + seenWords, 0L);
        } else {
            Arrays.fill(s.seenBits, 0L);
        }
        s.generationIndex = g;
    }

    /** Sets the identity in the current generation; returns whether either generation already held it. */
    private boolean remember(SegmentAggregationState s, long hash) {
        int current = s.currentGeneration * seenWords;
        int previous = (1 - s.currentGeneration) * seenWords;
        long bits = seenWords * 64L;
        long h1 = Hashing.mix64(hash ^ SEEN_SALT);
        long h2 = Hashing.mix64(h1 ^ SEEN_STEP_SALT) | 1;
        boolean inCurrent = true;
        boolean inPrevious = true;
        for (int i = 0; i < SEEN_HASHES; i++) {
            int bit = (int) (((h1 + i * h2) >>> 1) % bits);
            int word = bit >>> 6;
            long mask = 1L << (bit & 63);
            if ((s.seenBits[current + word] & mask) == 0) {
                inCurrent = false;
                s.seenBits[current + word] |= mask;
            }
            if ((s.seenBits[previous + word] & mask) == 0) {
                inPrevious = false;
            }
        }
        return inCurrent || inPrevious;
    }

    private long earliestOccupiedStart(SegmentAggregationState s) {
        long min = Long.MAX_VALUE;
        for (long start : s.slotStartMillis) {
            if (start != SegmentAggregationState.NEVER) {
                min = Math.min(min, start);
            }
        }
        return min;
    }

    private long latestOccupiedStart(SegmentAggregationState s) {
        long max = Long.MIN_VALUE;
        for (long start : s.slotStartMillis) {
            if (start != SegmentAggregationState.NEVER) {
                max = Math.max(max, start);
            }
        }
        return max;
    }

    private int slotOf(long start) {
        return (int) Math.floorMod(Math.floorDiv(start, interval), (long) ring);
    }

    private long alignDown(long time) {
        return Math.floorDiv(time, interval) * interval;
    }

    private static long minus(long a, long b) {
        return a < Long.MIN_VALUE + b ? Long.MIN_VALUE + b : a - b;
    }

    private static long plus(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    private boolean hasLayout(SegmentAggregationState s) {
        return s.intervalMillis == interval
                && length(s.slotStartMillis) == ring
                && length(s.slotRequests) == ring
                && length(s.slotAuthRequests) == ring
                && length(s.slotErrorResponses) == ring
                && length(s.slotNewIdentities) == ring
                && length(s.slotIdentityBits) == ring * identityWords
                && length(s.seenBits) == 2 * seenWords;
    }

    /**
     * A fresh state, or one restored under a configuration with other sizes, gets arrays of this
     * configuration's sizes. A re-layout drops the open intervals and the look-back filter (every
     * identity looks new for one look-back, as after a cold start); clock and counters survive.
     */
    private void ensureLayout(SegmentAggregationState s) {
        if (hasLayout(s)) {
            return;
        }
        s.intervalMillis = interval;
        s.slotStartMillis = new long[ring];
        Arrays.fill(s.slotStartMillis, SegmentAggregationState.NEVER);
        s.slotRequests = new long[ring];
        s.slotAuthRequests = new long[ring];
        s.slotErrorResponses = new long[ring];
        s.slotNewIdentities = new int[ring];
        s.slotIdentityBits = new long[ring * identityWords];
        s.seenBits = new long[2 * seenWords];
        s.currentGeneration = 0;
        s.generationIndex = SegmentAggregationState.NEVER;
        s.nextStartMillis = SegmentAggregationState.NEVER;
        s.zeroRun = 0;
    }

    private static int length(long[] a) {
        return a == null ? -1 : a.length;
    }

    private static int length(int[] a) {
        return a == null ? -1 : a.length;
    }

    /** Interval length, look-back, lateness and sketch sizes; immutable and validated once. */
    public static final class Config implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Most open intervals the ring may hold: lateness beyond this many intervals is a mistake. */
        public static final int MAX_OPEN_INTERVALS = 64;

        /** Length of the intervals (event time). */
        public final long intervalMillis;
        /** An identity not seen in the segment for this long counts as new again (approximately, see above). */
        public final long lookbackMillis;
        /** How far behind the segment's clock an event is still counted. */
        public final long allowedLatenessMillis;
        /** Zero intervals emitted in a row before the rest of an idle gap is skipped. */
        public final int maxZeroIntervals;
        /** Bits of each interval's distinct-identity bitmap (a multiple of 64). */
        public final int distinctBits;
        /** Bits of each of the two look-back filter generations (a multiple of 64). */
        public final int lookbackFilterBits;

        private Config(Builder b) {
            this.intervalMillis = b.intervalMillis;
            this.lookbackMillis = b.lookbackMillis;
            this.allowedLatenessMillis = b.allowedLatenessMillis;
            this.maxZeroIntervals = b.maxZeroIntervals;
            this.distinctBits = b.distinctBits;
            this.lookbackFilterBits = b.lookbackFilterBits;
            List<String> problems = new ArrayList<>();
            if (intervalMillis <= 0) {
                problems.add(msg("interval-millis (%s) must be positive", intervalMillis));
            }
            if (intervalMillis > 0 && lookbackMillis < 2 * intervalMillis) {
                problems.add(msg("lookback-millis (%s) must be at least two intervals (%s)",
                        lookbackMillis, 2 * intervalMillis));
            }
            if (allowedLatenessMillis < 0) {
                problems.add(msg("allowed-lateness-millis (%s) must not be negative", allowedLatenessMillis));
            } else if (intervalMillis > 0 && openIntervals() > MAX_OPEN_INTERVALS) {
                problems.add(msg("allowed-lateness-millis (%s) spans more than %s intervals of %s ms",
                        allowedLatenessMillis, MAX_OPEN_INTERVALS - 1, intervalMillis));
            }
            if (maxZeroIntervals < 0) {
                problems.add(msg("max-zero-intervals (%s) must not be negative", maxZeroIntervals));
            }
            if (distinctBits < 64 || distinctBits % 64 != 0 || distinctBits > (1 << 20)) {
                problems.add(msg("distinct-bits (%s) must be a multiple of 64 in [64, 2^20]", distinctBits));
            }
            if (lookbackFilterBits < 64 || lookbackFilterBits % 64 != 0 || lookbackFilterBits > (1 << 24)) {
                problems.add(msg("lookback-filter-bits (%s) must be a multiple of 64 in [64, 2^24]",
                        lookbackFilterBits));
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "invalid segment aggregation configuration: " + String.join("; ", problems));
            }
        }

        public static Config defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Ring slots: every interval from the one holding (clock − lateness) to the one holding the clock. */
        public int openIntervals() {
            return (int) Math.min(Integer.MAX_VALUE, (allowedLatenessMillis + intervalMillis - 1) / intervalMillis + 1);
        }

        private static String msg(String format, Object... args) {
            return "segment-aggregation." + String.format(Locale.ROOT, format, args);
        }

        @Override
        public String toString() {
            return "SegmentIntervalAggregator.Config{interval=" + intervalMillis + "ms, lookback=" + lookbackMillis
                    + "ms, lateness=" + allowedLatenessMillis + "ms, maxZero=" + maxZeroIntervals + ", distinctBits="
                    + distinctBits + ", lookbackFilterBits=" + lookbackFilterBits + "}";
        }

        /** Builder with the documented defaults. */
        public static final class Builder {
            private long intervalMillis = SegmentInterval.DEFAULT_DURATION_MILLIS;
            private long lookbackMillis = 600_000;
            private long allowedLatenessMillis = 3_000;
            private int maxZeroIntervals = 120;
            private int distinctBits = 8_192;
            private int lookbackFilterBits = 65_536;

            private Builder() {}

            public Builder intervalMillis(long v) {
                intervalMillis = v;
                return this;
            }

            public Builder lookbackMillis(long v) {
                lookbackMillis = v;
                return this;
            }

            public Builder allowedLatenessMillis(long v) {
                allowedLatenessMillis = v;
                return this;
            }

            public Builder maxZeroIntervals(int v) {
                maxZeroIntervals = v;
                return this;
            }

            public Builder distinctBits(int v) {
                distinctBits = v;
                return this;
            }

            public Builder lookbackFilterBits(int v) {
                lookbackFilterBits = v;
                return this;
            }

            public Config build() {
                return new Config(this);
            }
        }
    }
}
