package io.meshguard.segment;

/**
 * The figures a segment keeps a baseline of, one per closed interval; each can contribute a
 * component to the segment's anomaly pressure. Arrays in {@link SegmentState} and {@link
 * SegmentUpdate} are indexed by {@link #ordinal()}.
 */
public enum SegmentFigure {
    /** Requests per second. */
    VOLUME("volume", "/s", false),
    /** Identities seen in the interval. */
    DISTINCT_IDENTITIES("distinct_identities", "", false),
    /** Identities seen for the first time, per second. */
    NEW_IDENTITY_RATE("new_identity_rate", "/s", false),
    /** Signup and login requests per second. */
    AUTH_RATE("auth_rate", "/s", false),
    /** Share of requests answered with an error (see {@link SegmentInterval#errorResponses}). */
    ERROR_SHARE("error_share", "", true),
    /** Share of the interval's identities that currently score at or above the base rate-limit cut-off. */
    ANOMALOUS_SHARE("anomalous_share", "", true);

    public static final int COUNT = values().length;
    private static final SegmentFigure[] VALUES = values();

    private final String wireName;
    private final String unit;
    private final boolean share;

    SegmentFigure(String wireName, String unit, boolean share) {
        this.wireName = wireName;
        this.unit = unit;
        this.share = share;
    }

    public String wireName() {
        return wireName;
    }

    /** Suffix written after a value in reasons, e.g. {@code /s}. */
    public String unit() {
        return unit;
    }

    /** A share in [0, 1] (as opposed to a rate or a count). */
    public boolean isShare() {
        return share;
    }

    public static SegmentFigure ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
