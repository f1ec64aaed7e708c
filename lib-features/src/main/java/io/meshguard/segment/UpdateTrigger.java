package io.meshguard.segment;

/** Why a {@link SegmentUpdate} was emitted. */
public enum UpdateTrigger {
    /** The segment changed mode on its own (pressure rose, or stayed low for the hold time). */
    MODE,
    /** Thresholds or the segment cap moved by more than the configured step (tightening or recovery). */
    THRESHOLDS,
    /** A manual override was applied, withdrawn or expired. */
    MANUAL,
    /** A false positive was reported and the segment loosened. */
    FEEDBACK;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
