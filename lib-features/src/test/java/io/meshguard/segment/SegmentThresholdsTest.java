package io.meshguard.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SegmentThresholdsTest {
    private static final double EPS = 1e-12;

    @Test
    void defaultsAreTheDetectorCutOffs() {
        SegmentThresholds t = SegmentThresholds.defaults();
        assertThat(t.rateLimitScore).isEqualTo(4);
        assertThat(t.quarantineScore).isEqualTo(10);
        assertThat(t.releaseScore).isEqualTo(2);
        assertThat(t.limitMultiplier).isEqualTo(2);
        assertThat(t.minLimitRps).isEqualTo(1);
    }

    @Test
    void halvingClipsAtTheDefaultFloors() {
        SegmentThresholds t = SegmentThresholds.defaults().scaled(0.5, ThresholdBounds.defaults());
        assertThat(t.rateLimitScore).isEqualTo(2);
        assertThat(t.quarantineScore).isEqualTo(6); // 5, lifted to the floor
        assertThat(t.releaseScore).isEqualTo(1);
        assertThat(t.limitMultiplier).isEqualTo(1);
        assertThat(t.minLimitRps).isEqualTo(0.5);
        assertThat(t.limitRps(3)).isEqualTo(3); // never below the identity's own typical rate
        assertThat(t.limitRps(0.1)).isEqualTo(0.5);
    }

    @Test
    void quarantineIsLiftedAboveRateLimitWhenBoundsOverlap() {
        ThresholdBounds bounds = ThresholdBounds.defaults()
                .with(Threshold.RATE_LIMIT_SCORE, 2, 8)
                .with(Threshold.QUARANTINE_SCORE, 2, 9);
        // Scaled by 0.25 both clip to the floor 2; quarantine is lifted to its base proportion above rate-limit.
        SegmentThresholds t = new SegmentThresholds(8, 8.4, 4, 2, 1).scaled(0.25, bounds);
        assertThat(t.rateLimitScore).isEqualTo(2);
        assertThat(t.quarantineScore).isCloseTo(2 * 8.4 / 8, within(EPS));
    }

    @Test
    void invalidOrderIsRejected() {
        assertThatThrownBy(() -> new SegmentThresholds(4, 4, 2, 2, 1))
                .hasMessage("need 0 <= release score < rate-limit score < quarantine score, got 2.0, 4.0, 4.0");
    }

    @Test
    void overridesKeepTheReleaseProportion() {
        SegmentThresholds t = SegmentThresholds.defaults().with(3, 8, Double.NaN, Double.NaN);
        assertThat(t.releaseScore).isEqualTo(1.5);
        assertThat(t.limitMultiplier).isEqualTo(2);
    }

    @Test
    void boundsOutsideTheSaneRangeOrCrossedAreRejected() {
        assertThatThrownBy(() -> ThresholdBounds.defaults().with(Threshold.TIGHTENING_FACTOR, 0.01, 1))
                .hasMessage("tightening_factor.min 0.01 is outside the sane range [0.05, 1.0]");
        assertThatThrownBy(() -> ThresholdBounds.defaults().with(Threshold.RATE_LIMIT_SCORE, 9, 8))
                .hasMessage("rate_limit_score.min 9.0 is greater than rate_limit_score.max 8.0");
        assertThatThrownBy(() -> ThresholdBounds.defaults().with(Threshold.QUARANTINE_SCORE, 6, 8))
                .hasMessage("quarantine_score.max 8.0 must be above rate_limit_score.max 8.0, so quarantine stays above rate-limit");
    }
}
