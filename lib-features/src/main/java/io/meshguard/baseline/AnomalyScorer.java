package io.meshguard.baseline;

import io.meshguard.features.Feature;

/**
 * Scores a feature vector against a baseline. Each feature's deviation is (value - centre) /
 * scale, where the scale is never below the feature's absolute floor nor a fraction of the centre;
 * ratio features are discounted until enough requests back them. Deviations up to the noise gate
 * count for nothing; the score is the Euclidean norm of the weighted excess, so one strong
 * signal or several moderate ones both raise it, and every part of it can be named.
 */
public final class AnomalyScorer {
    private final ScoringConfig config;

    public AnomalyScorer(ScoringConfig config) {
        this.config = config;
    }

    /**
     * @param features feature values, by ordinal
     * @param baseline what is typical
     * @param recentRequests requests behind the ratio features
     * @param effectiveScale out: the scale actually used per feature
     * @param deviations out: deviation per feature (after evidence discount and cap)
     * @return the anomaly score, 0 when nothing exceeds the noise gate
     */
    public double score(
            double[] features,
            BaselineView baseline,
            double recentRequests,
            double[] effectiveScale,
            double[] deviations) {
        double evidence = Math.min(1.0, recentRequests / config.evidenceRequests);
        double sumOfSquares = 0;
        for (int i = 0; i < Feature.COUNT; i++) {
            double center = baseline.center[i];
            double scale = Math.max(
                    baseline.scale[i],
                    Math.max(config.absoluteFloor(i), config.relativeFloor(i) * Math.abs(center)));
            effectiveScale[i] = scale;
            double deviation = (features[i] - center) / scale;
            if (config.evidenceWeighted(i)) {
                deviation *= evidence;
            }
            deviation = Math.max(-config.deviationCap, Math.min(config.deviationCap, deviation));
            deviations[i] = deviation;
            double excess = contribution(i, deviation);
            sumOfSquares += excess * excess;
        }
        return Math.sqrt(sumOfSquares);
    }

    /** The part of the score a feature's deviation contributes (before squaring). */
    public double contribution(int feature, double deviation) {
        return config.weight(feature) * Math.max(0, deviation - config.noiseGate);
    }
}
