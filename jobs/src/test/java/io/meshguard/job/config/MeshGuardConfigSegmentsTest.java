package io.meshguard.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.cep.PatternConfig;
import io.meshguard.segment.SegmentControllerConfig;
import io.meshguard.segment.SegmentIntervalAggregator;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.Threshold;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The segment controller, segment aggregation, pattern and policy options parse into MeshGuardConfig. */
class MeshGuardConfigSegmentsTest {

    private static MeshGuardConfig parse(Map<String, String> options) {
        return MeshGuardConfig.from(Configuration.fromMap(options));
    }

    @Nested
    class Defaults {
        private final MeshGuardConfig config = parse(Map.of());

        @Test
        void segmentControllerDefaultsAreTheLibrarysSoBehaviourIsUnchanged() {
            assertThat(config.segmentController).usingRecursiveComparison()
                    .withComparatorForType(Double::compare, Double.class) // figures without a prior are NaN
                    .isEqualTo(SegmentControllerConfig.defaults());
            assertThat(config.segmentController.limits).isEqualTo(SegmentLimits.defaults());
        }

        @Test
        void segmentAggregationDefaultsAreTheLibrarys() {
            assertThat(config.segmentAggregation).usingRecursiveComparison()
                    .isEqualTo(SegmentIntervalAggregator.Config.defaults());
        }

        @Test
        void patternDefaultsAreTheLibrarys() {
            assertThat(config.patterns).isEqualTo(PatternConfig.defaults());
        }

        @Test
        void noPolicyFileNoControlDirectoryAndATwoSecondPoll() {
            assertThat(config.policyInitial).isNull();
            assertThat(config.policyControlDir).isNull();
            assertThat(config.policyControlPollInterval).isEqualTo(Duration.ofSeconds(2));
        }
    }

    @Nested
    class Overrides {
        @Test
        void oneIntervalDrivesBothTheAggregatorAndTheController() {
            MeshGuardConfig config = parse(Map.of("segment.interval", "2 s", "segment.lookback", "5 min"));

            assertThat(config.segmentAggregation.intervalMillis).isEqualTo(2_000);
            assertThat(config.segmentController.intervalMillis).isEqualTo(2_000);
            assertThat(config.segmentAggregation.lookbackMillis).isEqualTo(300_000);
        }

        @Test
        void controllerKnobsReachTheControllerConfig() {
            MeshGuardConfig config = parse(Map.of(
                    "segment.elevated-enter", "5", "segment.clamped-hold", "1 min",
                    "segment.false-positive-exemption", "2 h", "segment.blast-radius-min-count", "3"));

            assertThat(config.segmentController.elevatedEnter).isEqualTo(5.0);
            assertThat(config.segmentController.clampedHoldMillis).isEqualTo(60_000);
            assertThat(config.segmentController.falsePositiveExemptMillis).isEqualTo(7_200_000);
            assertThat(config.segmentController.blastRadiusMinCount).isEqualTo(3);
        }

        @Test
        void controllerBaseThresholdsAreTheDecisionOptions() {
            MeshGuardConfig config = parse(Map.of(
                    "decision.rate-limit-score", "5", "decision.quarantine-score", "12",
                    "decision.limit-multiplier", "3"));

            assertThat(config.segmentController.limits.base.rateLimitScore)
                    .isEqualTo(config.detection.decisions.rateLimitScore).isEqualTo(5.0);
            assertThat(config.segmentController.limits.base.quarantineScore).isEqualTo(12.0);
            assertThat(config.segmentController.limits.base.limitMultiplier).isEqualTo(3.0);
        }

        @Test
        void raisingBothScoreCeilingsIsAcceptedWhicheverWouldBeSetFirst() {
            MeshGuardConfig config = parse(Map.of(
                    "thresholds.rate_limit_score.max", "25", "thresholds.quarantine_score.max", "50"));

            assertThat(config.segmentController.limits.bounds.max(Threshold.RATE_LIMIT_SCORE)).isEqualTo(25.0);
            assertThat(config.segmentController.limits.bounds.max(Threshold.QUARANTINE_SCORE)).isEqualTo(50.0);
        }

        @Test
        void loweringBothScoreCeilingsIsAccepted() {
            MeshGuardConfig config = parse(Map.of(
                    "thresholds.rate_limit_score.max", "5", "thresholds.quarantine_score.max", "7",
                    "thresholds.quarantine_score.min", "5", "decision.rate-limit-score", "4",
                    "decision.quarantine-score", "6"));

            assertThat(config.segmentController.limits.bounds.max(Threshold.QUARANTINE_SCORE)).isEqualTo(7.0);
        }

        @Test
        void patternOptionsReachThePatternConfig() {
            MeshGuardConfig config = parse(Map.of("cep.burst-intervals", "4", "cep.scan-within", "2 min"));

            assertThat(config.patterns.burstIntervals).isEqualTo(4);
            assertThat(config.patterns.scanWithin).isEqualTo(Duration.ofMinutes(2));
        }

        @Test
        void policyPathsAreKeptAndABlankOneMeansNone(@TempDir Path dir) throws Exception {
            Path policy = Files.writeString(dir.resolve("policy.json"), "{\"version\": 4}");
            MeshGuardConfig config = parse(Map.of(
                    "policy.initial", policy.toString(), "policy.control-dir", " ",
                    "policy.control-poll-interval", "500 ms"));

            assertThat(config.policyInitial).isEqualTo(policy.toString());
            assertThat(config.initialPolicyJson).isEqualTo("{\"version\": 4}");
            assertThat(config.policyControlDir).isNull();
            assertThat(config.policyControlPollInterval).isEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void unreadableOrInvalidStartUpPolicyIsRejectedNamingTheOption(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parse(Map.of("policy.initial", dir.resolve("missing.json").toString())))
                .hasMessageContaining("policy.initial: cannot read");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"version\": 1, \"colour\": \"red\"}");
        assertThatThrownBy(() -> parse(Map.of("policy.initial", bad.toString())))
                .hasMessageContaining("policy.initial")
                .hasMessageContaining("colour");
    }

    @Nested
    class InvalidValues {
        static Stream<Arguments> invalid() {
            return Stream.of(
                    Arguments.of("segment.baseline-alpha", "2", "segment.baseline-alpha (2.0) must be in (0, 1]"),
                    Arguments.of("segment.elevated-exit", "5", "segment.elevated-exit (5.0) must be in [0, "),
                    Arguments.of("segment.elevated-hold", "-1 s", "segment.elevated-hold"),
                    Arguments.of("segment.interval", "0 s", "segment.interval (0) must be positive"),
                    Arguments.of("segment.distinct-bits", "100",
                            "segment.distinct-bits (100) must be a multiple of 64"),
                    Arguments.of("segment.allowed-lateness", "2 min", "segment.allowed-lateness (120000) spans more"),
                    Arguments.of("thresholds.tightening_factor.min", "0",
                            "thresholds.tightening_factor.min 0.0 is outside the sane range [0.05, 1.0]"),
                    Arguments.of("thresholds.quarantine_score.max", "8",
                            "thresholds.quarantine_score.max 8.0 must be above thresholds.rate_limit_score.max 8.0"),
                    Arguments.of("cep.scan-failure-share", "1.5", "cep.scan-failure-share (1.5) must be in (0, 1]"),
                    Arguments.of("cep.burst-intervals", "many", "cep.burst-intervals"),
                    Arguments.of("policy.control-poll-interval", "0 s", "policy.control-poll-interval"));
        }

        @ParameterizedTest(name = "{0}: {1}")
        @MethodSource("invalid")
        void isRejectedNamingTheOption(String key, String value, String message) {
            assertThatThrownBy(() -> parse(Map.of(key, value)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
        }

        @Test
        void decisionThresholdOutsideItsBoundsIsRejectedNamingBothOptions() {
            assertThatThrownBy(() -> parse(Map.of("decision.rate-limit-score", "9", "decision.quarantine-score", "12")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("decision.rate-limit-score (9.0) must lie within [2.0, 8.0]")
                    .hasMessageContaining("thresholds.rate_limit_score.max");
        }
    }
}
