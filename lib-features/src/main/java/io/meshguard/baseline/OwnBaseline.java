package io.meshguard.baseline;

import io.meshguard.features.Feature;

/**
 * An identity's own decayed history: exponentially weighted mean and variance per feature, with a
 * warm start (the first samples are averaged equally, then the weight settles at alpha). Floats
 * keep it small; a Flink POJO.
 */
public final class OwnBaseline {
    public float[] mean = new float[Feature.COUNT];
    public float[] variance = new float[Feature.COUNT];
    /** {@link #lastSampleMillis} before the first request: event time 0 is a valid time. */
    public static final long NEVER = Long.MIN_VALUE;

    public int samples;
    public long lastSampleMillis = NEVER;

    public OwnBaseline() {}

    /** Folds one feature sample into the history. */
    public void learn(double[] features, double minAlpha) {
        samples = samples == Integer.MAX_VALUE ? samples : samples + 1;
        double alpha = Math.max(1.0 / samples, minAlpha);
        for (int i = 0; i < Feature.COUNT; i++) {
            double delta = features[i] - mean[i];
            mean[i] = (float) (mean[i] + alpha * delta);
            // West's incremental EWMA variance: var' = (1 - a) (var + a delta^2).
            variance[i] = (float) ((1 - alpha) * (variance[i] + alpha * delta * delta));
        }
    }

    public boolean isWarm(int warmupSamples) {
        return samples >= warmupSamples;
    }

    /** Writes centre and spread into the given arrays. */
    public void describe(double[] center, double[] scale) {
        for (int i = 0; i < Feature.COUNT; i++) {
            center[i] = mean[i];
            scale[i] = Math.sqrt(Math.max(0, variance[i]));
        }
    }
}
