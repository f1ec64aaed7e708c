package io.meshguard.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.features.Feature;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Warm-started EWMA mean and variance of {@link OwnBaseline}. */
class OwnBaselineTest {

    private static final int RATE = Feature.RATE_SHORT.ordinal();
    private static final int BYTES = Feature.BYTES_OUT_RATE.ordinal();

    /** A sample whose rate_short is {@code rate}, bytes_out_rate 1000 × rate, all else 0. */
    private static double[] sample(double rate) {
        double[] features = new double[Feature.COUNT];
        features[RATE] = rate;
        features[BYTES] = 1000 * rate;
        return features;
    }

    @Test
    void firstThreeSamplesGiveThePlainMeanAndPopulationVariance() {
        OwnBaseline baseline = new OwnBaseline();
        for (double x : new double[] {1, 2, 6}) {
            baseline.learn(sample(x), 0.02);
        }
        // mean (1 + 2 + 6) / 3 = 3; variance ((1-3)^2 + (2-3)^2 + (6-3)^2) / 3 = 14/3
        assertThat(baseline.samples).isEqualTo(3);
        assertThat(baseline.stats[OwnBaseline.MEAN + RATE]).isCloseTo(3f, within(1e-6f));
        assertThat(baseline.stats[OwnBaseline.VARIANCE + RATE]).isCloseTo(14f / 3, within(1e-5f));
        // every feature learns on its own: bytes are 1000 times the rate
        assertThat(baseline.stats[OwnBaseline.MEAN + BYTES]).isCloseTo(3000f, within(1e-3f));
        assertThat(baseline.stats[OwnBaseline.VARIANCE + BYTES]).isCloseTo(14e6f / 3, within(10f));
        assertThat(baseline.stats[OwnBaseline.MEAN + Feature.RATIO_404.ordinal()]).isZero();
        assertThat(baseline.stats[OwnBaseline.VARIANCE + Feature.RATIO_404.ordinal()]).isZero();
    }

    @Test
    void weightSettlesAtAlphaOnceOneOverNIsSmaller() {
        OwnBaseline baseline = new OwnBaseline();
        for (double x : new double[] {1, 2, 6, 3}) {
            baseline.learn(sample(x), 0.25);
        }
        // samples 1..4 have weight 1/n >= 0.25: plain mean 3, variance (4 + 1 + 9 + 0) / 4 = 3.5
        assertThat(baseline.stats[OwnBaseline.MEAN + RATE]).isCloseTo(3f, within(1e-6f));
        assertThat(baseline.stats[OwnBaseline.VARIANCE + RATE]).isCloseTo(3.5f, within(1e-6f));

        baseline.learn(sample(7), 0.25);
        // fifth sample weighs max(1/5, 0.25) = 0.25: delta 4, mean 3 + 0.25 * 4 = 4,
        // variance (1 - 0.25) (3.5 + 0.25 * 16) = 0.75 * 7.5 = 5.625
        assertThat(baseline.stats[OwnBaseline.MEAN + RATE]).isCloseTo(4f, within(1e-6f));
        assertThat(baseline.stats[OwnBaseline.VARIANCE + RATE]).isCloseTo(5.625f, within(1e-6f));
    }

    @Test
    void settledMeanMovesOnlyByAlphaForAnOutlier() {
        OwnBaseline baseline = new OwnBaseline();
        for (int i = 0; i < 100; i++) {
            baseline.learn(sample(10), 0.02);
        }
        assertThat(baseline.stats[OwnBaseline.MEAN + RATE]).isEqualTo(10f);
        assertThat(baseline.stats[OwnBaseline.VARIANCE + RATE]).isZero();

        baseline.learn(sample(110), 0.02);
        // weight max(1/101, 0.02) = 0.02: mean 10 + 0.02 * 100 = 12; variance 0.98 (0 + 0.02 * 100^2) = 196
        assertThat(baseline.stats[OwnBaseline.MEAN + RATE]).isCloseTo(12f, within(1e-5f));
        assertThat(baseline.stats[OwnBaseline.VARIANCE + RATE]).isCloseTo(196f, within(1e-3f));
    }

    @Test
    void describeGivesMeanAndStandardDeviation() {
        OwnBaseline baseline = new OwnBaseline();
        baseline.learn(sample(1), 0.02);
        baseline.learn(sample(5), 0.02);
        double[] center = new double[Feature.COUNT];
        double[] scale = new double[Feature.COUNT];
        baseline.describe(center, scale);
        // mean 3, population variance ((1-3)^2 + (5-3)^2) / 2 = 4, sd 2
        assertThat(center[RATE]).isCloseTo(3, within(1e-6));
        assertThat(scale[RATE]).isCloseTo(2, within(1e-6));
        assertThat(center[BYTES]).isCloseTo(3000, within(1e-3));
        assertThat(scale[BYTES]).isCloseTo(2000, within(1e-3));
    }

    @Test
    void firstSampleHasZeroVariance() {
        OwnBaseline baseline = new OwnBaseline();
        baseline.learn(sample(42), 0.02);
        // weight 1: mean 42, variance (1 - 1) (...) = 0
        assertThat(baseline.stats[OwnBaseline.MEAN + RATE]).isEqualTo(42f);
        assertThat(baseline.stats[OwnBaseline.VARIANCE + RATE]).isZero();
    }

    @Test
    void isWarmOnceItHasTheWarmupSamples() {
        OwnBaseline baseline = new OwnBaseline();
        double[] zeros = new double[Feature.COUNT];
        for (int i = 0; i < 3; i++) {
            assertThat(baseline.isWarm(3)).isFalse();
            baseline.learn(zeros, 0.02);
        }
        assertThat(baseline.isWarm(3)).isTrue();
        assertThat(baseline.isWarm(4)).isFalse();
    }

    @Test
    void sampleCountSaturatesInsteadOfOverflowing() {
        OwnBaseline baseline = new OwnBaseline();
        baseline.samples = Integer.MAX_VALUE;
        Arrays.fill(baseline.stats, OwnBaseline.MEAN, OwnBaseline.MEAN + Feature.COUNT, 1f);
        baseline.learn(sample(3), 0.5);
        assertThat(baseline.samples).isEqualTo(Integer.MAX_VALUE);
        // weight max(1 / MAX_VALUE, 0.5) = 0.5: 1 + 0.5 * (3 - 1) = 2
        assertThat(baseline.stats[OwnBaseline.MEAN + RATE]).isCloseTo(2f, within(1e-6f));
    }
}
