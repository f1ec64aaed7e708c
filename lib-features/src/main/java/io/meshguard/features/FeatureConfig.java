package io.meshguard.features;

import java.io.Serializable;

/** Horizons and sketch sizes of the per-identity features. All times are event time. */
public final class FeatureConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Decay horizon of {@code rate_short}. */
    public final long shortHorizonMillis;
    /** Decay horizon of {@code rate_long}. */
    public final long longHorizonMillis;
    /** Decay horizon of the ratios, byte rates, duration, entropy and endpoint-hit rates. */
    public final long mediumHorizonMillis;
    /** Length of each of the two rotating windows behind the distinct-count sketches. */
    public final long distinctWindowMillis;
    /**
     * An identity's first few distinct paths do not count as "new": everybody starts somewhere,
     * and without this grace every fresh identity would look like a scanner.
     */
    public final int newPathGrace;
    /**
     * Rates of a young identity are estimated over at least this much history (or a third of the
     * rate's horizon, if longer), so that the handful of requests of a page load does not read as a
     * burst.
     */
    public final long minRateAgeMillis;

    private FeatureConfig(Builder b) {
        this.shortHorizonMillis = b.shortHorizonMillis;
        this.longHorizonMillis = b.longHorizonMillis;
        this.mediumHorizonMillis = b.mediumHorizonMillis;
        this.distinctWindowMillis = b.distinctWindowMillis;
        this.newPathGrace = b.newPathGrace;
        this.minRateAgeMillis = b.minRateAgeMillis;
        if (shortHorizonMillis <= 0 || longHorizonMillis <= 0 || mediumHorizonMillis <= 0) {
            throw new IllegalArgumentException("feature horizons must be positive");
        }
        if (distinctWindowMillis <= 0 || minRateAgeMillis <= 0 || newPathGrace < 0) {
            throw new IllegalArgumentException("invalid feature configuration");
        }
    }

    public static FeatureConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private long shortHorizonMillis = 10_000;
        private long longHorizonMillis = 300_000;
        private long mediumHorizonMillis = 60_000;
        private long distinctWindowMillis = 60_000;
        private int newPathGrace = 8;
        private long minRateAgeMillis = 5_000;

        public Builder shortHorizonMillis(long v) {
            shortHorizonMillis = v;
            return this;
        }

        public Builder longHorizonMillis(long v) {
            longHorizonMillis = v;
            return this;
        }

        public Builder mediumHorizonMillis(long v) {
            mediumHorizonMillis = v;
            return this;
        }

        public Builder distinctWindowMillis(long v) {
            distinctWindowMillis = v;
            return this;
        }

        public Builder newPathGrace(int v) {
            newPathGrace = v;
            return this;
        }

        public Builder minRateAgeMillis(long v) {
            minRateAgeMillis = v;
            return this;
        }

        public FeatureConfig build() {
            return new FeatureConfig(this);
        }
    }
}
