package io.meshguard.segment;

import io.meshguard.detect.DecisionConfig;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * The per-identity thresholds of one segment: either the base values (configuration or a policy
 * override) or the values in force after tightening. Immutable.
 */
public final class SegmentThresholds implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Score at or above which an identity is rate-limited. */
    public final double rateLimitScore;
    /** Score at or above which an identity is quarantined. */
    public final double quarantineScore;
    /** Score below which a limited identity may be released. */
    public final double releaseScore;
    /** A rate limit allows this multiple of the identity's typical rate... */
    public final double limitMultiplier;
    /** ...but never less than this many requests per second. */
    public final double minLimitRps;

    public SegmentThresholds(
            double rateLimitScore, double quarantineScore, double releaseScore, double limitMultiplier,
            double minLimitRps) {
        if (!(releaseScore >= 0 && releaseScore < rateLimitScore && rateLimitScore < quarantineScore)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "need 0 <= release score < rate-limit score < quarantine score, got %s, %s, %s",
                    releaseScore, rateLimitScore, quarantineScore));
        }
        if (!(limitMultiplier > 0) || !(minLimitRps > 0) || Double.isInfinite(quarantineScore)
                || Double.isInfinite(limitMultiplier) || Double.isInfinite(minLimitRps)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "limit multiplier and minimum limit must be positive and finite, got %s and %s",
                    limitMultiplier, minLimitRps));
        }
        this.rateLimitScore = rateLimitScore;
        this.quarantineScore = quarantineScore;
        this.releaseScore = releaseScore;
        this.limitMultiplier = limitMultiplier;
        this.minLimitRps = minLimitRps;
    }

    /** The cut-offs the per-identity detector is configured with: 4, 10, 2, ×2, 1 req/s by default. */
    public static SegmentThresholds of(DecisionConfig decisions) {
        return new SegmentThresholds(
                decisions.rateLimitScore, decisions.quarantineScore, decisions.releaseScore,
                decisions.limitMultiplier, decisions.minLimitRps);
    }

    public static SegmentThresholds defaults() {
        return of(DecisionConfig.defaults());
    }

    /**
     * A copy with the given values replaced; {@code NaN} keeps a value. The release score keeps its
     * proportion to the rate-limit score.
     */
    public SegmentThresholds with(double newRateLimitScore, double newQuarantineScore, double newLimitMultiplier,
            double newMinLimitRps) {
        double r = Double.isNaN(newRateLimitScore) ? rateLimitScore : newRateLimitScore;
        return new SegmentThresholds(
                r,
                Double.isNaN(newQuarantineScore) ? quarantineScore : newQuarantineScore,
                r * (releaseScore / rateLimitScore),
                Double.isNaN(newLimitMultiplier) ? limitMultiplier : newLimitMultiplier,
                Double.isNaN(newMinLimitRps) ? minLimitRps : newMinLimitRps);
    }

    /**
     * These thresholds multiplied by a tightening factor and clipped into the bounds. The release
     * score scales with the rate-limit score (release &lt; rate-limit must keep holding), and when
     * the bounds push quarantine down onto rate-limit, quarantine is lifted back to its base
     * proportion above rate-limit (within its ceiling, which bounds keep above the rate-limit one).
     */
    public SegmentThresholds scaled(double factor, ThresholdBounds bounds) {
        double r = bounds.clamp(Threshold.RATE_LIMIT_SCORE, rateLimitScore * factor);
        double q = bounds.clamp(Threshold.QUARANTINE_SCORE, quarantineScore * factor);
        if (q <= r) {
            q = Math.min(bounds.max(Threshold.QUARANTINE_SCORE), r * (quarantineScore / rateLimitScore));
        }
        return new SegmentThresholds(
                r,
                q,
                r * (releaseScore / rateLimitScore),
                bounds.clamp(Threshold.LIMIT_MULTIPLIER, limitMultiplier * factor),
                bounds.clamp(Threshold.MIN_LIMIT_RPS, minLimitRps * factor));
    }

    /** The requests-per-second limit for an identity whose typical rate is {@code typicalRps}. */
    public double limitRps(double typicalRps) {
        return Math.max(minLimitRps, limitMultiplier * Math.max(0, typicalRps));
    }

    /** Value of one threshold; the tightening factor is not a property of thresholds and is rejected. */
    public double get(Threshold t) {
        switch (t) {
            case RATE_LIMIT_SCORE:
                return rateLimitScore;
            case QUARANTINE_SCORE:
                return quarantineScore;
            case LIMIT_MULTIPLIER:
                return limitMultiplier;
            case MIN_LIMIT_RPS:
                return minLimitRps;
            default:
                throw new IllegalArgumentException(t.wireName() + " is not a per-identity threshold");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentThresholds t
                && t.rateLimitScore == rateLimitScore
                && t.quarantineScore == quarantineScore
                && t.releaseScore == releaseScore
                && t.limitMultiplier == limitMultiplier
                && t.minLimitRps == minLimitRps;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rateLimitScore, quarantineScore, releaseScore, limitMultiplier, minLimitRps);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "SegmentThresholds{rate-limit %.3f, quarantine %.3f, release %.3f, limit ×%.3f, min %.3f req/s}",
                rateLimitScore, quarantineScore, releaseScore, limitMultiplier, minLimitRps);
    }
}
