package io.meshguard.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SegmentControllerConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        SegmentControllerConfig c = SegmentControllerConfig.defaults();
        assertThat(c.intervalMillis).isEqualTo(1000);
        assertThat(c.elevatedEnter).isEqualTo(4);
        assertThat(c.elevatedExit).isEqualTo(2);
        assertThat(c.clampedEnter).isEqualTo(10);
        assertThat(c.clampedExit).isEqualTo(6);
        assertThat(c.recoveryMillis()).isEqualTo(60_000);
        assertThat(c.weight(SegmentFigure.VOLUME)).isEqualTo(0.5);
        assertThat(c.weight(SegmentFigure.DISTINCT_IDENTITIES)).isZero();
        assertThat(c.volumeAdjusted(SegmentFigure.AUTH_RATE)).isTrue();
        assertThat(c.priorMean(SegmentFigure.NEW_IDENTITY_RATE)).isNaN();
        assertThat(c.priorMean(SegmentFigure.ANOMALOUS_SHARE)).isEqualTo(0.01);
        assertThat(c.limits).isEqualTo(SegmentLimits.defaults());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(b -> b.elevated(4, 4),
                        "segment-control.elevated-exit (4.0) must be in [0, elevated-enter (4.0)), or the mode could not settle"),
                bad(b -> b.clamped(3, 2),
                        "segment-control.clamped-enter (3.0) must be above elevated-enter (4.0)"),
                bad(b -> b.clamped(10, 1),
                        "segment-control.clamped-exit (1.0) must be in [elevated-exit (2.0), clamped-enter (10.0))"),
                bad(b -> b.figure(SegmentFigure.AUTH_RATE, 0, 0.5, 3, 1),
                        "segment-control.figure.auth_rate.absolute-floor (0.0) must be positive: it is what keeps z finite"),
                bad(b -> b.weight(SegmentFigure.VOLUME, -1),
                        "segment-control.figure.volume.weight (-1.0) must not be negative"),
                bad(b -> b.volumeAdjusted(SegmentFigure.VOLUME, true),
                        "segment-control.figure.volume.volume-adjusted cannot be set on volume itself"),
                bad(b -> b.maxFactorStep(0), "segment-control.max-factor-step (0.0) must be in (0, 1]"),
                bad(b -> b.baselineAlpha(1.5), "segment-control.baseline-alpha (1.5) must be in (0, 1]"),
                bad(b -> b.blastRadiusShare(0), "segment-control.blast-radius-share (0.0) must be in (0, 1]"),
                bad(b -> b.updateStep(1), "segment-control.update-step (1.0) must be in (0, 1)"),
                bad(b -> b.capFloorRps(0), "segment-control.cap-floor-rps (0.0) must be positive"),
                bad(b -> b.recoveryHalfLifeMillis(0), "segment-control.recovery-half-life-millis (0) must be positive"));
    }

    private static Arguments bad(UnaryOperator<SegmentControllerConfig.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void invalidSettingIsRejectedWithItsName(UnaryOperator<SegmentControllerConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(SegmentControllerConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid segment controller configuration: " + message);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> SegmentControllerConfig.builder().smoothingAlpha(0).warmupIntervals(0).build())
                .hasMessage("invalid segment controller configuration: segment-control.warmup-intervals (0) must be at "
                        + "least 1; segment-control.smoothing-alpha (0.0) must be in (0, 1]");
    }
}
