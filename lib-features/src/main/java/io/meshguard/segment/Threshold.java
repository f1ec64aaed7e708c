package io.meshguard.segment;

import java.util.StringJoiner;

/**
 * A per-identity threshold that a segment may tighten, with the range of values that could ever be
 * meant. Policies and configuration outside the sane range are rejected rather than clipped: a
 * quarantine cut-off of 0.01 is a typo, not a decision.
 */
public enum Threshold {
    /** Score at or above which an identity is rate-limited. */
    RATE_LIMIT_SCORE("rate_limit_score", 1.0, 100.0),
    /** Score at or above which an identity is quarantined. */
    QUARANTINE_SCORE("quarantine_score", 1.0, 1000.0),
    /** A rate limit allows this multiple of the identity's typical rate. */
    LIMIT_MULTIPLIER("limit_multiplier", 0.1, 100.0),
    /** Lowest requests-per-second limit ever imposed on an identity. */
    MIN_LIMIT_RPS("min_limit_rps", 0.01, 1_000_000.0),
    /** The factor all of the above are multiplied by; 1 = untightened. */
    TIGHTENING_FACTOR("tightening_factor", 0.05, 1.0);

    public static final int COUNT = values().length;
    private static final Threshold[] VALUES = values();

    private final String wireName;
    private final double saneMin;
    private final double saneMax;

    Threshold(String wireName, double saneMin, double saneMax) {
        this.wireName = wireName;
        this.saneMin = saneMin;
        this.saneMax = saneMax;
    }

    /** The name in policies and updates, e.g. {@code rate_limit_score}. */
    public String wireName() {
        return wireName;
    }

    public double saneMin() {
        return saneMin;
    }

    public double saneMax() {
        return saneMax;
    }

    public boolean isSane(double value) {
        return value >= saneMin && value <= saneMax;
    }

    public static Threshold ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** The threshold with this wire name, or null. */
    public static Threshold byWireName(String name) {
        for (Threshold t : VALUES) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Wire names joined for error messages: {@code rate_limit_score, quarantine_score, ...}. */
    public static String wireNames() {
        StringJoiner names = new StringJoiner(", ");
        for (Threshold t : VALUES) {
            names.add(t.wireName);
        }
        return names.toString();
    }
}
