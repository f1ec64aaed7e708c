package io.meshguard.features;

/**
 * The named per-identity features. Each has exactly one definition, computed by {@link
 * FeatureState#snapshot}; the ordinal indexes every feature array (values, baselines, deviations).
 */
public enum Feature {
    RATE_SHORT("rate_short", "req/s", "request rate, decayed over the short horizon"),
    RATE_LONG("rate_long", "req/s", "request rate, decayed over the long horizon"),
    RATIO_4XX("ratio_4xx", "share", "share of responses 400-499"),
    RATIO_AUTH_FAIL("ratio_auth_fail", "share", "share of responses 401 or 403"),
    RATIO_404("ratio_404", "share", "share of responses 404"),
    RATIO_5XX("ratio_5xx", "share", "share of responses 500-599"),
    DISTINCT_PATHS("distinct_paths", "count", "distinct paths in the recent window (sketch)"),
    DISTINCT_UPSTREAMS("distinct_upstreams", "count", "distinct upstream clusters in the recent window (sketch)"),
    PATH_ENTROPY("path_entropy", "bits", "Shannon entropy of the path distribution over hash buckets"),
    NEW_PATH_RATIO("new_path_ratio", "share", "share of requests to paths this identity never used before"),
    BYTES_IN_RATE("bytes_in_rate", "B/s", "request bytes received from the identity per second"),
    BYTES_OUT_RATE("bytes_out_rate", "B/s", "response bytes sent to the identity per second"),
    MEAN_DURATION("mean_duration_ms", "ms", "mean request duration"),
    SENSITIVE_RATE("sensitive_rate", "req/s", "requests per second to sensitive paths (dotfiles, admin, backups)"),
    AUTH_RATE("auth_rate", "req/s", "requests per second to login or signup endpoints"),
    UA_ANOMALY_RATIO("ua_anomaly_ratio", "share", "share of requests with an empty or tool-like user agent");

    /** Number of features: the length of every feature-indexed array. */
    public static final int COUNT = values().length;

    private static final Feature[] VALUES = values();

    private final String wireName;
    private final String unit;
    private final String description;

    Feature(String wireName, String unit, String description) {
        this.wireName = wireName;
        this.unit = unit;
        this.description = description;
    }

    public static Feature ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** The snake_case name used in outputs and configuration. */
    public String wireName() {
        return wireName;
    }

    public String unit() {
        return unit;
    }

    public String description() {
        return description;
    }
}
