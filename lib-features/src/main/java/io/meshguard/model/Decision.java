package io.meshguard.model;

import java.util.Arrays;

/**
 * A change in what enforcers should do about one identity, with everything needed to explain it.
 * Emitted only when an identity's action changes, never per event. A Flink POJO.
 */
public final class Decision {
    public static final String TRIGGER_SCORE = "score";
    public static final String TRIGGER_PATTERN = "pattern";
    public static final String TRIGGER_MANUAL = "manual";
    public static final String TRIGGER_FEEDBACK = "feedback";
    public static final String TRIGGER_ALLOWLIST = "allowlist";
    public static final String TRIGGER_BLAST_RADIUS = "blast-radius";
    public static final String TRIGGER_EXPIRY = "expiry";

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

    /** What caused the decision: score, pattern, manual, feedback, allowlist or blast-radius. */
    public String trigger;
    /** Behaviour pattern that matched (burst, spike, scan, sensitive-probe), or null. */
    public String pattern;
    /** The matched intervals of {@link #pattern}, human-readable; null otherwise. */
    public String[] evidence;
    /** Mode of the identity's segment when decided: NORMAL, ELEVATED or CLAMPED. */
    public String segmentMode;
    /** Decided in shadow mode: audited, never enforced. */
    public boolean shadow;
    /** Wall-clock time (ms) the deciding request was decoded; 0 when no single request decided it. */
    public long eventArrivalMillis;

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
