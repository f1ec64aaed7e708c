package io.meshguard.baseline;

import java.io.Serializable;

/** How identity and peer baselines learn. All times are event time. */
public final class BaselineConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** An identity's features are sampled into its baseline at most this often. */
    public final long sampleIntervalMillis;
    /** Samples an identity needs before it is judged against its own history. */
    public final int warmupSamples;
    /** Smallest EWMA weight of a new sample (the first samples are averaged equally). */
    public final double ewmaAlpha;
    /** Peer samples a segment needs before its distribution is used. */
    public final int minPeerSamples;
    /** A peer distribution generation is replaced after this long, so peers track drift. */
    public final long peerGenerationMillis;
    /** Peer samples accepted per segment and second (per parallel instance), to bound cost. */
    public final double peerSamplesPerSecond;
    /** Segments with their own peer distribution (per parallel instance); others use global peers. */
    public final int maxPeerSegments;

    private BaselineConfig(Builder b) {
        this.sampleIntervalMillis = b.sampleIntervalMillis;
        this.warmupSamples = b.warmupSamples;
        this.ewmaAlpha = b.ewmaAlpha;
        this.minPeerSamples = b.minPeerSamples;
        this.peerGenerationMillis = b.peerGenerationMillis;
        this.peerSamplesPerSecond = b.peerSamplesPerSecond;
        this.maxPeerSegments = b.maxPeerSegments;
        if (sampleIntervalMillis <= 0 || warmupSamples < 1 || !(ewmaAlpha > 0 && ewmaAlpha <= 1)) {
            throw new IllegalArgumentException("invalid identity baseline configuration");
        }
        if (minPeerSamples < 1 || peerGenerationMillis <= 0 || !(peerSamplesPerSecond > 0) || maxPeerSegments < 1) {
            throw new IllegalArgumentException("invalid peer baseline configuration");
        }
    }

    public static BaselineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private long sampleIntervalMillis = 5_000;
        private int warmupSamples = 4;
        private double ewmaAlpha = 0.02;
        private int minPeerSamples = 50;
        private long peerGenerationMillis = 600_000;
        private double peerSamplesPerSecond = 50;
        private int maxPeerSegments = 512;

        public Builder sampleIntervalMillis(long v) {
            sampleIntervalMillis = v;
            return this;
        }

        public Builder warmupSamples(int v) {
            warmupSamples = v;
            return this;
        }

        public Builder ewmaAlpha(double v) {
            ewmaAlpha = v;
            return this;
        }

        public Builder minPeerSamples(int v) {
            minPeerSamples = v;
            return this;
        }

        public Builder peerGenerationMillis(long v) {
            peerGenerationMillis = v;
            return this;
        }

        public Builder peerSamplesPerSecond(double v) {
            peerSamplesPerSecond = v;
            return this;
        }

        public Builder maxPeerSegments(int v) {
            maxPeerSegments = v;
            return this;
        }

        public BaselineConfig build() {
            return new BaselineConfig(this);
        }
    }
}
