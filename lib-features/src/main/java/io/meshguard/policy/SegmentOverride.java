package io.meshguard.policy;

import io.meshguard.segment.SegmentThresholds;
import java.io.Serializable;

/**
 * A policy's base thresholds for one segment, replacing the configured ones; {@code NaN} leaves a
 * threshold at its configured value. The segment still tightens from these under pressure.
 * Immutable.
 */
public final class SegmentOverride implements Serializable {
    private static final long serialVersionUID = 1L;

    public final double rateLimitScore;
    public final double quarantineScore;
    public final double limitMultiplier;
    public final double minLimitRps;
    /** Shadow mode for the segment: decide and report, do not enforce. Null when not set here. */
    public final Boolean shadow;

    public SegmentOverride(
            double rateLimitScore, double quarantineScore, double limitMultiplier, double minLimitRps, Boolean shadow) {
        this.rateLimitScore = rateLimitScore;
        this.quarantineScore = quarantineScore;
        this.limitMultiplier = limitMultiplier;
        this.minLimitRps = minLimitRps;
        this.shadow = shadow;
    }

    /** The configured base thresholds with this override's values in their place. */
    public SegmentThresholds applyTo(SegmentThresholds base) {
        return base.with(rateLimitScore, quarantineScore, limitMultiplier, minLimitRps);
    }

    @Override
    public String toString() {
        return "SegmentOverride{rate_limit_score=" + rateLimitScore + ", quarantine_score=" + quarantineScore
                + ", limit_multiplier=" + limitMultiplier + ", min_limit_rps=" + minLimitRps + ", shadow=" + shadow + "}";
    }
}
