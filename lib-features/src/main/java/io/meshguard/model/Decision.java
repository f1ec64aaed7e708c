package io.meshguard.model;

import java.util.Arrays;

/**
 * A change in what enforcers should do about one identity, with everything needed to explain it.
 * Emitted only when an identity's action changes, never per event. A Flink POJO.
 */
public final class Decision {
    /** Event time (ms) of the request that caused the change. */
    public long timestampMillis;

    public String identity;
    public IdentityType identityType;
    public String segment;

    public Action action;
    public Action previousAction;
    /** Requests per second the identity may make; only meaningful for RATE_LIMIT. */
    public double limitRps;
    /** How long a quarantine lasts; only meaningful for QUARANTINE. */
    public long ttlSeconds;

    /** Anomaly score at the time of the decision (0 = typical). */
    public double score;
    /** Human-readable reasons, strongest first. */
    public String[] reasons;

    /**
     * Monotonically increasing per identity; enforcement stores keep the highest version so a
     * replay never regresses a newer decision.
     */
    public long version;
    /** Version of the policy the decision was made under (0 = built-in defaults). */
    public long policyVersion;

    // Explanation, indexed by Feature.ordinal().
    /** Which baseline the identity was compared with: own, segment-peers or global-peers. */
    public String baselineKind;

    public double[] featureValues;
    public double[] baselineCenter;
    public double[] baselineScale;
    public double[] deviations;
    /** Score cut-offs in force: rate-limit, quarantine, release. */
    public double rateLimitScore;

    public double quarantineScore;
    public double releaseScore;

    public Decision() {}

    @Override
    public String toString() {
        return "Decision{"
                + identity
                + " "
                + previousAction
                + "->"
                + action
                + " score="
                + score
                + " v="
                + version
                + " reasons="
                + Arrays.toString(reasons)
                + "}";
    }
}
