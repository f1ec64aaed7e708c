package io.meshguard.segment;

/**
 * A change in how one segment is held, with the numbers behind it: what enforcers and the
 * per-identity operator need, and what an auditor needs to see why. Emitted on every mode change,
 * manual override and feedback, and when a threshold moved by more than the configured step; never
 * per interval when nothing changed. A Flink POJO.
 *
 * <p>Arrays are indexed by {@link SegmentFigure#ordinal()}.
 */
public final class SegmentUpdate {
    public String segment;
    /** Event time of the change. */
    public long timestampMillis;
    /**
     * Monotonically increasing per segment (and never below event time, so it keeps increasing after
     * idle state was dropped); enforcement stores keep the highest version.
     */
    public long version;
    /** Version of the policy the update was made under (0: built-in defaults). */
    public long policyVersion;

    public UpdateTrigger trigger;
    public SegmentMode mode;
    public SegmentMode previousMode;

    // Per-identity thresholds in force in the segment.
    public double rateLimitScore;
    public double quarantineScore;
    public double releaseScore;
    public double limitMultiplier;
    public double minLimitRps;

    /** The factor the base thresholds were multiplied by (1 = untightened). */
    public double tighteningFactor;
    /** Requests per second the whole segment may make; only meaningful when CLAMPED, else 0. */
    public double segmentCapRps;
    /** The mode is held by a manual override until {@link #manualUntilMillis}. */
    public boolean manual;

    public long manualUntilMillis;

    public double pressure;
    /** Wire name of the figure behind the pressure, or null when no figure is above its gate. */
    public String driver;
    /** The baseline is warm (until then only figures with a prior count). */
    public boolean warm;

    /** Smoothed figures of the latest interval. */
    public double[] figures;
    /** Learned baseline: mean and standard deviation. */
    public double[] baselineMean;
    public double[] baselineSpread;
    /**
     * What each figure was compared with: centre and scale (after floors, prior, volume adjustment);
     * 0 for figures not judged yet (no warm baseline and no prior).
     */
    public double[] expected;
    public double[] scale;
    public double[] zScores;
    /** Each figure's pressure component; {@link #pressure} is their maximum. */
    public double[] pressures;

    public int distinctIdentities;
    public int quarantinedIdentities;
    /** Most identities the blast-radius guard lets be quarantined at once at this size. */
    public int maxQuarantined;

    /** Human-readable, e.g. {@code NORMAL -> CLAMPED: new_identity_rate 41.0/s vs baseline 0.8±1.0 (z=40.2); ...}. */
    public String reason;

    public SegmentUpdate() {}

    @Override
    public String toString() {
        return "SegmentUpdate{" + segment + " v=" + version + " " + previousMode + "->" + mode + " (" + trigger
                + ") factor=" + tighteningFactor + " cap=" + segmentCapRps + " rl=" + rateLimitScore + " q="
                + quarantineScore + " reason='" + reason + "'}";
    }
}
