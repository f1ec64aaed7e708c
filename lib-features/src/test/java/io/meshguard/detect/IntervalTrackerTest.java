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
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IntervalTracker}: which intervals are interesting, what a summary counts and carries, when
 * intervals close, and how out-of-order arrival is counted.
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

    /** A summary as the operator would emit it: with its record timestamp. */
    record Stamped(IntervalSummary summary, long stampMillis) {
        long second() {
            return (summary.intervalStartMillis - T0) / 1000;
        }
    }

    /**
     * Plays the keyed operator around a tracker: keeps its event-time timers and the watermark,
     * stamps an eagerly closed summary with its request's time and a flushed one with its timer's.
     */
    static final class Operator implements IntervalTracker.Output {
        final IntervalTracker tracker;
        final IdentityState state = new IdentityState();
        final TreeSet<Long> timers = new TreeSet<>();
        final List<Stamped> emitted = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        int late;
        private long stamp;

        Operator(IntervalTracker tracker) {
            this.tracker = tracker;
        }

        void send(MeshEvent event, boolean newPath, double typicalRps, IntervalTracker.Limits limits) {
            stamp = event.timestampMillis;
            tracker.onEvent(ID, state, event, newPath, typicalRps, limits, watermark, this);
            if (tracker.lastWasLate()) {
                late++;
            }
        }

        void send(long t) {
            send(MeshEvents.at(t).build(), false, 2.0, NORMAL);
        }

        /** Fires the timers up to {@code t}, oldest first, then moves the watermark there. */
        void advanceWatermark(long t, IntervalTracker.Limits limits) {
            while (!timers.isEmpty() && timers.first() <= t) {
                long timer = timers.pollFirst();
                watermark = timer;
                stamp = timer;
                tracker.flush(ID, state, timer, state.intervalPending == 0 ? null : limits, this);
            }
            watermark = t;
        }

        void advanceWatermark(long t) {
            advanceWatermark(t, NORMAL);
        }

        List<IntervalSummary> summaries() {
            return emitted.stream().map(Stamped::summary).toList();
        }

        @Override
        public void summary(IntervalSummary summary) {
            emitted.add(new Stamped(summary, stamp));
        }

        @Override
        public void registerTimer(long timestampMillis) {
            assertThat(timestampMillis % 1000).as("summary timers sit on interval boundaries").isZero();
            timers.add(timestampMillis);
        }

        @Override
        public void deleteTimer(long timestampMillis) {
            assertThat(timers.remove(timestampMillis)).as("deleted timer %s was set", timestampMillis).isTrue();
        }
    }

    private final Operator op = new Operator(new IntervalTracker(1_000, LOW_FLOOR, 2_000));
    private final IdentityState state = op.state;

    private void send(MeshEvents event, boolean newPath, double typicalRps, IntervalTracker.Limits limits) {
        op.send(event.build(), newPath, typicalRps, limits);
    }

    private void send(MeshEvents event, boolean newPath) {
        send(event, newPath, 2.0, NORMAL);
    }

    private void send(long t) {
        op.send(t);
    }

    @Nested
    class WhatIsInteresting {
        @Test
        void steadyTrafficWithinTheLimitEmitsNothingAndSetsNoTimer() {
            // 4 req/s against a limit of 2 × 2 = 4 req/s: at, not over
            for (long t = T0; t < T0 + 60_000; t += 250) {
                send(MeshEvents.at(t).path("/api/catalog").upstream("catalog"), false);
            }
            assertThat(op.timers).isEmpty();
            assertThat(op.tracker.flush(ID, state, T0 + 61_000, null, op)).isTrue();
            assertThat(op.emitted).isEmpty();
            assertThat(state.intervalNewestStartMillis).isEqualTo(IntervalTracker.NONE);
        }

        @Test
        void scannerIntervalCarriesItsCountsAndTheThresholdsInForceWhenItCloses() {
            for (int i = 0; i < 5; i++) {
                send(MeshEvents.at(T0 + i * 100).path("/.env" + i).code(404).flags(PathClass.SENSITIVE)
                        .upstream("web-" + (i % 3)), true);
            }
            send(MeshEvents.at(T0 + 500).path("/logo.png").code(404).flags(PathClass.STATIC), false);
            send(MeshEvents.at(T0 + 600).path("/api").code(403), false);
            send(MeshEvents.at(T0 + 700).identity(ID, IdentityType.IP).path("/api").code(500), false);
            assertThat(op.timers).containsExactly(T0 + 1_000);
            assertThat(op.emitted).isEmpty();

            op.advanceWatermark(T0 + 1_000, ELEVATED);

            IntervalSummary s = op.summaries().get(0);
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
            assertThat(state.intervalSlots).containsOnly(0);
            assertThat(state.intervalPending).isZero();
            assertThat(state.intervalSegment).isNull();
        }

        @Test
        void anIntervalAsksForItsTimerOnceWhenItCrossesTheLimit() {
            // limit 2 × 2 = 4 req/s
            List<Integer> timers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                send(T0 + i * 10);
                timers.add(op.timers.size());
            }
            assertThat(timers).containsExactly(0, 0, 0, 0, 1, 1);
            assertThat(op.timers).containsExactly(T0 + 1_000);
            assertThat(state.intervalSegment).isEqualTo(SEGMENT);

            op.advanceWatermark(T0 + 1_000);
            IntervalSummary s = op.summaries().get(0);
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
            op.advanceWatermark(T0 + 1_000);
            assertThat(PatternConfig.defaults().isSpike(op.summaries().get(0))).isTrue(); // 40 >= 10 × 4
        }

        @Test
        void identityNotJudgedYetIsHeldToTheBurstFloor() {
            Operator floored = new Operator(new IntervalTracker(1_000, 20, 2_000));
            for (int i = 0; i < 20; i++) {
                floored.send(MeshEvents.at(T0 + i).build(), false, Double.NaN, NORMAL);
            }
            assertThat(floored.timers).as("20 req/s is not over 20").isEmpty();

            for (int i = 0; i < 21; i++) {
                floored.send(MeshEvents.at(T0 + 5_000 + i).build(), false, Double.NaN, NORMAL);
            }
            floored.advanceWatermark(T0 + 6_000);
            IntervalSummary s = floored.summaries().get(0);
            assertThat(s.intervalStartMillis).isEqualTo(T0 + 5_000);
            assertThat(s.rateLimitRps).isEqualTo(20);
            assertThat(s.overRateLimit()).isTrue();
        }

        @Test
        void burstFloorOverridesALowTypicalRateAndTightensWithTheSegment() {
            Operator floored = new Operator(new IntervalTracker(1_000, 20, 2_000));
            for (int i = 0; i < 15; i++) {
                // Typical 0.5 req/s would give a limit of 1 req/s; the floor holds it at 20, or 10 at factor 0.5.
                floored.send(MeshEvents.at(T0 + i).build(), false, 0.5, NORMAL);
            }
            assertThat(floored.timers).as("15 req/s under the floor of 20").isEmpty();

            for (int i = 0; i < 15; i++) {
                floored.send(MeshEvents.at(T0 + 5_000 + i).build(), false, 0.5, ELEVATED);
            }
            floored.advanceWatermark(T0 + 6_000, ELEVATED);
            IntervalSummary s = floored.summaries().get(0);
            assertThat(s.rateLimitRps).isEqualTo(10);
            assertThat(s.overRateLimit()).isTrue();
        }

        @Test
        void tighteningBeforeTheCloseCanMakeAnIntervalInteresting() {
            // 3 req/s: under 4 with the base thresholds, over 2 once elevated (when a later
            // interval's timer closes it)
            send(T0);
            send(T0 + 1);
            send(T0 + 2);
            assertThat(op.timers).isEmpty();
            op.tracker.flush(ID, state, T0 + 1_000, ELEVATED, op);
            assertThat(op.summaries()).singleElement().satisfies(s -> {
                assertThat(s.requests).isEqualTo(3);
                assertThat(s.rateLimitRps).isEqualTo(2.0);
            });
        }

        @Test
        void withTheDetectorAScannersNewPathsAreCountedPastTheGrace() {
            DetectionConfig config = DetectionConfig.defaults();
            IdentityDetector detector =
                    new IdentityDetector(config, new io.meshguard.baseline.PeerBaselines(config.baseline));
            for (int i = 0; i < 20; i++) {
                MeshEvent e = MeshEvents.at(T0 + i * 40).path("/wp-admin/" + i).code(404).build();
                detector.onEvent(ID, state, e, SegmentThresholds.defaults());
                op.send(e, detector.lastPathWasNew(), detector.lastTypicalRps(), NORMAL);
            }
            assertThat(op.emitted).isEmpty();
            op.advanceWatermark(T0 + 1_000);
            IntervalSummary s = op.summaries().get(0);
            assertThat(s.requests).isEqualTo(20);
            assertThat(s.newPaths).isEqualTo(20 - config.features.newPathGrace);
            assertThat(s.notFoundOrForbidden).isEqualTo(20);
            assertThat(s.rateLimitRps).isPositive();
        }
    }

    @Nested
    class ScanWindow {
        @Test
        void newPathsWithoutAFailedProbeAreNotSentToThePatterns() {
            for (int second = 0; second < 20; second++) {
                send(MeshEvents.at(T0 + second * 1_000 + 100).path("/product/" + second), true);
            }
            op.advanceWatermark(T0 + 30_000);
            assertThat(op.emitted).isEmpty();
            assertThat(state.scanStartMillis).isEqualTo(IntervalTracker.NONE);
        }

        @Test
        void aFailedNewPathProbeOpensTheWindowForLaterNewPathsUntilItEnds() {
            send(MeshEvents.at(T0 + 100).path("/.git/config").code(404), true);
            send(MeshEvents.at(T0 + 5_100).path("/admin"), true); // succeeded, but 5 s after the probe
            send(MeshEvents.at(T0 + 59_100).path("/login"), true); // 59 s after: the last second of the window
            send(MeshEvents.at(T0 + 60_100).path("/help"), true); // 60 s after: outside
            op.advanceWatermark(T0 + 70_000);

            assertThat(op.summaries()).extracting(s -> (s.intervalStartMillis - T0) / 1000)
                    .containsExactly(0L, 5L, 59L);
            assertThat(PatternConfig.defaults().isScanStart(op.summaries().get(0))).isTrue();
            assertThat(op.summaries()).allSatisfy(s -> assertThat(PatternConfig.defaults().isScanInterval(s)).isTrue());
            assertThat(state.scanStartMillis).as("remembered after the ring emptied").isEqualTo(T0);
        }

        @Test
        void aScanStartArrivingOutOfOrderMarksTheLaterIntervalsOfTheRing() {
            send(MeshEvents.at(T0 + 1_100).path("/admin"), true); // second 1: no probe yet, no timer
            assertThat(op.timers).isEmpty();

            send(MeshEvents.at(T0 + 900).path("/.env").code(404), true); // second 0, arriving late

            assertThat(op.timers).containsExactly(T0 + 1_000, T0 + 2_000);
            op.advanceWatermark(T0 + 2_000);
            assertThat(op.summaries()).extracting(s -> (s.intervalStartMillis - T0) / 1000).containsExactly(0L, 1L);
        }

        @Test
        void theWindowIsConfigurable() {
            Operator shortWindow = new Operator(new IntervalTracker(1_000, LOW_FLOOR, 2_000, 5_000));
            shortWindow.send(MeshEvents.at(T0 + 100).path("/.env").code(404).build(), true, 2.0, NORMAL);
            shortWindow.send(MeshEvents.at(T0 + 4_100).path("/a").build(), true, 2.0, NORMAL);
            shortWindow.send(MeshEvents.at(T0 + 5_100).path("/b").build(), true, 2.0, NORMAL);
            shortWindow.advanceWatermark(T0 + 10_000);
            assertThat(shortWindow.summaries()).extracting(s -> (s.intervalStartMillis - T0) / 1000)
                    .containsExactly(0L, 4L);
            assertThatThrownBy(() -> new IntervalTracker(1_000, LOW_FLOOR, 2_000, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aSensitiveHitOrARateOverTheLimitIsInterestingWithoutAProbe() {
            send(MeshEvents.at(T0 + 100).path("/admin").flags(PathClass.SENSITIVE), false);
            for (int i = 0; i < 6; i++) { // limit 2 × 2 = 4 req/s
                send(MeshEvents.at(T0 + 2_000 + i * 10).path("/p" + i), true);
            }
            op.advanceWatermark(T0 + 5_000);
            assertThat(op.summaries()).extracting(s -> (s.intervalStartMillis - T0) / 1000).containsExactly(0L, 2L);
            assertThat(op.summaries().get(1).newPaths).isEqualTo(6);
        }
    }

    @Nested
    class WhenIntervalsClose {
        @Test
        void anIntervalClosesWhenEventTimeReachesItsEndAndNotBefore() {
            send(MeshEvents.at(T0 + 300).path("/a").code(404), true);
            assertThat(op.timers).containsExactly(T0 + 1_000);

            assertThat(op.tracker.flush(ID, state, T0 + 999, NORMAL, op)).isFalse();
            assertThat(op.tracker.requestsIn(state, T0)).isEqualTo(1);

            op.advanceWatermark(T0 + 1_000, ELEVATED);
            assertThat(op.emitted).singleElement().satisfies(s -> {
                assertThat(s.summary().intervalStartMillis).isEqualTo(T0);
                assertThat(s.summary().segmentMode).isEqualTo("elevated");
                assertThat(s.stampMillis()).isEqualTo(T0 + 1_000);
            });
            assertThat(state.intervalNewestStartMillis).isEqualTo(IntervalTracker.NONE);
            assertThat(op.tracker.flush(ID, state, T0 + 5_000, NORMAL, op)).isFalse();
        }

        @Test
        void theNextIntervalsDoNotCloseAnInterval() {
            send(MeshEvents.at(T0 + 100).path("/a").code(404), true);
            send(T0 + 1_100);
            send(T0 + 2_100);
            assertThat(op.emitted).as("the ring holds three intervals").isEmpty();
            assertThat(op.tracker.requestsIn(state, T0)).isEqualTo(1);
        }

        @Test
        void aRequestThatNeedsTheSlotClosesTheIntervalAndHoldsTheRestOfTheRingUntilItsOwnEnd() {
            // three interesting intervals, none of which event time has reached
            for (int second = 0; second < 3; second++) {
                send(MeshEvents.at(T0 + second * 1_000 + 100).path("/new-" + second).code(404), true);
            }
            assertThat(op.timers).containsExactly(T0 + 1_000, T0 + 2_000, T0 + 3_000);

            // the watermark has not moved: the ring grows to its cap of 12, then second 0 must go
            send(T0 + 12_400);

            assertThat(state.intervalSlots).hasSize(12 * IntervalTracker.SLOT_WIDTH);
            assertThat(op.emitted).singleElement().satisfies(s -> {
                assertThat(s.second()).isZero();
                assertThat(s.stampMillis()).isEqualTo(T0 + 12_400);
            });
            // seconds 1 and 2 would have been stamped 2 and 3 s, before second 0's 12.4 s
            assertThat(op.timers).containsExactly(T0 + 13_000);
            assertThat(state.intervalHoldMillis).isEqualTo(T0 + 13_000);

            send(MeshEvents.at(T0 + 1_500).path("/new-late").code(404), true); // second 1 is still open
            op.advanceWatermark(T0 + 13_000);

            assertThat(op.emitted).extracting(Stamped::second).containsExactly(0L, 1L, 2L);
            assertThat(op.emitted).extracting(Stamped::stampMillis)
                    .containsExactly(T0 + 12_400, T0 + 13_000, T0 + 13_000);
            assertThat(op.summaries().get(1).newPaths).isEqualTo(2);
            assertThat(op.timers).isEmpty();
            assertThat(state.intervalHoldMillis).isEqualTo(IntervalTracker.NONE);
        }

        @Test
        void skippedIntervalsEmitNothing() {
            send(MeshEvents.at(T0).path("/a").code(404), true);
            send(T0 + 60_000);
            assertThat(op.summaries()).singleElement()
                    .satisfies(s -> assertThat(s.intervalStartMillis).isEqualTo(T0));
            op.advanceWatermark(T0 + 61_000);
            assertThat(op.emitted).hasSize(1);
            assertThat(op.timers).isEmpty();
        }
    }

    @Nested
    class OutOfOrderArrival {
        /** 40 req/s for 6 s, every request with a new path so that every interval is summarised. */
        private List<MeshEvent> burst() {
            List<MeshEvent> events = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                events.add(MeshEvents.at(T0 + i * 25L).path("/p" + i).build());
            }
            return events;
        }

        /** Shuffles the events within windows of {@code spreadMillis}: no event arrives after one {@code spreadMillis} newer. */
        private List<MeshEvent> shuffledWithin(List<MeshEvent> events, long spreadMillis, long seed) {
            List<MeshEvent> shuffled = new ArrayList<>(events);
            Random r = new Random(seed);
            // a random delay each, up to the spread, then sorted by arrival time
            long[] arrival = new long[shuffled.size()];
            for (int i = 0; i < arrival.length; i++) {
                arrival[i] = shuffled.get(i).timestampMillis + (long) (r.nextDouble() * spreadMillis);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < arrival.length; i++) {
                order.add(i);
            }
            order.sort((a, b) -> Long.compare(arrival[a], arrival[b]));
            return order.stream().map(shuffled::get).toList();
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
        void shuffledArrivalWithinTheOutOfOrdernessGivesExactPerSecondCounts(long seed) {
            for (MeshEvent e : shuffledWithin(burst(), 2_000, seed)) {
                op.send(e, true, 2.0, NORMAL);
            }
            op.advanceWatermark(T0 + 10_000);

            assertThat(op.late).isZero();
            assertThat(op.emitted).extracting(Stamped::second).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(op.summaries()).allSatisfy(s -> {
                assertThat(s.requests).isEqualTo(40);
                assertThat(s.newPaths).isEqualTo(40);
            });
            List<Long> stamps = op.emitted.stream().map(Stamped::stampMillis).toList();
            assertThat(stamps).isSorted();
            assertThat(op.emitted).allSatisfy(s ->
                    assertThat(s.stampMillis()).isGreaterThanOrEqualTo(s.summary().intervalEndMillis()));
            assertThat(op.timers).isEmpty();
        }

        @Test
        void shuffledArrivalWithAWatermarkBehindItGivesExactCountsAndStampsAboveTheWatermark() {
            // the watermark trails the newest request by the out-of-orderness, as the job's does
            long newest = Long.MIN_VALUE;
            for (MeshEvent e : shuffledWithin(burst(), 2_000, 42)) {
                int before = op.emitted.size();
                long watermarkBefore = op.watermark;
                op.send(e, true, 2.0, NORMAL);
                for (Stamped s : op.emitted.subList(before, op.emitted.size())) {
                    assertThat(s.stampMillis()).isGreaterThan(watermarkBefore); // CEP would drop it otherwise
                }
                newest = Math.max(newest, e.timestampMillis);
                op.advanceWatermark(Math.max(op.watermark, newest - 2_000 - 1));
            }
            op.advanceWatermark(T0 + 10_000);

            assertThat(op.late).isZero();
            assertThat(op.summaries()).extracting(s -> s.requests).containsExactly(40, 40, 40, 40, 40, 40);
            assertThat(op.emitted.stream().map(Stamped::stampMillis).toList()).isSorted();
        }

        @Test
        void aRequestOlderThanTheRingAtItsCapIsLeftOutOfTheSummariesAndReportedLate() {
            send(MeshEvents.at(T0 + 100).path("/a").code(404), true);
            send(MeshEvents.at(T0 + 12_100).path("/b").code(404), true); // 13 s apart: second 0 leaves the ring
            assertThat(op.summaries()).singleElement().satisfies(s -> assertThat(s.requests).isEqualTo(1));

            send(MeshEvents.at(T0 + 900).path("/c").code(404), true);

            assertThat(op.tracker.lastWasLate()).isTrue();
            assertThat(op.late).isEqualTo(1);
            op.advanceWatermark(T0 + 20_000);
            assertThat(op.summaries()).extracting(s -> s.intervalStartMillis - T0).containsExactly(0L, 12_000L);
            assertThat(op.summaries()).extracting(s -> s.requests).containsExactly(1, 1);
        }

        @Test
        void aRequestOfAnIntervalEventTimeHasPassedIsLate() {
            send(MeshEvents.at(T0 + 100).path("/a").code(404), true);
            send(T0 + 1_100); // not interesting: no timer
            op.advanceWatermark(T0 + 2_000);
            assertThat(op.summaries()).singleElement().satisfies(s -> assertThat(s.requests).isEqualTo(1));

            send(MeshEvents.at(T0 + 200).path("/b").code(404), true); // its summary is out
            send(MeshEvents.at(T0 + 1_900).path("/c").code(404), true); // its summary would be late for CEP

            assertThat(op.late).isEqualTo(2);
            assertThat(op.timers).isEmpty();
            send(T0 + 2_100);
            assertThat(op.late).isEqualTo(2);
            assertThat(op.tracker.requestsIn(state, T0 + 2_000)).isEqualTo(1);
        }

        @Test
        void aWatermarkLaggingBeyondTheOutOfOrdernessGrowsTheRingUntilItCatchesUp() {
            // one input held back: the newest requests are 5 s ahead of the watermark
            for (int i = 0; i < 240; i += 2) {
                op.send(MeshEvents.at(T0 + i * 25L).path("/p" + i).build(), true, 2.0, NORMAL);
            }
            assertThat(state.intervalSlots).hasSize(6 * IntervalTracker.SLOT_WIDTH);
            for (int i = 1; i < 240; i += 2) {
                op.send(MeshEvents.at(T0 + i * 25L).path("/p" + i).build(), true, 2.0, NORMAL);
            }
            assertThat(op.emitted).isEmpty();

            op.advanceWatermark(T0 + 2_000);
            assertThat(state.intervalSlots).as("4 intervals still open").hasSize(6 * IntervalTracker.SLOT_WIDTH);
            op.advanceWatermark(T0 + 3_000);
            assertThat(state.intervalSlots).as("back to the small ring").hasSize(3 * IntervalTracker.SLOT_WIDTH);
            op.advanceWatermark(T0 + 6_000);

            assertThat(op.late).isZero();
            assertThat(op.summaries()).extracting(s -> s.requests).containsExactly(40, 40, 40, 40, 40, 40);
        }

        @Test
        void inOrderArrivalIsNeverLate() {
            for (long t = T0; t < T0 + 30_000; t += 37) {
                send(t);
                op.advanceWatermark(Math.max(op.watermark, t - 2_001));
            }
            assertThat(op.late).isZero();
        }
    }

    @Nested
    class Sizing {
        @Test
        void theRingCoversTheOutOfOrdernessPlusTheNewestInterval() {
            assertThat(new IntervalTracker(1_000, 20, 2_000).slots()).isEqualTo(3);
            assertThat(new IntervalTracker(1_000, 20, 2_001).slots()).isEqualTo(4);
            assertThat(new IntervalTracker(1_000, 20, 0).slots()).isEqualTo(1);
            assertThat(new IntervalTracker(500, 20, 2_000).slots()).isEqualTo(5);
            assertThat(new IntervalTracker().slots()).isEqualTo(3);
            assertThat(new IntervalTracker().maxSlots()).isEqualTo(12);
            assertThat(new IntervalTracker(1_000, 20, 10_000).maxSlots()).isEqualTo(31);
            assertThatThrownBy(() -> new IntervalTracker(1_000, 20, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new IntervalTracker(1_000, 20, 60_000))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void theRingIsAllocatedOnTheFirstRequestAsOneIntArray() {
            assertThat(state.intervalSlots).isNull();
            send(T0);
            assertThat(state.intervalSlots).hasSize(3 * IntervalTracker.SLOT_WIDTH);
        }

        @Test
        void aRingFromAnotherOutOfOrdernessIsReLaidOut() {
            send(MeshEvents.at(T0 + 100).path("/a").code(404), true);
            send(T0 + 1_100);
            send(T0 + 2_100);
            send(T0 + 2_200);

            // restored into a job whose ring is at most 2 intervals (no out-of-orderness): seconds 1
            // and 2 are kept, second 0 is not
            Operator smaller = new Operator(new IntervalTracker(500, LOW_FLOOR, 0));
            assertThat(smaller.tracker.maxSlots()).isEqualTo(4);
            Operator smallest = new Operator(new IntervalTracker(1_000, LOW_FLOOR, 0));
            copyRing(state, smallest.state);
            smallest.state.intervalSlots = new int[8 * IntervalTracker.SLOT_WIDTH];
            smallest.state.intervalPending = 0;
            smallest.send(T0 + 2_300);
            assertThat(smallest.state.intervalSlots).hasSize(4 * IntervalTracker.SLOT_WIDTH);

            // and into a larger one: everything it had is kept, pending flags included
            Operator larger = new Operator(new IntervalTracker(1_000, LOW_FLOOR, 4_000));
            copyRing(state, larger.state);
            larger.timers.addAll(op.timers);
            larger.send(T0 + 2_400);
            assertThat(larger.tracker.requestsIn(larger.state, T0)).isEqualTo(1);
            assertThat(larger.tracker.requestsIn(larger.state, T0 + 2_000)).isEqualTo(3);
            larger.advanceWatermark(T0 + 1_000);
            assertThat(larger.summaries()).singleElement().satisfies(s -> assertThat(s.newPaths).isEqualTo(1));
        }

        private void copyRing(IdentityState from, IdentityState to) {
            to.intervalNewestStartMillis = from.intervalNewestStartMillis;
            to.intervalHoldMillis = from.intervalHoldMillis;
            to.intervalSlots = from.intervalSlots.clone();
            to.intervalPending = from.intervalPending;
            to.intervalTypicalRps = from.intervalTypicalRps;
            to.intervalIdentityType = from.intervalIdentityType;
            to.intervalSegment = from.intervalSegment;
        }
    }

    @Test
    void intervalLengthIsConfigurable() {
        Operator half = new Operator(new IntervalTracker(500, LOW_FLOOR, 1_000));
        for (int i = 0; i < 3; i++) {
            half.send(MeshEvents.at(T0 + 600 + i).build(), false, 2.0, NORMAL);
        }
        // 3 requests in 500 ms = 6 req/s > 4
        assertThat(half.timers).containsExactly(T0 + 1_000);
        half.advanceWatermark(T0 + 1_000);
        IntervalSummary s = half.summaries().get(0);
        assertThat(s.intervalStartMillis).isEqualTo(T0 + 500);
        assertThat(s.intervalMillis).isEqualTo(500);
        assertThat(s.rate()).isCloseTo(6.0, within(1e-12));
        assertThat(half.tracker.isBoundary(T0 + 500)).isTrue();
        assertThat(half.tracker.isBoundary(T0 + 501)).isFalse();
        assertThatThrownBy(() -> new IntervalTracker(0, LOW_FLOOR, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IntervalTracker(500, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
