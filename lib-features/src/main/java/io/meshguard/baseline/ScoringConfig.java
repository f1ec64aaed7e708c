package io.meshguard.baseline;

import io.meshguard.features.Feature;
import java.io.Serializable;
import java.util.Arrays;

/**
 * How deviations from a baseline turn into an anomaly score: per-feature weights, scale floors
 * (so a near-constant baseline does not make tiny changes look huge) and the cold-start prior.
 */
public final class ScoringConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] absoluteFloor;
    private final double[] relativeFloor;
    private final double[] weight;
    private final double[] priorCenter;
    private final double[] priorScale;
    private final boolean[] evidenceWeighted;
    /** Deviations (in scales) below this gate are treated as noise and contribute nothing. */
    public final double noiseGate;
    /** Cap on a single feature's deviation, so one feature cannot dominate without bound. */
    public final double deviationCap;
    /** Requests in the medium horizon needed before ratio features count fully. */
    public final double evidenceRequests;

    private ScoringConfig(Builder b) {
        this.absoluteFloor = b.absoluteFloor.clone();
        this.relativeFloor = b.relativeFloor.clone();
        this.weight = b.weight.clone();
        this.priorCenter = b.priorCenter.clone();
        this.priorScale = b.priorScale.clone();
        this.evidenceWeighted = b.evidenceWeighted.clone();
        this.noiseGate = b.noiseGate;
        this.deviationCap = b.deviationCap;
        this.evidenceRequests = b.evidenceRequests;
        for (int i = 0; i < Feature.COUNT; i++) {
            if (!(absoluteFloor[i] > 0) || !(relativeFloor[i] >= 0) || !(weight[i] >= 0) || !(priorScale[i] > 0)
                    || !Double.isFinite(priorCenter[i])) {
                throw new IllegalArgumentException(
                        "invalid scoring parameters for " + Feature.ofOrdinal(i).wireName());
            }
        }
        if (noiseGate < 0 || !(deviationCap > noiseGate) || !(evidenceRequests > 0)) {
            throw new IllegalArgumentException("invalid scoring gate, cap or evidence");
        }
    }

    public static ScoringConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public double absoluteFloor(int feature) {
        return absoluteFloor[feature];
    }

    public double relativeFloor(int feature) {
        return relativeFloor[feature];
    }

    public double weight(int feature) {
        return weight[feature];
    }

    public boolean evidenceWeighted(int feature) {
        return evidenceWeighted[feature];
    }

    /** The baseline used before any peer or own history exists. */
    public BaselineView prior() {
        return new BaselineView(BaselineKind.PRIOR, priorCenter.clone(), priorScale.clone());
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private final double[] absoluteFloor = new double[Feature.COUNT];
        private final double[] relativeFloor = new double[Feature.COUNT];
        private final double[] weight = new double[Feature.COUNT];
        private final double[] priorCenter = new double[Feature.COUNT];
        private final double[] priorScale = new double[Feature.COUNT];
        private final boolean[] evidenceWeighted = new boolean[Feature.COUNT];
        private double noiseGate = 2.0;
        private double deviationCap = 20.0;
        private double evidenceRequests = 10.0;

        private Builder() {
            // The prior only judges identities before any peer history exists (a cold start), so
            // its scales are wide: it should catch gross abuse, not fine-tune.
            //  feature                     floor   rel   weight prior c  prior s  evidence
            set(Feature.RATE_SHORT,          1.0,   0.5,  1.0,   1.0,     5.0,     false);
            set(Feature.RATE_LONG,           0.5,   0.5,  0.5,   1.0,     5.0,     false);
            set(Feature.RATIO_4XX,           0.1,   0.0,  0.5,   0.05,    0.2,     true);
            set(Feature.RATIO_AUTH_FAIL,     0.1,   0.0,  1.0,   0.02,    0.2,     true);
            set(Feature.RATIO_404,           0.1,   0.0,  1.0,   0.03,    0.2,     true);
            set(Feature.RATIO_5XX,           0.1,   0.0,  0.3,   0.01,    0.2,     true);
            set(Feature.DISTINCT_PATHS,      5.0,   0.5,  1.0,   8.0,     12.0,    false);
            set(Feature.DISTINCT_UPSTREAMS,  2.0,   0.5,  1.0,   2.0,     4.0,     false);
            set(Feature.PATH_ENTROPY,        0.5,   0.0,  0.5,   2.0,     1.0,     true);
            set(Feature.NEW_PATH_RATIO,      0.15,  0.0,  1.0,   0.1,     0.3,     true);
            set(Feature.BYTES_IN_RATE,       20e3,  0.5,  0.3,   5e3,     50e3,    false);
            set(Feature.BYTES_OUT_RATE,      100e3, 0.5,  0.3,   50e3,    250e3,   false);
            set(Feature.MEAN_DURATION,       100,   0.5,  0.3,   100,     300,     true);
            set(Feature.SENSITIVE_RATE,      0.05,  0.0,  1.0,   0.0,     0.15,    false);
            set(Feature.AUTH_RATE,           0.03,  0.0,  1.0,   0.1,     1.0,     false);
            set(Feature.UA_ANOMALY_RATIO,    0.2,   0.0,  1.0,   0.05,    0.4,     true);
        }

        private void set(Feature f, double floor, double rel, double w, double pc, double ps, boolean ev) {
            int i = f.ordinal();
            absoluteFloor[i] = floor;
            relativeFloor[i] = rel;
            weight[i] = w;
            priorCenter[i] = pc;
            priorScale[i] = ps;
            evidenceWeighted[i] = ev;
        }

        public Builder absoluteFloor(Feature f, double v) {
            absoluteFloor[f.ordinal()] = v;
            return this;
        }

        public Builder relativeFloor(Feature f, double v) {
            relativeFloor[f.ordinal()] = v;
            return this;
        }

        public Builder weight(Feature f, double v) {
            weight[f.ordinal()] = v;
            return this;
        }

        public Builder prior(Feature f, double center, double scale) {
            priorCenter[f.ordinal()] = center;
            priorScale[f.ordinal()] = scale;
            return this;
        }

        public Builder noiseGate(double v) {
            noiseGate = v;
            return this;
        }

        public Builder deviationCap(double v) {
            deviationCap = v;
            return this;
        }

        public Builder evidenceRequests(double v) {
            evidenceRequests = v;
            return this;
        }

        public ScoringConfig build() {
            return new ScoringConfig(this);
        }
    }

    @Override
    public String toString() {
        return "ScoringConfig{floors=" + Arrays.toString(absoluteFloor) + ", weights=" + Arrays.toString(weight) + "}";
    }
}
