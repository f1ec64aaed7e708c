package io.meshguard.enforce;

import io.meshguard.cep.PatternMatch;
import io.meshguard.detect.DecisionConfig;
import io.meshguard.model.Action;
import io.meshguard.segment.SegmentControllerConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything {@link DecisionArbiter} does is set here, with defaults; immutable and validated once.
 * Error messages name the option as {@code arbiter.<name>}.
 *
 * <h2>Why the defaults are what they are</h2>
 *
 * <ul>
 *   <li><b>Pattern actions.</b> A burst or a spike is too much traffic from a caller that may well be
 *       legitimate (a retry storm, a batch job): slow it down, RATE_LIMIT. A path scan or repeated
 *       probing of sensitive paths has no legitimate reading: QUARANTINE.
 *   <li><b>Pattern holds.</b> A rate limit holds 5 min after the last matched interval: long enough
 *       that a burst every few minutes stays limited, short enough that a one-off retry storm is
 *       forgotten soon. A quarantine holds for the quarantine TTL of the per-identity detector
 *       ({@link DecisionConfig#quarantineTtlSeconds}, 600 s), so a pattern quarantine and a score
 *       quarantine last equally long.
 *   <li><b>Pattern limit.</b> A pattern match carries no baseline rate to scale, so its rate limit is
 *       fixed: the detector's minimum limit × its limit multiplier (1 × 2 = 2 req/s), the strictest
 *       limit the detector itself derives from a baseline. Where the score also limits, the lower
 *       limit wins.
 *   <li><b>Feedback exemption</b> ({@link SegmentControllerConfig#falsePositiveExemptMillis}, 1 h):
 *       the same exemption the segment controller grants, so the identity and its segment are
 *       loosened for the same time.
 *   <li><b>Blast radius</b> ({@link SegmentControllerConfig#blastRadiusShare} 10 %, {@link
 *       SegmentControllerConfig#blastRadiusMinCount} 5): the same guard the segment controller
 *       reports as {@code maxQuarantined}, so the figure in segment updates is the one enforced.
 *   <li><b>Fallback limit</b> (the detector's minimum limit, 1 req/s): the limit of a quarantine
 *       downgraded by the blast-radius guard when nothing else limits the identity; it was judged bad
 *       enough to quarantine, so it gets the strictest limit.
 *   <li><b>Recheck</b> (60 s): a held identity is looked at again at least this often. A policy's
 *       manual override is applied from the broadcast side, where no keyed timer can be set; the
 *       recheck bounds how late its expiry is noticed.
 *   <li><b>Score rate-limit lapse</b> (24 h): the detector says so only when its action changes and
 *       forgets idle identities without a release, so a score rate limit without news for a day is
 *       presumed stale and lapses; otherwise the state of every identity ever limited would be kept
 *       for ever. 0 keeps it until the detector releases it.
 * </ul>
 */
public final class ArbiterConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Hold of a rate-limiting pattern. */
    static final long DEFAULT_RATE_LIMIT_HOLD_MILLIS = 300_000;

    /** Per pattern, indexed like {@link PatternMatch#PATTERNS}. */
    private final Action[] patternAction;

    private final long[] patternHoldMillis;
    private final double[] patternLimitRps;

    /** TTL enforcers are told for quarantines without another end (score proposals without one). */
    public final long quarantineTtlSeconds;
    /** Limit of a quarantine downgraded by the blast-radius guard when nothing else limits. */
    public final double fallbackLimitRps;

    public final long falsePositiveExemptMillis;
    public final double blastRadiusShare;
    public final int blastRadiusMinCount;
    public final long recheckMillis;
    /** 0 = never. */
    public final long scoreRateLimitLapseMillis;

    private ArbiterConfig(Builder b) {
        int n = PatternMatch.PATTERNS.size();
        this.patternAction = b.patternAction.clone();
        this.patternLimitRps = b.patternLimitRps.clone();
        this.patternHoldMillis = new long[n];
        for (int i = 0; i < n; i++) {
            // An unset quarantine hold follows the TTL, so changing the TTL changes both.
            boolean followTtl = b.patternHoldMillis[i] == Builder.TTL && patternAction[i] == Action.QUARANTINE;
            patternHoldMillis[i] = followTtl ? b.quarantineTtlSeconds * 1000
                    : b.patternHoldMillis[i] == Builder.TTL ? DEFAULT_RATE_LIMIT_HOLD_MILLIS : b.patternHoldMillis[i];
        }
        this.quarantineTtlSeconds = b.quarantineTtlSeconds;
        this.fallbackLimitRps = b.fallbackLimitRps;
        this.falsePositiveExemptMillis = b.falsePositiveExemptMillis;
        this.blastRadiusShare = b.blastRadiusShare;
        this.blastRadiusMinCount = b.blastRadiusMinCount;
        this.recheckMillis = b.recheckMillis;
        this.scoreRateLimitLapseMillis = b.scoreRateLimitLapseMillis;
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid arbiter configuration: " + String.join("; ", problems));
        }
    }

    public static ArbiterConfig defaults() {
        return builder().build();
    }

    /** A builder with the documented defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Index of a pattern in {@link PatternMatch#PATTERNS}, or -1 when unknown. */
    public static int patternIndex(String pattern) {
        return pattern == null ? -1 : PatternMatch.PATTERNS.indexOf(pattern);
    }

    /** What a match of the pattern makes the identity: RATE_LIMIT or QUARANTINE. */
    public Action patternAction(String pattern) {
        return patternAction[checkedIndex(pattern)];
    }

    /** How long the pattern's action holds after the start of its last matched interval. */
    public long patternHoldMillis(String pattern) {
        return patternHoldMillis[checkedIndex(pattern)];
    }

    /** Limit of a rate-limiting pattern (req/s). */
    public double patternLimitRps(String pattern) {
        return patternLimitRps[checkedIndex(pattern)];
    }

    Action patternAction(int i) {
        return patternAction[i];
    }

    long patternHoldMillis(int i) {
        return patternHoldMillis[i];
    }

    double patternLimitRps(int i) {
        return patternLimitRps[i];
    }

    /** The blast-radius cap of a segment: max(min count, ⌊share × active identities⌋). */
    public int maxQuarantined(int activeIdentities) {
        // Same arithmetic as SegmentThresholdController.maxQuarantined, so the two never disagree.
        int byShare = (int) Math.floor(blastRadiusShare * Math.max(0, activeIdentities) + 1e-9);
        return Math.max(blastRadiusMinCount, byShare);
    }

    private static int checkedIndex(String pattern) {
        int i = patternIndex(pattern);
        if (i < 0) {
            throw new IllegalArgumentException("unknown pattern '" + pattern + "', expected one of " + PatternMatch.PATTERNS);
        }
        return i;
    }

    private List<String> problems() {
        List<String> p = new ArrayList<>();
        for (int i = 0; i < patternAction.length; i++) {
            String name = PatternMatch.PATTERNS.get(i);
            if (patternAction[i] != Action.RATE_LIMIT && patternAction[i] != Action.QUARANTINE) {
                p.add(msg("pattern.%s.action (%s) must be RATE_LIMIT or QUARANTINE", name, patternAction[i]));
            }
            if (patternHoldMillis[i] <= 0) {
                p.add(msg("pattern.%s.hold-millis (%s) must be positive", name, patternHoldMillis[i]));
            }
            if (!(patternLimitRps[i] > 0) || Double.isInfinite(patternLimitRps[i])) {
                p.add(msg("pattern.%s.limit-rps (%s) must be positive", name, patternLimitRps[i]));
            }
        }
        if (quarantineTtlSeconds <= 0) {
            p.add(msg("quarantine-ttl-seconds (%s) must be positive", quarantineTtlSeconds));
        }
        if (!(fallbackLimitRps > 0) || Double.isInfinite(fallbackLimitRps)) {
            p.add(msg("fallback-limit-rps (%s) must be positive", fallbackLimitRps));
        }
        if (falsePositiveExemptMillis < 0) {
            p.add(msg("false-positive-exempt-millis (%s) must not be negative", falsePositiveExemptMillis));
        }
        if (!(blastRadiusShare > 0 && blastRadiusShare <= 1)) {
            p.add(msg("blast-radius-share (%s) must be in (0, 1]", blastRadiusShare));
        }
        if (blastRadiusMinCount < 0) {
            p.add(msg("blast-radius-min-count (%s) must not be negative", blastRadiusMinCount));
        }
        if (recheckMillis <= 0) {
            p.add(msg("recheck-millis (%s) must be positive", recheckMillis));
        }
        if (scoreRateLimitLapseMillis < 0) {
            p.add(msg("score-rate-limit-lapse-millis (%s) must not be negative", scoreRateLimitLapseMillis));
        }
        return p;
    }

    private static String msg(String format, Object... args) {
        return "arbiter." + String.format(Locale.ROOT, format, args);
    }

    @Override
    public String toString() {
        return "ArbiterConfig{patterns=" + Arrays.toString(patternAction) + " hold=" + Arrays.toString(patternHoldMillis)
                + "ms limit=" + Arrays.toString(patternLimitRps) + ", ttl=" + quarantineTtlSeconds + "s, fallback="
                + fallbackLimitRps + ", exempt=" + falsePositiveExemptMillis + "ms, blast=" + blastRadiusShare + "/"
                + blastRadiusMinCount + ", recheck=" + recheckMillis + "ms, lapse=" + scoreRateLimitLapseMillis + "ms}";
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        /** Marks a hold not set: the quarantine TTL for quarantines, 5 min for rate limits. */
        private static final long TTL = Long.MIN_VALUE;

        private final Action[] patternAction = new Action[PatternMatch.PATTERNS.size()];
        private final long[] patternHoldMillis = new long[PatternMatch.PATTERNS.size()];
        private final double[] patternLimitRps = new double[PatternMatch.PATTERNS.size()];
        private long quarantineTtlSeconds;
        private double fallbackLimitRps;
        private long falsePositiveExemptMillis;
        private double blastRadiusShare;
        private int blastRadiusMinCount;
        private long recheckMillis = 60_000;
        private long scoreRateLimitLapseMillis = 86_400_000;

        private Builder() {
            Arrays.fill(patternHoldMillis, TTL);
            patternAction[ArbiterConfig.patternIndex(PatternMatch.BURST)] = Action.RATE_LIMIT;
            patternAction[ArbiterConfig.patternIndex(PatternMatch.SPIKE)] = Action.RATE_LIMIT;
            patternAction[ArbiterConfig.patternIndex(PatternMatch.SCAN)] = Action.QUARANTINE;
            patternAction[ArbiterConfig.patternIndex(PatternMatch.SENSITIVE_PROBE)] = Action.QUARANTINE;
            decisions(DecisionConfig.defaults());
            segmentControl(SegmentControllerConfig.defaults());
        }

        /**
         * Takes the quarantine TTL, the pattern limit (minimum limit × multiplier) and the fallback
         * limit (minimum limit) from the detector's configuration.
         */
        public Builder decisions(DecisionConfig d) {
            quarantineTtlSeconds = d.quarantineTtlSeconds;
            fallbackLimitRps = d.minLimitRps;
            Arrays.fill(patternLimitRps, d.minLimitRps * d.limitMultiplier);
            return this;
        }

        /** Takes the feedback exemption and the blast-radius guard from the segment controller's configuration. */
        public Builder segmentControl(SegmentControllerConfig s) {
            falsePositiveExemptMillis = s.falsePositiveExemptMillis;
            blastRadiusShare = s.blastRadiusShare;
            blastRadiusMinCount = s.blastRadiusMinCount;
            return this;
        }

        /** What a match of {@code pattern} makes the identity, and for how long after its last interval. */
        public Builder pattern(String pattern, Action action, long holdMillis) {
            int i = checkedIndex(pattern);
            patternAction[i] = action;
            patternHoldMillis[i] = holdMillis;
            return this;
        }

        public Builder patternLimitRps(String pattern, double limitRps) {
            patternLimitRps[checkedIndex(pattern)] = limitRps;
            return this;
        }

        public Builder quarantineTtlSeconds(long v) {
            quarantineTtlSeconds = v;
            return this;
        }

        public Builder fallbackLimitRps(double v) {
            fallbackLimitRps = v;
            return this;
        }

        public Builder falsePositiveExemptMillis(long v) {
            falsePositiveExemptMillis = v;
            return this;
        }

        public Builder blastRadius(double share, int minCount) {
            blastRadiusShare = share;
            blastRadiusMinCount = minCount;
            return this;
        }

        public Builder recheckMillis(long v) {
            recheckMillis = v;
            return this;
        }

        public Builder scoreRateLimitLapseMillis(long v) {
            scoreRateLimitLapseMillis = v;
            return this;
        }

        public ArbiterConfig build() {
            return new ArbiterConfig(this);
        }
    }
}
