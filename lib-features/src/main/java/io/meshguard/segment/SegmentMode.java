package io.meshguard.segment;

/** How hard a segment is being held: the controller's state machine, in increasing severity. */
public enum SegmentMode {
    /** Thresholds at (or recovering towards) their base values; the segment's baseline learns. */
    NORMAL,
    /** Per-identity thresholds scaled down with the anomaly pressure; the baseline stops learning. */
    ELEVATED,
    /** Thresholds at their floor and a segment-wide rate cap in force. */
    CLAMPED;

    /** Severity order: a higher rank holds the segment harder. */
    public int rank() {
        return ordinal();
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
