package io.meshguard.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.features.Feature;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Scale floors, evidence discount, cap, noise gate and the L2 score of {@link AnomalyScorer}. */
class AnomalyScorerTest {

    private static final double EPS = 1e-12;

    /**
     * Noise gate 2, cap 20, full evidence at 10 requests, and the floors and weights of the
     * features used here stated explicitly, so the arithmetic below does not hang on the defaults.
     */
    private static ScoringConfig.Builder known() {
        return ScoringConfig.builder()
                .noiseGate(2)
                .deviationCap(20)
                .evidenceRequests(10)
                .absoluteFloor(Feature.RATE_SHORT, 1).relativeFloor(Feature.RATE_SHORT, 0.5).weight(Feature.RATE_SHORT, 1)
                .absoluteFloor(Feature.RATE_LONG, 0.5).relativeFloor(Feature.RATE_LONG, 0.5).weight(Feature.RATE_LONG, 0.5)
                .absoluteFloor(Feature.RATIO_404, 0.1).relativeFloor(Feature.RATIO_404, 0).weight(Feature.RATIO_404, 1)
                .absoluteFloor(Feature.RATIO_AUTH_FAIL, 0.1).relativeFloor(Feature.RATIO_AUTH_FAIL, 0)
                .absoluteFloor(Feature.RATIO_5XX, 0.1).relativeFloor(Feature.RATIO_5XX, 0)
                .absoluteFloor(Feature.DISTINCT_PATHS, 5).relativeFloor(Feature.DISTINCT_PATHS, 0.5).weight(Feature.DISTINCT_PATHS, 1)
                .absoluteFloor(Feature.DISTINCT_UPSTREAMS, 2).relativeFloor(Feature.DISTINCT_UPSTREAMS, 0.5)
                .absoluteFloor(Feature.BYTES_OUT_RATE, 100e3).relativeFloor(Feature.BYTES_OUT_RATE, 0.5).weight(Feature.BYTES_OUT_RATE, 0.3)
                .absoluteFloor(Feature.SENSITIVE_RATE, 0.05).relativeFloor(Feature.SENSITIVE_RATE, 0)
                .absoluteFloor(Feature.AUTH_RATE, 0.1).relativeFloor(Feature.AUTH_RATE, 0).weight(Feature.AUTH_RATE, 1);
    }

    private static final ScoringConfig KNOWN = known().build();

    /** Ratio-like features, discounted until enough requests back them. */
    private static final Set<Feature> EVIDENCE_WEIGHTED = EnumSet.of(
            Feature.RATIO_4XX, Feature.RATIO_AUTH_FAIL, Feature.RATIO_404, Feature.RATIO_5XX,
            Feature.PATH_ENTROPY, Feature.NEW_PATH_RATIO, Feature.MEAN_DURATION, Feature.UA_ANOMALY_RATIO);

    private final double[] features = new double[Feature.COUNT];
    private final double[] center = new double[Feature.COUNT];
    private final double[] scale = new double[Feature.COUNT];
    private final double[] effectiveScale = new double[Feature.COUNT];
    private final double[] deviations = new double[Feature.COUNT];

    private double score(ScoringConfig config, double recentRequests) {
        return new AnomalyScorer(config)
                .score(features, new BaselineView(BaselineKind.OWN, center, scale), recentRequests, effectiveScale, deviations);
    }

    private void set(Feature f, double value, double c, double s) {
        features[f.ordinal()] = value;
        center[f.ordinal()] = c;
        scale[f.ordinal()] = s;
    }

    private double deviation(Feature f) {
        return deviations[f.ordinal()];
    }

    @Test
    void handMadeVectorScoresTheNormOfWeightedExcess() {
        // rate_short: scale max(0.5, 1, 0.5 * 2) = 1; (7 - 2) / 1 = 5; excess 5 - 2 = 3, weight 1
        set(Feature.RATE_SHORT, 7, 2, 0.5);
        // ratio_404: scale max(0.01, 0.1) = 0.1; (0.62 - 0.02) / 0.1 = 6, halved by 5 of 10 requests
        // = 3; excess 1, weight 1
        set(Feature.RATIO_404, 0.62, 0.02, 0.01);
        // bytes_out_rate: scale 300e3 beats floors 100e3 and 5e3; 1.2e6 / 300e3 = 4; excess 2 × weight 0.3 = 0.6
        set(Feature.BYTES_OUT_RATE, 1.21e6, 10e3, 300e3);
        // rate_long: scale max(1, 0.5, 0.5 * 50) = 25; (0 - 50) / 25 = -2: below the centre, nothing
        set(Feature.RATE_LONG, 0, 50, 1);
        // distinct_paths: scale max(2, 5, 0.5 * 10) = 5; (19 - 10) / 5 = 1.8: under the gate, nothing
        set(Feature.DISTINCT_PATHS, 19, 10, 2);

        double score = score(KNOWN, 5);

        // sqrt(3^2 + 1^2 + 0.6^2) = sqrt(10.36) = 3.21870
        assertThat(score).isCloseTo(Math.sqrt(10.36), within(1e-9));
        assertThat(deviation(Feature.RATE_SHORT)).isCloseTo(5, within(EPS));
        assertThat(deviation(Feature.RATIO_404)).isCloseTo(3, within(1e-9));
        assertThat(deviation(Feature.BYTES_OUT_RATE)).isCloseTo(4, within(EPS));
        assertThat(deviation(Feature.RATE_LONG)).isCloseTo(-2, within(EPS));
        assertThat(deviation(Feature.DISTINCT_PATHS)).isCloseTo(1.8, within(EPS));
        assertThat(effectiveScale[Feature.RATE_SHORT.ordinal()]).isEqualTo(1);
        assertThat(effectiveScale[Feature.RATIO_404.ordinal()]).isEqualTo(0.1);
        assertThat(effectiveScale[Feature.BYTES_OUT_RATE.ordinal()]).isEqualTo(300e3);
        assertThat(effectiveScale[Feature.RATE_LONG.ordinal()]).isEqualTo(25);
        assertThat(effectiveScale[Feature.DISTINCT_PATHS.ordinal()]).isEqualTo(5);
    }

    @Test
    void typicalVectorScoresZero() {
        for (int i = 0; i < Feature.COUNT; i++) {
            center[i] = features[i] = i * 1.5;
            scale[i] = 0.1;
        }
        assertThat(score(KNOWN, 100)).isZero();
        assertThat(deviations).containsOnly(0.0);
    }

    @Test
    void severalModerateSignalsAddUpLikeOneStrong() {
        // two deviations of 5 and 6: excess 3 and 4 → sqrt(9 + 16) = 5
        set(Feature.RATE_SHORT, 5, 0, 0); // floor 1
        set(Feature.AUTH_RATE, 0.6, 0, 0); // floor 0.1
        assertThat(score(KNOWN, 100)).isCloseTo(5, within(1e-9));
    }

    @Nested
    class ScaleFloors {
        @ParameterizedTest(name = "rate_short centre {0}, spread {1} is scaled by {2}")
        @CsvSource({
            "0,    0,   1",   // absolute floor 1
            "0,    0.5, 1",   // spread below the absolute floor
            "4,    0.1, 2",   // relative floor 0.5 × 4
            "100,  1,   50",  // relative floor 0.5 × 100
            "-10,  0,   5",   // relative floor uses |centre|
            "4,    3,   3"    // spread above both floors
        })
        void scaleIsTheLargestOfSpreadAndFloors(double c, double s, double expected) {
            set(Feature.RATE_SHORT, c, c, s);
            score(KNOWN, 100);
            assertThat(effectiveScale[Feature.RATE_SHORT.ordinal()]).isEqualTo(expected);
        }

        @Test
        void flatBaselineDoesNotMakeTinyChangesHuge() {
            // spread 0.001 of a rarely-hit sensitive path; floor 0.05: 0.02 / 0.05 = 0.4, not 20
            set(Feature.SENSITIVE_RATE, 0.02, 0, 0.001);
            assertThat(score(KNOWN, 100)).isZero();
            assertThat(deviation(Feature.SENSITIVE_RATE)).isCloseTo(0.4, within(EPS));
        }

        @Test
        void floorsAreConfigurable() {
            ScoringConfig config = known()
                    .absoluteFloor(Feature.RATE_SHORT, 4)
                    .relativeFloor(Feature.RATE_LONG, 2)
                    .build();
            set(Feature.RATE_SHORT, 12, 0, 0);
            set(Feature.RATE_LONG, 30, 10, 0);
            score(config, 100);
            // 12 / 4 = 3; (30 - 10) / (2 × 10) = 1
            assertThat(deviation(Feature.RATE_SHORT)).isCloseTo(3, within(EPS));
            assertThat(deviation(Feature.RATE_LONG)).isCloseTo(1, within(EPS));
        }
    }

    @Nested
    class Evidence {
        @ParameterizedTest(name = "{0}")
        @EnumSource(Feature.class)
        void onlyRatioLikeFeaturesAreDiscountedForFewRequests(Feature feature) {
            // ten floors above a zero centre: deviation 10 before discount
            set(feature, 10 * KNOWN.absoluteFloor(feature.ordinal()), 0, 0);
            score(KNOWN, 2);
            // 2 of 10 requests: 10 × 0.2 = 2 for ratio-like features, 10 for the others
            double expected = EVIDENCE_WEIGHTED.contains(feature) ? 2 : 10;
            assertThat(deviation(feature)).isCloseTo(expected, within(1e-9));
        }

        @ParameterizedTest(name = "{0} requests give deviation {1}")
        @CsvSource({"0, 0", "1, 0.6", "5, 3", "10, 6", "1000, 6"})
        void discountGrowsLinearlyToFullEvidence(double requests, double expected) {
            // 0.6 / 0.1 = 6 times min(1, requests / 10)
            set(Feature.RATIO_AUTH_FAIL, 0.6, 0, 0);
            score(KNOWN, requests);
            assertThat(deviation(Feature.RATIO_AUTH_FAIL)).isCloseTo(expected, within(1e-9));
        }

        @Test
        void evidenceRequestsAreConfigurable() {
            set(Feature.RATIO_5XX, 1.0, 0, 0); // 1 / 0.1 = 10
            score(known().evidenceRequests(40).build(), 10);
            // 10 × 10/40 = 2.5
            assertThat(deviation(Feature.RATIO_5XX)).isCloseTo(2.5, within(1e-9));
        }
    }

    @Nested
    class CapAndGate {
        @Test
        void deviationIsCappedBothWays() {
            set(Feature.RATE_SHORT, 1000, 0, 0); // 1000 / 1
            set(Feature.AUTH_RATE, -100, 0, 0); // -100 / 0.1 = -1000
            double score = score(KNOWN, 100);
            assertThat(deviation(Feature.RATE_SHORT)).isEqualTo(20);
            assertThat(deviation(Feature.AUTH_RATE)).isEqualTo(-20);
            // capped excess 20 - 2 = 18; negative deviations add nothing
            assertThat(score).isCloseTo(18, within(EPS));
        }

        @Test
        void capAppliesAfterTheEvidenceDiscount() {
            set(Feature.RATIO_404, 3.0, 0, 0); // 3 / 0.1 = 30 raw
            score(KNOWN, 5);
            // 30 × 0.5 = 15, under the cap; capping first would give 20 × 0.5 = 10
            assertThat(deviation(Feature.RATIO_404)).isCloseTo(15, within(1e-9));
            set(Feature.RATIO_404, 10.0, 0, 0); // 100 raw × 0.5 = 50, capped
            score(KNOWN, 5);
            assertThat(deviation(Feature.RATIO_404)).isEqualTo(20);
        }

        @ParameterizedTest(name = "deviation {0} contributes {1}")
        @CsvSource({"-5, 0", "0, 0", "1.99, 0", "2, 0", "2.5, 0.5", "3, 1", "12, 10"})
        void deviationsUpToTheNoiseGateContributeNothing(double d, double expected) {
            set(Feature.RATE_SHORT, d, 0, 0); // scale 1
            assertThat(score(KNOWN, 100)).isCloseTo(expected, within(1e-9));
            assertThat(new AnomalyScorer(KNOWN).contribution(Feature.RATE_SHORT.ordinal(), d))
                    .isCloseTo(expected, within(1e-9));
        }

        @Test
        void customGateAndCapAndWeight() {
            ScoringConfig config = known()
                    .noiseGate(1)
                    .deviationCap(5)
                    .weight(Feature.DISTINCT_UPSTREAMS, 3)
                    .build();
            set(Feature.DISTINCT_UPSTREAMS, 16, 0, 0); // 16 / 2 = 8, capped at 5
            // 3 × (5 - 1) = 12
            assertThat(score(config, 100)).isCloseTo(12, within(1e-9));
        }

        @Test
        void zeroWeightSilencesAFeature() {
            set(Feature.RATE_SHORT, 15, 0, 0);
            assertThat(score(known().weight(Feature.RATE_SHORT, 0).build(), 100)).isZero();
            // the deviation is still reported for the explanation
            assertThat(deviation(Feature.RATE_SHORT)).isEqualTo(15);
        }
    }

    @Nested
    class Configuration {
        static Stream<Arguments> invalid() {
            return Stream.of(
                    Arguments.of("zero absolute floor", (UnaryOperator<ScoringConfig.Builder>) b -> b.absoluteFloor(Feature.RATE_SHORT, 0)),
                    Arguments.of("negative relative floor", (UnaryOperator<ScoringConfig.Builder>) b -> b.relativeFloor(Feature.RATE_LONG, -0.1)),
                    Arguments.of("negative weight", (UnaryOperator<ScoringConfig.Builder>) b -> b.weight(Feature.RATIO_404, -1)),
                    Arguments.of("zero prior scale", (UnaryOperator<ScoringConfig.Builder>) b -> b.prior(Feature.AUTH_RATE, 0.1, 0)),
                    Arguments.of("NaN prior scale", (UnaryOperator<ScoringConfig.Builder>) b -> b.prior(Feature.AUTH_RATE, 0.1, Double.NaN)),
                    Arguments.of("negative noise gate", (UnaryOperator<ScoringConfig.Builder>) b -> b.noiseGate(-1)),
                    Arguments.of("cap equal to gate", (UnaryOperator<ScoringConfig.Builder>) b -> b.noiseGate(3).deviationCap(3)),
                    Arguments.of("zero evidence", (UnaryOperator<ScoringConfig.Builder>) b -> b.evidenceRequests(0)));
        }

        @ParameterizedTest(name = "{0} is rejected")
        @MethodSource("invalid")
        void invalidParametersAreRejected(String name, UnaryOperator<ScoringConfig.Builder> change) {
            assertThatThrownBy(() -> change.apply(ScoringConfig.builder()).build())
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void zeroWeightAndZeroRelativeFloorAreAllowed() {
            ScoringConfig config = ScoringConfig.builder()
                    .weight(Feature.RATE_SHORT, 0)
                    .relativeFloor(Feature.RATE_SHORT, 0)
                    .noiseGate(0)
                    .build();
            assertThat(config.weight(Feature.RATE_SHORT.ordinal())).isZero();
        }

        @Test
        void priorIsAFreshCopyEachTime() {
            ScoringConfig config = ScoringConfig.builder().prior(Feature.RATE_SHORT, 3, 2).build();
            BaselineView prior = config.prior();
            assertThat(prior.kind).isEqualTo(BaselineKind.PRIOR);
            assertThat(prior.center[Feature.RATE_SHORT.ordinal()]).isEqualTo(3);
            assertThat(prior.scale[Feature.RATE_SHORT.ordinal()]).isEqualTo(2);
            prior.center[Feature.RATE_SHORT.ordinal()] = 99;
            assertThat(config.prior().center[Feature.RATE_SHORT.ordinal()]).isEqualTo(3);
        }

        @Test
        void builderChangesDoNotLeakIntoBuiltConfigs() {
            ScoringConfig.Builder builder = known();
            ScoringConfig first = builder.build();
            builder.weight(Feature.RATE_SHORT, 7);
            assertThat(first.weight(Feature.RATE_SHORT.ordinal())).isEqualTo(1);
        }
    }
}
