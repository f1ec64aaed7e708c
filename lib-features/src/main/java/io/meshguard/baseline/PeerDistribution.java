package io.meshguard.baseline;

import io.meshguard.features.Feature;
import java.io.Serializable;
import org.apache.commons.math3.stat.descriptive.rank.PSquarePercentile;

/**
 * Streaming robust distribution of peers' features: P-square estimates of the median and the
 * 90th percentile per feature, in constant memory. The spread is (p90 - p50) / 1.2816, which
 * equals the standard deviation for normal data but is not dragged by a heavy tail.
 */
final class PeerDistribution implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double P90_Z = 1.2816;

    private final PSquarePercentile[] median = new PSquarePercentile[Feature.COUNT];
    private final PSquarePercentile[] p90 = new PSquarePercentile[Feature.COUNT];
    final long startedMillis;
    private long samples;

    private final double[] cachedCenter = new double[Feature.COUNT];
    private final double[] cachedScale = new double[Feature.COUNT];
    private long samplesAtCache = -1;

    PeerDistribution(long startedMillis) {
        this.startedMillis = startedMillis;
        for (int i = 0; i < Feature.COUNT; i++) {
            median[i] = new PSquarePercentile(50);
            p90[i] = new PSquarePercentile(90);
        }
    }

    void add(double[] features) {
        for (int i = 0; i < Feature.COUNT; i++) {
            median[i].increment(features[i]);
            p90[i].increment(features[i]);
        }
        samples++;
    }

    long samples() {
        return samples;
    }

    /** Centre and spread per feature; recomputed only after ~5% more samples arrived. */
    BaselineView view(BaselineKind kind) {
        if (samplesAtCache < 0 || samples - samplesAtCache >= Math.max(1, samplesAtCache / 20)) {
            for (int i = 0; i < Feature.COUNT; i++) {
                double m = median[i].getResult();
                double high = p90[i].getResult();
                cachedCenter[i] = Double.isNaN(m) ? 0 : m;
                cachedScale[i] = Double.isNaN(high) ? 0 : Math.max(0, (high - cachedCenter[i]) / P90_Z);
            }
            samplesAtCache = samples;
        }
        return new BaselineView(kind, cachedCenter, cachedScale);
    }
}
