package io.meshguard.detect;

import java.io.Serializable;

/** Score cut-offs and enforcement parameters of per-identity decisions. */
public final class DecisionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Score at or above which an identity is rate-limited. */
    public final double rateLimitScore;
    /** Score at or above which an identity is quarantined. */
    public final double quarantineScore;
    /** Score below which a limited identity may be released (hysteresis: below rateLimitScore). */
    public final double releaseScore;
    /** How long the score must stay below the rate-limit cut-off before a release. */
    public final long releaseHoldMillis;
    /** Lifetime of a quarantine; enforcement stores expire it on their own. */
    public final long quarantineTtlSeconds;
    /** Lowest requests-per-second limit ever imposed. */
    public final double minLimitRps;
    /** A rate limit allows this multiple of the baseline's typical rate. */
    public final double limitMultiplier;
    /** Reasons listed per decision, strongest first. */
    public final int maxReasons;

    private DecisionConfig(Builder b) {
        this.rateLimitScore = b.rateLimitScore;
        this.quarantineScore = b.quarantineScore;
        this.releaseScore = b.releaseScore;
        this.releaseHoldMillis = b.releaseHoldMillis;
        this.quarantineTtlSeconds = b.quarantineTtlSeconds;
        this.minLimitRps = b.minLimitRps;
        this.limitMultiplier = b.limitMultiplier;
        this.maxReasons = b.maxReasons;
        if (!(releaseScore < rateLimitScore && rateLimitScore < quarantineScore) || releaseScore < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= release score < rate-limit score < quarantine score, got "
                            + releaseScore + ", " + rateLimitScore + ", " + quarantineScore);
        }
        if (releaseHoldMillis < 0 || quarantineTtlSeconds <= 0 || !(minLimitRps > 0)
                || !(limitMultiplier > 0) || maxReasons < 1) {
            throw new IllegalArgumentException("invalid decision configuration");
        }
    }

    public static DecisionConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private double rateLimitScore = 4.0;
        private double quarantineScore = 10.0;
        private double releaseScore = 2.0;
        private long releaseHoldMillis = 30_000;
        private long quarantineTtlSeconds = 600;
        private double minLimitRps = 1.0;
        private double limitMultiplier = 2.0;
        private int maxReasons = 4;

        public Builder rateLimitScore(double v) {
            rateLimitScore = v;
            return this;
        }

        public Builder quarantineScore(double v) {
            quarantineScore = v;
            return this;
        }

        public Builder releaseScore(double v) {
            releaseScore = v;
            return this;
        }

        public Builder releaseHoldMillis(long v) {
            releaseHoldMillis = v;
            return this;
        }

        public Builder quarantineTtlSeconds(long v) {
            quarantineTtlSeconds = v;
            return this;
        }

        public Builder minLimitRps(double v) {
            minLimitRps = v;
            return this;
        }

        public Builder limitMultiplier(double v) {
            limitMultiplier = v;
            return this;
        }

        public Builder maxReasons(int v) {
            maxReasons = v;
            return this;
        }

        public DecisionConfig build() {
            return new DecisionConfig(this);
        }
    }
}
