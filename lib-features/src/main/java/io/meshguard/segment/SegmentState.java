package io.meshguard.segment;

/**
 * Everything the controller keeps about one segment; the segment id is the state's key and is not
 * stored again. A Flink POJO: public fields, primitive arrays, no collections. {@link
 * SegmentThresholdController} reads and writes it; nothing else should.
 */
public final class SegmentState {
    /** {@link #lastIntervalEndMillis} before the first interval: event time 0 is a valid time. */
    public static final long NEVER = Long.MIN_VALUE;

    public SegmentMode mode = SegmentMode.NORMAL;
    /** Event time the current mode was entered. */
    public long modeSinceMillis;
    /** Last event time the pressure was at or above the current mode's exit level. */
    public long lastUncalmMillis;
    /** Tightening factor in force (before clipping into the policy's bounds). */
    public double factor = 1.0;
    /** Segment-wide cap (req/s) in force while CLAMPED, else 0. */
    public double capRps;

    /** Pressure and driving figure (ordinal, -1 = none) of the latest interval. */
    public double pressure;
    public int driver = -1;

    // Baseline, indexed by SegmentFigure ordinal: EWMA of the smoothed figures while NORMAL.
    public double[] mean = new double[SegmentFigure.COUNT];
    public double[] variance = new double[SegmentFigure.COUNT];
    /** Intervals learned into the baseline. */
    public long learnedIntervals;

    /**
     * Short EWMA of the latest intervals, per SegmentFigure ordinal. Rates and counts hold the figure
     * itself; the share figures hold their numerator (errors per second, anomalous identities), so
     * that a share is a ratio of smoothed counts rather than a smoothed ratio of noisy ones.
     */
    public double[] smoothed = new double[SegmentFigure.COUNT];

    public long lastIntervalEndMillis = NEVER;
    /** Distinct and quarantined identities of the latest interval, for updates between intervals. */
    public int lastDistinctIdentities;

    public int lastQuarantinedIdentities;

    /** A manual override in force: CLAMPED or NORMAL, null when none. */
    public SegmentMode manualMode;

    public long manualUntilMillis;
    public double manualCapRps;

    /** After a false positive the factor is not tightened below this until the hold ends. */
    public double feedbackFloor;

    public long feedbackUntilMillis;
    public long falsePositives;

    /** Version of the last update emitted for this segment. */
    public long version;
    /**
     * What enforcers were last told, per Threshold ordinal (0 before initialization) and the cap;
     * later changes are measured against these so slow drift still ends in an update.
     */
    public double[] emitted = new double[Threshold.COUNT];

    public double emittedCapRps;

    public SegmentState() {}

    /** A deep copy. */
    public SegmentState copy() {
        SegmentState c = new SegmentState();
        c.mode = mode;
        c.modeSinceMillis = modeSinceMillis;
        c.lastUncalmMillis = lastUncalmMillis;
        c.factor = factor;
        c.capRps = capRps;
        c.pressure = pressure;
        c.driver = driver;
        c.mean = mean.clone();
        c.variance = variance.clone();
        c.learnedIntervals = learnedIntervals;
        c.smoothed = smoothed.clone();
        c.lastIntervalEndMillis = lastIntervalEndMillis;
        c.lastDistinctIdentities = lastDistinctIdentities;
        c.lastQuarantinedIdentities = lastQuarantinedIdentities;
        c.manualMode = manualMode;
        c.manualUntilMillis = manualUntilMillis;
        c.manualCapRps = manualCapRps;
        c.feedbackFloor = feedbackFloor;
        c.feedbackUntilMillis = feedbackUntilMillis;
        c.falsePositives = falsePositives;
        c.version = version;
        c.emitted = emitted.clone();
        c.emittedCapRps = emittedCapRps;
        return c;
    }

    @Override
    public String toString() {
        return "SegmentState{" + mode + " factor=" + factor + " cap=" + capRps + " pressure=" + pressure
                + " learned=" + learnedIntervals + " v=" + version + "}";
    }
}
