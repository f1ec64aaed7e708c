package io.meshguard.baseline;

import io.meshguard.features.Feature;

/**
 * An identity's own decayed history: exponentially weighted mean and variance per feature, with a
 * warm start (the first samples are averaged equally, then the weight settles at alpha). Floats
 * keep it small; a Flink POJO.
 */
public final class OwnBaseline {
    /** Offset of the means in {@link #stats}. */
    public static final int MEAN = 0;
    /** Offset of the variances in {@link #stats}. */
    public static final int VARIANCE = Feature.COUNT;

    /**
     * Mean and variance per feature in one array (one object fewer per identity): the mean of
     * feature {@code i} is at {@code MEAN + i}, its variance at {@code VARIANCE + i}.
     */
    public float[] stats = new float[2 * Feature.COUNT];
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
            double delta = features[i] - stats[MEAN + i];
            stats[MEAN + i] = (float) (stats[MEAN + i] + alpha * delta);
            // West's incremental EWMA variance: var' = (1 - a) (var + a delta^2).
            stats[VARIANCE + i] = (float) ((1 - alpha) * (stats[VARIANCE + i] + alpha * delta * delta));
        }
    }

    public boolean isWarm(int warmupSamples) {
        return samples >= warmupSamples;
    }

    /** Writes centre and spread into the given arrays. */
    public void describe(double[] center, double[] scale) {
        for (int i = 0; i < Feature.COUNT; i++) {
            center[i] = stats[MEAN + i];
            scale[i] = Math.sqrt(Math.max(0, stats[VARIANCE + i]));
        }
    }
}
