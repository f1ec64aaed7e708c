package io.meshguard.segment;

/**
 * What {@link SegmentIntervalAggregator} keeps about one segment: a small ring of open intervals
 * and the look-back filter of identities seen recently. The segment id is the state's key and is
 * not stored again. A Flink POJO: public fields, primitive arrays, no collections; every array has
 * a size fixed by the aggregator's configuration, whatever the traffic.
 */
public final class SegmentAggregationState {
    /** Times before anything happened: event time 0 is a valid time. */
    public static final long NEVER = Long.MIN_VALUE;

    /** Interval length the arrays were laid out for; a restore under another length starts afresh. */
    public long intervalMillis;

    /** Latest event time seen, as an event's timestamp or a watermark; NEVER before either. */
    public long clockMillis = NEVER;
    /** Start of the earliest interval not closed yet; NEVER before the first counted event. */
    public long nextStartMillis = NEVER;
    /** End of the latest interval emitted with traffic in it; NEVER before the first. */
    public long lastActiveEndMillis = NEVER;
    /** The clock when the latest event (counted or too late) arrived: when the look-back filter last learned. */
    public long lastSeenMillis = NEVER;
    /** Zero intervals emitted since the latest active one (bounded by the configured maximum). */
    public int zeroRun;

    // The ring of open intervals; slot = (start / interval) mod ring size.
    /** Start of the interval a slot holds, NEVER when the slot is free. */
    public long[] slotStartMillis = new long[0];

    public long[] slotRequests = new long[0];
    public long[] slotAuthRequests = new long[0];
    public long[] slotErrorResponses = new long[0];
    public int[] slotNewIdentities = new int[0];
    /** One linear-counting bitmap per slot: words [slot × w, (slot + 1) × w). */
    public long[] slotIdentityBits = new long[0];

    /**
     * Two Bloom filter generations of identities seen: words [g × w, (g + 1) × w) for g = 0, 1;
     * {@link #currentGeneration} is the one being filled.
     */
    public long[] seenBits = new long[0];

    public int currentGeneration;
    /** Event time / generation length of the current generation; NEVER before the first. */
    public long generationIndex = NEVER;

    // Counters for metrics (the operator reports their increase); they survive a re-layout.
    /** Events whose interval had already been closed: not counted in any interval. */
    public long lateEvents;
    /** Empty intervals not emitted because an idle gap was longer than the zero-interval bound. */
    public long skippedIntervals;

    public SegmentAggregationState() {}

    /** A deep copy. */
    public SegmentAggregationState copy() {
        SegmentAggregationState c = new SegmentAggregationState();
        c.intervalMillis = intervalMillis;
        c.clockMillis = clockMillis;
        c.nextStartMillis = nextStartMillis;
        c.lastActiveEndMillis = lastActiveEndMillis;
        c.lastSeenMillis = lastSeenMillis;
        c.zeroRun = zeroRun;
        c.slotStartMillis = slotStartMillis.clone();
        c.slotRequests = slotRequests.clone();
        c.slotAuthRequests = slotAuthRequests.clone();
        c.slotErrorResponses = slotErrorResponses.clone();
        c.slotNewIdentities = slotNewIdentities.clone();
        c.slotIdentityBits = slotIdentityBits.clone();
        c.seenBits = seenBits.clone();
        c.currentGeneration = currentGeneration;
        c.generationIndex = generationIndex;
        c.lateEvents = lateEvents;
        c.skippedIntervals = skippedIntervals;
        return c;
    }

    @Override
    public String toString() {
        return "SegmentAggregationState{clock=" + clockMillis + ", next=" + nextStartMillis + ", lastActiveEnd="
                + lastActiveEndMillis + ", zeroRun=" + zeroRun + ", late=" + lateEvents + ", skipped="
                + skippedIntervals + "}";
    }
}
