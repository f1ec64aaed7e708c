package io.meshguard.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternConfig;
import io.meshguard.features.PathClass;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentThresholds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link IntervalTracker}: which intervals are interesting, what a summary counts and carries, and
 * when intervals close.
 */
class IntervalTrackerTest {
    private static final long T0 = 1_700_000_040_000L; // an interval boundary
    private static final String ID = "ip:203.0.113.7";
    private static final String SEGMENT = "asn:64500";

    /** Defaults: limit = max(1, 2 × typical rate). */
    private static final IntervalTracker.Limits NORMAL =
            IntervalTracker.Limits.base(SEGMENT, SegmentThresholds.defaults(), 3);
    private static final IntervalTracker.Limits ELEVATED = new IntervalTracker.Limits(
            SEGMENT, new SegmentThresholds(2, 6, 1, 1, 0.5), SegmentMode.ELEVATED, 0.5, 4);

    /** A floor far below the limits these tests use, so they see the typical-rate limit alone. */
    private static final double LOW_FLOOR = 0.01;

    private final IntervalTracker tracker = new IntervalTracker(1_000, LOW_FLOOR);
    private final IdentityState state = new IdentityState();
    private final List<IntervalSummary> emitted = new ArrayList<>();

    /** One request; collects a closed summary. Typical rate 2 req/s unless told. */
    private IntervalSummary send(MeshEvents event, boolean newPath, double typicalRps, IntervalTracker.Limits limits) {
        IntervalSummary s = tracker.onEvent(ID, state, event.build(), newPath, typicalRps, limits);
        if (s != null) {
            emitted.add(s);
        }
        return s;
    }

    private IntervalSummary send(MeshEvents event, boolean newPath) {
        return send(event, newPath, 2.0, NORMAL);
    }

    private IntervalSummary send(long t) {
        return send(MeshEvents.at(t), false);
    }

    @Test
    void steadyTrafficWithinTheLimitEmitsNothing() {
        // 4 req/s against a limit of 2 × 2 = 4 req/s: at, not over
        for (long t = T0; t < T0 + 60_000; t += 250) {
            send(MeshEvents.at(t).path("/api/catalog").upstream("catalog"), false);
            assertThat(tracker.openBecameInteresting()).isFalse();
        }
        assertThat(tracker.flush(ID, state, T0 + 61_000, null)).isNull();
        assertThat(emitted).isEmpty();
        assertThat(state.intervalStartMillis).isEqualTo(IntervalTracker.NONE);
    }

    @Test
    void scannerIntervalIsClosedByTheFirstRequestOfTheNextWithItsCountsAndThresholds() {
        for (int i = 0; i < 5; i++) {
            send(MeshEvents.at(T0 + i * 100).path("/.env" + i).code(404).flags(PathClass.SENSITIVE)
                    .upstream("web-" + (i % 3)), true);
        }
        send(MeshEvents.at(T0 + 500).path("/logo.png").code(404).flags(PathClass.STATIC), false);
        send(MeshEvents.at(T0 + 600).path("/api").code(403), false);
        send(MeshEvents.at(T0 + 700).path("/api").code(500), false);
        assertThat(emitted).isEmpty();

        IntervalSummary s = send(MeshEvents.at(T0 + 1_000).identity(ID, IdentityType.IP), false, 2.0, ELEVATED);

        assertThat(s).isNotNull();
        assertThat(s.identity).isEqualTo(ID);
        assertThat(s.identityType).isEqualTo(IdentityType.IP);
        assertThat(s.segment).isEqualTo(SEGMENT);
        assertThat(s.intervalStartMillis).isEqualTo(T0);
        assertThat(s.intervalMillis).isEqualTo(1_000);
        assertThat(s.requests).isEqualTo(8);
        assertThat(s.errors4xx).isEqualTo(7);
        // 404s on sensitive paths and a 403 count; the 404 on a static asset does not
        assertThat(s.notFoundOrForbidden).isEqualTo(6);
        assertThat(s.sensitiveHits).isEqualTo(5);
        assertThat(s.newPaths).isEqualTo(5);
        assertThat(s.distinctUpstreams).isEqualTo(3);
        // enriched with what is in force when it closes: max(0.5, 1 × 2)
        assertThat(s.rateLimitRps).isEqualTo(2.0);
        assertThat(s.spikeLimitRps).isZero();
        assertThat(s.scanDistinctPaths).isZero();
        assertThat(s.segmentMode).isEqualTo("elevated");
        assertThat(s.policyVersion).isEqualTo(4);
        // and the patterns read it as intended
        PatternConfig patterns = PatternConfig.defaults();
        assertThat(patterns.isScanStart(s)).isTrue();
        assertThat(patterns.isSensitiveInterval(s)).isTrue();
        assertThat(patterns.isOverLimit(s)).isTrue();
        assertThat(patterns.isSpike(s)).isFalse();
        assertThat(patterns.scanDistinctPaths(s)).isEqualTo(patterns.scanDistinctPaths);

        // the new interval holds only the closing request
        assertThat(state.intervalStartMillis).isEqualTo(T0 + 1_000);
        assertThat(state.intervalRequests).isEqualTo(1);
        assertThat(state.intervalSegment).isNull();
    }

    @Test
    void anIntervalBecomesInterestingOnceWhenItCrossesTheLimit() {
        // limit 2 × 2 = 4 req/s
        List<Boolean> became = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            send(T0 + i * 10);
            became.add(tracker.openBecameInteresting());
        }
        assertThat(became).containsExactly(false, false, false, false, true, false);
        assertThat(tracker.openEndMillis(state)).isEqualTo(T0 + 1_000);

        IntervalSummary s = send(T0 + 1_500);
        assertThat(s.requests).isEqualTo(6);
        assertThat(s.rateLimitRps).isEqualTo(4.0);
        assertThat(s.newPaths).isZero();
        assertThat(s.segmentMode).isEqualTo("normal");
    }

    @Test
    void aSpikeIsOverTheLimitAndSeenAsASpike() {
        for (int i = 0; i < 40; i++) {
            send(T0 + i);
        }
        IntervalSummary s = tracker.flush(ID, state, T0 + 1_000, NORMAL);
        assertThat(PatternConfig.defaults().isSpike(s)).isTrue(); // 40 >= 10 × 4
    }

    @Test
    void identityNotJudgedYetIsHeldToTheBurstFloor() {
        IntervalTracker floored = new IntervalTracker(1_000, 20);
        for (int i = 0; i < 20; i++) {
            floored.onEvent(ID, state, MeshEvents.at(T0 + i).build(), false, Double.NaN, NORMAL);
        }
        assertThat(floored.flush(ID, state, T0 + 1_000, NORMAL)).as("20 req/s is not over 20").isNull();

        for (int i = 0; i < 21; i++) {
            floored.onEvent(ID, state, MeshEvents.at(T0 + 2_000 + i).build(), false, Double.NaN, NORMAL);
        }
        IntervalSummary s = floored.flush(ID, state, T0 + 3_000, NORMAL);
        assertThat(s.rateLimitRps).isEqualTo(20);
        assertThat(s.overRateLimit()).isTrue();
    }

    @Test
    void burstFloorOverridesALowTypicalRateAndTightensWithTheSegment() {
        IntervalTracker floored = new IntervalTracker(1_000, 20);
        for (int i = 0; i < 15; i++) {
            // Typical 0.5 req/s would give a limit of 1 req/s; the floor holds it at 20, or 10 at factor 0.5.
            floored.onEvent(ID, state, MeshEvents.at(T0 + i).build(), false, 0.5, NORMAL);
        }
        assertThat(floored.flush(ID, state, T0 + 1_000, NORMAL)).as("15 req/s under the floor of 20").isNull();

        for (int i = 0; i < 15; i++) {
            floored.onEvent(ID, state, MeshEvents.at(T0 + 2_000 + i).build(), false, 0.5, ELEVATED);
        }
        IntervalSummary s = floored.flush(ID, state, T0 + 3_000, ELEVATED);
        assertThat(s.rateLimitRps).isEqualTo(10);
        assertThat(s.overRateLimit()).isTrue();
    }

    @Test
    void flushClosesTheOpenIntervalOnlyOnceItsEndHasPassed() {
        send(MeshEvents.at(T0 + 300).path("/a"), true);
        assertThat(tracker.openBecameInteresting()).isTrue();

        assertThat(tracker.flush(ID, state, T0 + 999, NORMAL)).isNull();
        assertThat(state.intervalRequests).isEqualTo(1);

        IntervalSummary s = tracker.flush(ID, state, T0 + 1_000, ELEVATED);
        assertThat(s.intervalStartMillis).isEqualTo(T0);
        assertThat(s.segmentMode).isEqualTo("elevated");
        assertThat(state.intervalStartMillis).isEqualTo(IntervalTracker.NONE);
        assertThat(state.intervalRequests).isZero();
        assertThat(tracker.flush(ID, state, T0 + 5_000, NORMAL)).isNull();
    }

    @Test
    void tighteningBeforeTheCloseCanMakeAnIntervalInteresting() {
        // 3 req/s: under 4 with the base thresholds, over 2 once elevated
        send(T0);
        send(T0 + 1);
        send(T0 + 2);
        IntervalSummary s = send(MeshEvents.at(T0 + 1_000), false, 2.0, ELEVATED);
        assertThat(s).isNotNull();
        assertThat(s.rateLimitRps).isEqualTo(2.0);
    }

    @Test
    void anOlderRequestIsCountedInTheOpenInterval() {
        send(MeshEvents.at(T0 + 5_100).path("/x"), true);
        send(MeshEvents.at(T0 + 4_900).path("/y").code(404), true); // late by 200 ms
        IntervalSummary s = send(T0 + 6_000);
        assertThat(s.intervalStartMillis).isEqualTo(T0 + 5_000);
        assertThat(s.requests).isEqualTo(2);
        assertThat(s.newPaths).isEqualTo(2);
        assertThat(s.notFoundOrForbidden).isEqualTo(1);
    }

    @Test
    void skippedIntervalsEmitNothing() {
        send(MeshEvents.at(T0).path("/a"), true);
        IntervalSummary s = send(T0 + 60_000);
        assertThat(s.intervalStartMillis).isEqualTo(T0);
        assertThat(tracker.flush(ID, state, T0 + 61_000, NORMAL)).isNull();
        assertThat(emitted).hasSize(1);
    }

    @Test
    void intervalLengthIsConfigurable() {
        IntervalTracker half = new IntervalTracker(500, LOW_FLOOR);
        for (int i = 0; i < 3; i++) {
            half.onEvent(ID, state, MeshEvents.at(T0 + 600 + i).build(), false, 2.0, NORMAL);
        }
        // 3 requests in 500 ms = 6 req/s > 4
        IntervalSummary s = half.flush(ID, state, T0 + 1_000, NORMAL);
        assertThat(s.intervalStartMillis).isEqualTo(T0 + 500);
        assertThat(s.intervalMillis).isEqualTo(500);
        assertThat(s.rate()).isCloseTo(6.0, within(1e-12));
        assertThat(half.isBoundary(T0 + 500)).isTrue();
        assertThat(half.isBoundary(T0 + 501)).isFalse();
        assertThatThrownBy(() -> new IntervalTracker(0, LOW_FLOOR)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IntervalTracker(500, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withTheDetectorAScannersNewPathsAreCountedPastTheGrace() {
        DetectionConfig config = DetectionConfig.defaults();
        IdentityDetector detector = new IdentityDetector(config, new io.meshguard.baseline.PeerBaselines(config.baseline));
        for (int i = 0; i < 20; i++) {
            MeshEvent e = MeshEvents.at(T0 + i * 40).path("/wp-admin/" + i).code(404).build();
            detector.onEvent(ID, state, e, SegmentThresholds.defaults());
            IntervalSummary s = tracker.onEvent(
                    ID, state, e, detector.lastPathWasNew(), detector.lastTypicalRps(), NORMAL);
            assertThat(s).isNull();
        }
        IntervalSummary s = tracker.flush(ID, state, T0 + 1_000, NORMAL);
        assertThat(s.requests).isEqualTo(20);
        assertThat(s.newPaths).isEqualTo(20 - config.features.newPathGrace);
        assertThat(s.notFoundOrForbidden).isEqualTo(20);
        assertThat(s.rateLimitRps).isPositive();
    }
}
