package io.meshguard.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.model.Action;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interval series through {@link SegmentThresholdController}.
 *
 * <p>Scenario tests ({@link Attacks}, {@link FlashCrowds}) use the shipped defaults on simulated
 * traffic with Poisson noise. The other tests use {@link #errorDriven()}, under which the pressure
 * is exactly the error share × 100 (one figure, no smoothing, never warm so the prior 0 ± 0.01 is
 * the baseline, gate 0, weight 1): an interval of 1000 requests with 10·p errors has pressure p.
 * Levels, holds, steps and bounds are the defaults: ELEVATED at 4 (exit below 2), CLAMPED at 10
 * (exit below 6), holds 30 s, factor step 0.1 per interval, half-life 15 s, factor in [0.5, 1].
 */
class SegmentThresholdControllerTest {
    private static final String SEGMENT = "asn:64666";
    private static final double EPS = 1e-9;

    static SegmentControllerConfig.Builder errorDriven() {
        SegmentControllerConfig.Builder b = SegmentControllerConfig.builder()
                .warmupIntervals(1_000_000)
                .smoothingAlpha(1);
        for (SegmentFigure f : SegmentFigure.values()) {
            b.weight(f, 0);
        }
        return b.figure(SegmentFigure.ERROR_SHARE, 0.01, 0, 0, 1)
                .prior(SegmentFigure.ERROR_SHARE, 0, 0.01)
                .evidence(SegmentFigure.ERROR_SHARE, 1);
    }

    /** 1000 requests from 100 callers, 10·p of them errors: pressure p under {@link #errorDriven()}. */
    static SegmentInterval pressure(long endMillis, double p) {
        return SegmentInterval.of(endMillis, 1000, 100, 0, 0, Math.round(p * 10), 0, 0);
    }

    static Drive errorDrive() {
        return errorDrive(errorDriven());
    }

    static Drive errorDrive(SegmentControllerConfig.Builder config) {
        return new Drive(new SegmentThresholdController(config.build()), SEGMENT);
    }

    static Drive defaultDrive() {
        return new Drive(new SegmentThresholdController(SegmentControllerConfig.defaults()), SEGMENT);
    }

    @Nested
    class Attacks {
        @Test
        void signupFloodFromOneAsnClampsWithinThreeIntervals() {
            Drive d = defaultDrive();
            Traffic traffic = Traffic.typical(11);
            assertThat(d.run(600, traffic::normal)).isEmpty();

            // 30 fake identities per second (×38 the usual arrivals), two signup requests each.
            List<SegmentUpdate> updates = d.run(3, t -> traffic.withSignupFlood(t, 30, 2, 0, 0));

            assertThat(d.mode()).isEqualTo(SegmentMode.CLAMPED);
            // The smoothed figures may pass through ELEVATED on the way; escalation never waits.
            SegmentUpdate clamp = updates.stream().filter(u -> u.mode == SegmentMode.CLAMPED).findFirst().orElseThrow();
            assertThat(clamp.trigger).isEqualTo(UpdateTrigger.MODE);
            assertThat(clamp.previousMode).isIn(SegmentMode.NORMAL, SegmentMode.ELEVATED);
            assertThat(clamp.driver).isIn("auth_rate", "new_identity_rate");
            assertThat(clamp.reason).startsWith(clamp.previousMode + " -> CLAMPED: " + clamp.driver + " ").contains("(z=");
            // Cap: 2 × the learned 20 req/s.
            assertThat(clamp.segmentCapRps).isCloseTo(40, within(4.0));
            assertThat(clamp.segmentCapRps).isEqualTo(2 * d.state.mean[SegmentFigure.VOLUME.ordinal()]);

            d.run(5, t -> traffic.withSignupFlood(t, 30, 2, 0, 0));
            SegmentThresholds held = d.inForce();
            assertThat(d.state.factor).isCloseTo(0.5, within(EPS));
            assertThat(held.rateLimitScore).isCloseTo(2.0, within(EPS));
            assertThat(held.quarantineScore).isEqualTo(6.0); // 10 × 0.5 = 5, lifted to the floor
        }

        @Test
        void signupFloodRecoversToNormalWithinRecoveryTimeWithoutFlapping() {
            SegmentControllerConfig config = SegmentControllerConfig.defaults();
            Drive d = defaultDrive();
            Traffic traffic = Traffic.typical(12);
            d.run(600, traffic::normal);
            d.run(120, t -> traffic.withSignupFlood(t, 30, 2, 0.1, 0));
            assertThat(d.mode()).isEqualTo(SegmentMode.CLAMPED);
            long floodEnd = d.now;

            // A few intervals for the smoothed figures to fall, then one hold per step down.
            int limit = (int) (config.recoveryMillis() / 1000) + 5;
            int intervalsToNormal = 0;
            while (d.mode() != SegmentMode.NORMAL && intervalsToNormal <= limit) {
                d.next(traffic::normal);
                intervalsToNormal++;
            }
            assertThat(intervalsToNormal).isLessThanOrEqualTo(limit).isGreaterThanOrEqualTo(60);
            // Up (NORMAL -> CLAMPED, here in one step), then down one mode per hold; never up again.
            assertThat(d.modeChanges()).isEqualTo(3);
            assertThat(d.reEscalations()).isZero();
            assertThat(d.updates.stream().filter(u -> u.trigger == UpdateTrigger.MODE).map(u -> u.mode))
                    .containsExactly(SegmentMode.CLAMPED, SegmentMode.ELEVATED, SegmentMode.NORMAL);

            // The factor is back to exactly 1 once (1 - 0.5) · 2^(-t / 15 s) < 0.005, i.e. within 100 s of calm.
            d.run(100, traffic::normal);
            assertThat(d.state.factor).isEqualTo(1.0);
            assertThat(d.inForce()).isEqualTo(SegmentThresholds.defaults());
            SegmentUpdate last = d.updates.get(d.updates.size() - 1);
            assertThat(last.rateLimitScore).isEqualTo(4.0);
            assertThat(last.timestampMillis - floodEnd).isLessThanOrEqualTo(config.recoveryMillis() + 100_000);
            // Recovery is told in steps of more than 5 %, not every interval.
            long recoveryUpdates = d.updates.stream().filter(u -> u.timestampMillis > floodEnd).count();
            assertThat(recoveryUpdates).isBetween(3L, 20L);
            assertThat(d.run(600, traffic::normal)).isEmpty();
        }

        @Test
        void newSegmentWhoseCallersAreMostlyFlaggedClampsWithoutHistory() {
            // A flood from a freshly rented range: no baseline, but the anomalous share has a prior.
            Drive d = defaultDrive();
            SegmentUpdate u = d.next(t -> SegmentInterval.of(t, 200, 80, 80, 150, 20, 60, 0));

            assertThat(u).isNotNull();
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(u.warm).isFalse();
            assertThat(u.driver).isEqualTo("anomalous_share");
            assertThat(u.reason).contains("anomalous_share 0.75 vs prior 0.01±0.02");
            // Nothing learned yet: the cap is the floor.
            assertThat(u.segmentCapRps).isEqualTo(10.0);
        }

        @Test
        void newSegmentWithoutHistoryIsNotJudgedOnRates() {
            // Rates mean nothing before the segment has its own history: a big but clean newcomer stays NORMAL.
            Drive d = defaultDrive();
            assertThat(d.run(30, t -> SegmentInterval.of(t, 5000, 900, 900, 100, 50, 5, 0))).isEmpty();
            assertThat(d.mode()).isEqualTo(SegmentMode.NORMAL);
        }
    }

    @Nested
    class FlashCrowds {
        /** Twenty segments from 5 to 11,000 req/s, each learning its own baseline for ten minutes. */
        private List<Traffic> segments() {
            List<Traffic> out = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                double volume = 5 * Math.pow(1.5, k);
                double distinct = Math.max(2, volume * 0.6);
                out.add(new Traffic(100 + k, volume, distinct, Math.max(0.05, distinct * 0.05), volume * 0.02,
                        0.02, 0.01));
            }
            return out;
        }

        @Test
        void flashCrowdSpreadOverManySegmentsLeavesEverySegmentNormal() {
            // One controller for all segments, as in a keyed operator.
            SegmentThresholdController controller = new SegmentThresholdController(SegmentControllerConfig.defaults());
            List<Traffic> segments = segments();
            for (int k = 0; k < segments.size(); k++) {
                Traffic traffic = segments.get(k);
                Drive d = new Drive(controller, "asn:" + (64500 + k));
                d.run(600, traffic::normal);
                // Volume and callers ×2..3 over a 30 s ramp, new callers ×3..4, for five minutes;
                // auth, errors and flagged callers in their usual proportions.
                double m = 2 + (k % 5) / 4.0;
                int[] i = {0};
                d.run(300, t -> {
                    double ramp = Math.min(1, i[0]++ / 30.0);
                    return traffic.scaled(t, 1 + (m - 1) * ramp, 1 + (m - 1) * ramp, 1 + m * ramp);
                });
                d.run(300, traffic::normal);

                assertThat(d.updates).as("updates of segment %d (×%.2f)", k, m).isEmpty();
                assertThat(d.modes).as("modes of segment %d", k).containsOnly(SegmentMode.NORMAL);
                assertThat(d.pressures.stream().mapToDouble(Double::doubleValue).max().orElse(0))
                        .as("peak pressure of segment %d", k)
                        .isLessThan(SegmentControllerConfig.defaults().elevatedExit);
            }
        }

        @Test
        void harsherFlashCrowdNeverClampsAndKeepsThresholdsWithinFivePercent() {
            // Volume ×3 and six times the usual newcomers at once, no ramp.
            SegmentThresholdController controller = new SegmentThresholdController(SegmentControllerConfig.defaults());
            for (Traffic traffic : segments()) {
                Drive d = new Drive(controller, "asn:1");
                d.run(600, traffic::normal);
                d.run(300, t -> traffic.scaled(t, 3, 3, 6));
                assertThat(d.modes).doesNotContain(SegmentMode.CLAMPED);
                assertThat(d.factors).allSatisfy(f -> assertThat(f).isGreaterThanOrEqualTo(0.95));
            }
        }
    }

    /**
     * The multiples {@link SegmentControllerConfig} documents, with the shipped defaults: a segment
     * learns a constant 100 req/s from 50 callers, 10 new per second, 2 auth requests per second and
     * 2 errors for ten minutes (a settled baseline), then holds one changed interval for 20 s.
     * Volume: z = (v - 100) / 100, pressure 0.5 (z - 3). New identities: z = (n - 10) / 7.5, pressure
     * 0.6 (z - 4). Auth: expected 2 × the volume multiple, scale half of that.
     */
    @Nested
    class DocumentedSensitivity {
        @ParameterizedTest(name = "{0} req/s, {1} new/s, {2} auth/s -> {3}")
        @CsvSource({
            // volume: ×3 and ×11 stay NORMAL, ×13 elevates (z 12, pressure 4.5), ×25 clamps (z 24, pressure 10.5)
            "300,  10,  6, NORMAL",
            "1100, 10, 22, NORMAL",
            "1300, 10, 26, ELEVATED",
            "2300, 10, 46, ELEVATED",
            "2500, 10, 50, CLAMPED",
            // new identities: ×6 and ×8 stay NORMAL (z 6.7, 9.3), ×10 elevates (z 12), ×16 still ELEVATED (z 20), ×17.5 clamps (z 22)
            "100,  60,  2, NORMAL",
            "100,  80,  2, NORMAL",
            "100, 100,  2, ELEVATED",
            "100, 160,  2, ELEVATED",
            "100, 175,  2, CLAMPED",
            // auth: in proportion to volume it is silent; ×30 with volume ×1.6 clamps (z 36.75)
            "300,  10,  6, NORMAL",
            "160,  10, 62, CLAMPED",
        })
        void modeAfterASustainedChange(long volume, int newIdentities, long auth, SegmentMode expected) {
            Drive d = defaultDrive();
            assertThat(d.run(600, t -> SegmentInterval.of(t, 100, 50, 10, 2, 2, 0, 0))).isEmpty();
            d.run(20, t -> SegmentInterval.of(t, volume, 50, newIdentities, auth, 2, 0, 0));
            assertThat(d.mode()).isEqualTo(expected);
        }
    }

    @Nested
    class Bounds {
        @Test
        void tighteningMovesAtMostOneStepPerInterval() {
            Drive d = errorDrive();
            assertThat(d.run(5, t -> pressure(t, 0))).isEmpty();

            List<SegmentUpdate> updates = d.run(8, t -> pressure(t, 20));

            // CLAMPED at once, but thresholds walk down 0.1 of their base per interval: 1 -> 0.5 in five.
            assertThat(updates).hasSize(5);
            assertThat(updates.get(0).trigger).isEqualTo(UpdateTrigger.MODE);
            assertThat(updates.subList(1, 5)).allSatisfy(u -> assertThat(u.trigger).isEqualTo(UpdateTrigger.THRESHOLDS));
            double[] factors = {0.9, 0.8, 0.7, 0.6, 0.5};
            double[] quarantine = {9, 8, 7, 6, 6};
            double previousRate = 4.0;
            for (int i = 0; i < 5; i++) {
                SegmentUpdate u = updates.get(i);
                assertThat(u.tighteningFactor).isCloseTo(factors[i], within(EPS));
                assertThat(u.rateLimitScore).isCloseTo(4 * factors[i], within(EPS));
                assertThat(u.releaseScore).isCloseTo(2 * factors[i], within(EPS));
                assertThat(u.quarantineScore).isCloseTo(quarantine[i], within(EPS));
                assertThat(previousRate - u.rateLimitScore).isLessThanOrEqualTo(0.1 * 4 + EPS);
                previousRate = u.rateLimitScore;
            }
            for (int i = 1; i < d.factors.size(); i++) {
                assertThat(Math.abs(d.factors.get(i) - d.factors.get(i - 1))).isLessThanOrEqualTo(0.1 + EPS);
            }
        }

        @Test
        void recoveryIsExponentialWithTheConfiguredHalfLife() {
            // No holds and no step limit, so the factor follows 1 - 0.5 · 2^(-n / 15) after n calm seconds.
            Drive d = errorDrive(errorDriven().elevatedHoldMillis(0).clampedHoldMillis(0).maxFactorStep(1));
            d.next(t -> pressure(t, 20));
            assertThat(d.state.factor).isEqualTo(0.5);

            for (int n = 1; n <= 99; n++) {
                d.next(t -> pressure(t, 0));
                assertThat(d.state.factor).as("after %d s", n).isCloseTo(1 - 0.5 * Math.pow(2, -n / 15.0), within(1e-12));
            }
            assertThat(d.factors.get(15)).isCloseTo(0.75, within(1e-12));
            d.next(t -> pressure(t, 0));
            assertThat(d.state.factor).isEqualTo(1.0); // snapped: 0.5 · 2^(-100/15) < 0.005
        }

        @Test
        void recoveryIsAlsoLimitedToOneStepPerInterval() {
            Drive d = errorDrive(errorDriven().elevatedHoldMillis(0).clampedHoldMillis(0).maxFactorStep(0.01));
            d.run(60, t -> pressure(t, 20));
            assertThat(d.state.factor).isCloseTo(0.5, within(EPS));
            // Half-life recovery would add 0.5 · (1 - 2^(-1/15)) = 0.0226 in the first second; the step allows 0.01.
            for (int n = 1; n <= 10; n++) {
                d.next(t -> pressure(t, 0));
                assertThat(d.state.factor).isCloseTo(0.5 + 0.01 * n, within(1e-9));
            }
        }

        @Test
        void thresholdsStayWithinFloorsAndCeilings() {
            Drive d = errorDrive();
            ThresholdBounds bounds = ThresholdBounds.defaults()
                    .with(Threshold.TIGHTENING_FACTOR, 0.7, 1.0)
                    .with(Threshold.RATE_LIMIT_SCORE, 3, 8)
                    .with(Threshold.QUARANTINE_SCORE, 9, 20);
            // A policy override above the rate-limit ceiling.
            d.limits = new SegmentLimits(new SegmentThresholds(9, 10, 4.5, 2, 1), bounds);

            SegmentUpdate first = d.next(t -> pressure(t, 0));
            assertThat(first.trigger).isEqualTo(UpdateTrigger.THRESHOLDS);
            assertThat(first.rateLimitScore).isEqualTo(8.0);
            assertThat(first.quarantineScore).isEqualTo(10.0);

            d.run(60, t -> pressure(t, 50));
            assertThat(d.factors).allSatisfy(f -> assertThat(f).isGreaterThanOrEqualTo(0.7 - EPS));
            SegmentThresholds held = d.inForce();
            assertThat(held.rateLimitScore).isCloseTo(6.3, within(EPS)); // 9 × 0.7
            assertThat(held.quarantineScore).isEqualTo(9.0); // 10 × 0.7 = 7, lifted to the floor
            assertThat(held.limitMultiplier).isCloseTo(1.4, within(EPS));
            assertThat(held.minLimitRps).isCloseTo(0.7, within(EPS));
            for (SegmentUpdate u : d.updates) {
                assertThat(u.rateLimitScore).isBetween(3.0, 8.0);
                assertThat(u.quarantineScore).isBetween(9.0, 20.0);
                assertThat(u.quarantineScore).isGreaterThan(u.rateLimitScore);
                assertThat(u.releaseScore).isLessThan(u.rateLimitScore);
            }
        }

        @Test
        void factorCeilingBelowOneKeepsTheSegmentTightenedWhileNormal() {
            Drive d = errorDrive();
            d.limits = new SegmentLimits(SegmentThresholds.defaults(),
                    ThresholdBounds.defaults().with(Threshold.TIGHTENING_FACTOR, 0.5, 0.8));
            SegmentUpdate u = d.next(t -> pressure(t, 0));
            assertThat(u.tighteningFactor).isEqualTo(0.8);
            assertThat(u.rateLimitScore).isCloseTo(3.2, within(EPS));
            assertThat(d.run(100, t -> pressure(t, 0))).isEmpty();
        }
    }

    @Nested
    class Hysteresis {
        @Test
        void pressureOscillatingAroundTheEnterLevelEntersOnceAndStays() {
            Drive d = errorDrive();
            int[] i = {0};
            d.run(300, t -> pressure(t, i[0]++ % 2 == 0 ? 4.5 : 3.5));

            assertThat(d.modeChanges()).isEqualTo(1);
            assertThat(d.mode()).isEqualTo(SegmentMode.ELEVATED);
            // At 4.5 the target factor is 1 - 0.5 × 0.5 / 6 = 0.958; the wobble stays within the update step.
            assertThat(d.updates).hasSize(1);
            assertThat(d.updates.get(0).tighteningFactor).isCloseTo(1 - 0.5 * 0.5 / 6, within(EPS));
        }

        @Test
        void pressureOscillatingAroundTheExitLevelNeverStepsDown() {
            Drive d = errorDrive();
            d.next(t -> pressure(t, 4.5));
            int[] i = {0};
            d.run(300, t -> pressure(t, i[0]++ % 2 == 0 ? 1.5 : 2.5));
            assertThat(d.modeChanges()).isEqualTo(1);
            assertThat(d.mode()).isEqualTo(SegmentMode.ELEVATED);
        }

        @Test
        void withoutHysteresisAndHoldTheSameSignalWouldFlapEveryInterval() {
            // The contrast that shows what the defaults buy: exit just below enter, no hold.
            Drive d = errorDrive(errorDriven().elevated(4, 3.9).elevatedHoldMillis(0));
            int[] i = {0};
            d.run(300, t -> pressure(t, i[0]++ % 2 == 0 ? 4.5 : 3.5));
            assertThat(d.modeChanges()).isEqualTo(300);
            assertThat(d.reEscalations()).isEqualTo(149);
        }

        @Test
        void modeStepsDownOnlyAfterTheHoldWithoutUncalmIntervals() {
            Drive d = errorDrive();
            d.next(t -> pressure(t, 4.5));
            long entered = d.now;
            d.run(29, t -> pressure(t, 0));
            assertThat(d.mode()).isEqualTo(SegmentMode.ELEVATED);
            SegmentUpdate down = d.next(t -> pressure(t, 0));
            assertThat(down.mode).isEqualTo(SegmentMode.NORMAL);
            assertThat(down.timestampMillis - entered).isEqualTo(30_000);
            assertThat(down.reason).isEqualTo("ELEVATED -> NORMAL: pressure 0.0, below 2.0 for 30 s");

            // One interval at or above the exit level restarts the hold.
            d.next(t -> pressure(t, 4.5));
            d.run(20, t -> pressure(t, 0));
            d.next(t -> pressure(t, 3));
            long uncalm = d.now;
            d.run(29, t -> pressure(t, 0));
            assertThat(d.mode()).isEqualTo(SegmentMode.ELEVATED);
            d.next(t -> pressure(t, 0));
            assertThat(d.mode()).isEqualTo(SegmentMode.NORMAL);
            assertThat(d.now - uncalm).isEqualTo(30_000);
        }

        @Test
        void clampedStepsDownOneModeAtATime() {
            Drive d = errorDrive();
            d.next(t -> pressure(t, 20));
            long clamped = d.now;
            d.run(90, t -> pressure(t, 0));
            List<SegmentUpdate> modeChanges = d.updates.stream().filter(u -> u.trigger == UpdateTrigger.MODE).toList();
            assertThat(modeChanges).extracting(u -> u.mode)
                    .containsExactly(SegmentMode.CLAMPED, SegmentMode.ELEVATED, SegmentMode.NORMAL);
            assertThat(modeChanges.get(1).timestampMillis - clamped).isEqualTo(30_000);
            assertThat(modeChanges.get(1).segmentCapRps).isZero();
            assertThat(modeChanges.get(2).timestampMillis - clamped).isEqualTo(60_000);
        }

        @Test
        void attackPausingShorterThanTheHoldClampsOnce() {
            Drive d = errorDrive();
            for (int cycle = 0; cycle < 20; cycle++) {
                d.run(10, t -> pressure(t, 20));
                d.run(20, t -> pressure(t, 0));
            }
            assertThat(d.modeChanges()).isEqualTo(1);
            d.run(70, t -> pressure(t, 0));
            assertThat(d.modeChanges()).isEqualTo(3);
            assertThat(d.reEscalations()).isZero();
            assertThat(d.mode()).isEqualTo(SegmentMode.NORMAL);
        }
    }

    @Nested
    class BlastRadius {
        private final SegmentThresholdController controller =
                new SegmentThresholdController(SegmentControllerConfig.defaults());

        @ParameterizedTest(name = "{0} active identities -> at most {1} quarantined")
        @CsvSource({"0, 5", "10, 5", "59, 5", "60, 6", "1000, 100", "1009, 100", "1010, 101"})
        void atMostTenPercentOfActiveIdentitiesButAlwaysFive(int active, int max) {
            assertThat(controller.maxQuarantined(active)).isEqualTo(max);
        }

        @Test
        void quarantineBeyondTheCapBecomesRateLimit() {
            assertThat(controller.mayQuarantine(99, 1000)).isTrue();
            assertThat(controller.mayQuarantine(100, 1000)).isFalse();
            assertThat(controller.mayQuarantine(4, 10)).isTrue();
            assertThat(controller.mayQuarantine(5, 10)).isFalse();
            assertThat(controller.guardQuarantine(Action.QUARANTINE, 99, 1000)).isEqualTo(Action.QUARANTINE);
            assertThat(controller.guardQuarantine(Action.QUARANTINE, 100, 1000)).isEqualTo(Action.RATE_LIMIT);
            assertThat(controller.guardQuarantine(Action.RATE_LIMIT, 500, 1000)).isEqualTo(Action.RATE_LIMIT);
            assertThat(controller.guardQuarantine(Action.ALLOW, 500, 1000)).isEqualTo(Action.ALLOW);
        }

        @Test
        void shareIsConfigurable() {
            SegmentThresholdController strict = new SegmentThresholdController(
                    SegmentControllerConfig.builder().blastRadiusShare(0.29).blastRadiusMinCount(0).build());
            assertThat(strict.maxQuarantined(100)).isEqualTo(29);
            assertThat(strict.mayQuarantine(0, 3)).isFalse();
        }

        @Test
        void updatesReportTheGuardInForce() {
            Drive d = errorDrive();
            SegmentUpdate u = d.next(t -> SegmentInterval.of(t, 1000, 300, 0, 0, 200, 0, 12));
            assertThat(u.distinctIdentities).isEqualTo(300);
            assertThat(u.quarantinedIdentities).isEqualTo(12);
            assertThat(u.maxQuarantined).isEqualTo(30);
        }
    }

    @Nested
    class Feedback {
        @Test
        void falsePositiveLoosensAClampedSegmentAndReleasesTheIdentity() {
            Drive d = errorDrive();
            d.run(10, t -> pressure(t, 20));
            assertThat(d.state.factor).isCloseTo(0.5, within(EPS));

            long reported = d.now + 500;
            FalsePositiveOutcome outcome = d.controller.onFalsePositive(SEGMENT, d.state, "user:alice", reported, d.limits);

            assertThat(outcome.identity).isEqualTo("user:alice");
            assertThat(outcome.action).isEqualTo(Action.ALLOW);
            assertThat(outcome.exemptUntilMillis).isEqualTo(reported + 3_600_000);
            SegmentUpdate u = outcome.update;
            assertThat(u.trigger).isEqualTo(UpdateTrigger.FEEDBACK);
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            // Feedback loosens thresholds, the clamp stays (at the floor cap: nothing was learned before the attack).
            assertThat(u.segmentCapRps).isEqualTo(10.0);
            assertThat(u.tighteningFactor).isCloseTo(0.6, within(EPS));
            assertThat(u.rateLimitScore).isCloseTo(2.4, within(EPS));
            assertThat(u.reason).isEqualTo(
                    "false positive reported for user:alice (1 so far): factor 0.50 -> 0.60, not tightened below it for 600 s");

            // The pressure persists, but the factor is not tightened back during the feedback hold...
            assertThat(d.run(590, t -> pressure(t, 20))).isEmpty();
            assertThat(d.state.factor).isCloseTo(0.6, within(EPS));
            // ...and afterwards tightens again, one step.
            List<SegmentUpdate> after = d.run(20, t -> pressure(t, 20));
            assertThat(after).hasSize(1);
            assertThat(after.get(0).tighteningFactor).isCloseTo(0.5, within(EPS));
        }

        @Test
        void repeatedFalsePositivesLoosenUpToTheCeiling() {
            Drive d = errorDrive();
            d.run(10, t -> pressure(t, 20));
            for (int i = 0; i < 7; i++) {
                d.controller.onFalsePositive(SEGMENT, d.state, "user:u" + i, d.now + i, d.limits);
            }
            assertThat(d.state.factor).isEqualTo(1.0);
            assertThat(d.state.falsePositives).isEqualTo(7);
        }

        @Test
        void falsePositiveOnAnUntightenedSegmentOnlyReleases() {
            Drive d = errorDrive();
            d.run(5, t -> pressure(t, 0));
            FalsePositiveOutcome outcome = d.controller.onFalsePositive(SEGMENT, d.state, "ip:203.0.113.7", d.now, d.limits);
            assertThat(outcome.action).isEqualTo(Action.ALLOW);
            assertThat(outcome.update).isNull();
            assertThat(d.state.factor).isEqualTo(1.0);
        }
    }

    @Nested
    class Manual {
        @Test
        void manualClampAppliesAtOnceAndExpires() {
            Drive d = errorDrive();
            d.run(5, t -> pressure(t, 0));
            long until = d.now + 60_000;

            SegmentUpdate clamp = d.controller.forceClamp(SEGMENT, d.state, 50, until, d.now, d.limits, "policy v7");

            assertThat(clamp.trigger).isEqualTo(UpdateTrigger.MANUAL);
            assertThat(clamp.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(clamp.segmentCapRps).isEqualTo(50.0);
            assertThat(clamp.manual).isTrue();
            assertThat(clamp.manualUntilMillis).isEqualTo(until);
            assertThat(clamp.reason).isEqualTo(
                    "NORMAL -> CLAMPED: manual clamp at 50.0 req/s until 2023-11-14T22:14:25Z (policy v7)");
            // Re-applying the same override (every policy broadcast does) changes nothing.
            assertThat(d.controller.forceClamp(SEGMENT, d.state, 50, until, d.now, d.limits, "policy v7")).isNull();

            // Calm traffic does not end it; thresholds walk to their floor as in any clamp.
            List<SegmentUpdate> during = d.run(59, t -> pressure(t, 0));
            assertThat(during).hasSize(5).allSatisfy(u -> assertThat(u.trigger).isEqualTo(UpdateTrigger.THRESHOLDS));
            assertThat(d.modes).endsWith(SegmentMode.CLAMPED);
            assertThat(d.state.factor).isCloseTo(0.5, within(EPS));

            SegmentUpdate expiry = d.next(t -> pressure(t, 0));
            assertThat(d.now).isEqualTo(until);
            assertThat(expiry.trigger).isEqualTo(UpdateTrigger.MANUAL);
            assertThat(expiry.mode).isEqualTo(SegmentMode.NORMAL);
            assertThat(expiry.manual).isFalse();
            assertThat(expiry.segmentCapRps).isZero();
            assertThat(expiry.reason).isEqualTo("CLAMPED -> NORMAL: manual clamp expired; pressure 0.0");
            assertThat(expiry.tighteningFactor).isCloseTo(1 - 0.5 * Math.pow(2, -1 / 15.0), within(EPS));
        }

        @Test
        void manualReleaseHoldsNormalThroughAnAttackUntilItExpires() {
            Drive d = errorDrive();
            d.run(10, t -> pressure(t, 20));
            long until = d.now + 30_000;

            SegmentUpdate release = d.controller.forceRelease(SEGMENT, d.state, until, d.now, d.limits, null);

            assertThat(release.mode).isEqualTo(SegmentMode.NORMAL);
            assertThat(release.tighteningFactor).isEqualTo(1.0);
            assertThat(release.rateLimitScore).isEqualTo(4.0);
            assertThat(release.segmentCapRps).isZero();
            assertThat(d.run(29, t -> pressure(t, 20))).isEmpty();
            assertThat(d.modes.subList(10, 39)).containsOnly(SegmentMode.NORMAL);

            // No hold after the human's: straight back to what the pressure says.
            SegmentUpdate expiry = d.next(t -> pressure(t, 20));
            assertThat(expiry.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(expiry.reason).isEqualTo("NORMAL -> CLAMPED: manual release expired; pressure 20.0");
            assertThat(expiry.segmentCapRps).isEqualTo(2000.0);
        }

        @Test
        void withdrawnOverrideResumesFromThePressure() {
            Drive d = errorDrive();
            d.run(3, t -> pressure(t, 0));
            d.controller.forceClamp(SEGMENT, d.state, 50, d.now + 600_000, d.now);
            SegmentUpdate cleared = d.controller.clearManual(SEGMENT, d.state, d.now + 10, d.limits);
            assertThat(cleared.mode).isEqualTo(SegmentMode.NORMAL);
            assertThat(cleared.reason).isEqualTo("CLAMPED -> NORMAL: manual clamp withdrawn; pressure 0.0");
            assertThat(d.controller.clearManual(SEGMENT, d.state, d.now + 20, d.limits)).isNull();
        }

        @Test
        void expiredOrInvalidOverridesAreRefused() {
            Drive d = errorDrive();
            assertThat(d.controller.forceClamp(SEGMENT, d.state, 50, d.now, d.now)).isNull();
            assertThat(d.controller.forceRelease(SEGMENT, d.state, d.now - 1, d.now)).isNull();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> d.controller.forceClamp(SEGMENT, d.state, 0, d.now + 1000, d.now))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("manual clamp needs a positive, finite cap, got 0.0");
        }
    }

    @Nested
    class Updates {
        @Test
        void noUpdateWhileNothingChanges() {
            Drive d = defaultDrive();
            Traffic traffic = Traffic.typical(21);
            assertThat(d.run(3600, traffic::normal)).isEmpty();
            assertThat(d.modes).containsOnly(SegmentMode.NORMAL);

            // Nor while a clamp holds steady.
            Drive e = errorDrive();
            e.run(10, t -> pressure(t, 20));
            assertThat(e.run(300, t -> pressure(t, 20))).isEmpty();
        }

        @Test
        void versionsStrictlyIncreaseAcrossEveryKindOfUpdate() {
            Drive d = errorDrive();
            d.run(10, t -> pressure(t, 20));
            // Reported late (event time before the latest interval): the version still goes up.
            d.updates.add(d.controller.onFalsePositive(SEGMENT, d.state, "user:bob", d.now - 5000, d.limits).update);
            d.updates.add(d.controller.forceRelease(SEGMENT, d.state, d.now + 5000, d.now, d.limits, null));
            d.run(10, t -> pressure(t, 20));
            d.updates.add(d.controller.forceClamp(SEGMENT, d.state, 100, d.now + 5000, d.now));
            d.updates.add(d.controller.clearManual(SEGMENT, d.state, d.now));
            d.run(200, t -> pressure(t, 0));

            assertThat(d.updates).hasSizeGreaterThan(15);
            long previous = 0;
            for (SegmentUpdate u : d.updates) {
                assertThat(u.version).isGreaterThan(previous).isGreaterThanOrEqualTo(u.timestampMillis);
                previous = u.version;
            }
            assertThat(d.state.version).isEqualTo(previous);
        }

        @Test
        void lateOrRepeatedIntervalIsIgnored() {
            Drive d = errorDrive();
            d.run(5, t -> pressure(t, 0));
            SegmentState before = d.state.copy();
            assertThat(d.controller.onInterval(SEGMENT, d.state, pressure(d.now, 50))).isNull();
            assertThat(d.controller.onInterval(SEGMENT, d.state, pressure(d.now - 3000, 50))).isNull();
            assertThat(d.state).usingRecursiveComparison().isEqualTo(before);
        }

        @Test
        void newBaseThresholdsFromAPolicyAreToldOnce() {
            Drive d = errorDrive();
            d.run(5, t -> pressure(t, 0));
            d.limits = new SegmentLimits(SegmentThresholds.defaults().with(3, 8, Double.NaN, Double.NaN),
                    ThresholdBounds.defaults());
            List<SegmentUpdate> updates = d.run(20, t -> pressure(t, 0));
            assertThat(updates).hasSize(1);
            assertThat(updates.get(0).rateLimitScore).isEqualTo(3.0);
            assertThat(updates.get(0).quarantineScore).isEqualTo(8.0);
            assertThat(updates.get(0).releaseScore).isEqualTo(1.5);
            assertThat(updates.get(0).reason).isEqualTo("NORMAL: base thresholds or bounds changed (policy); factor 1.00");
        }

        @Test
        void reasonNamesTheFigureItsBaselineAndItsZScore() {
            // Only new identities count; no smoothing; warm after five intervals.
            SegmentControllerConfig.Builder b = SegmentControllerConfig.builder().warmupIntervals(5).smoothingAlpha(1);
            for (SegmentFigure f : SegmentFigure.values()) {
                b.weight(f, 0);
            }
            Drive d = errorDrive(b.figure(SegmentFigure.NEW_IDENTITY_RATE, 0.5, 0, 0, 1));
            // 1, 1, 1, 1, 0 new per second: mean 0.8, spread 0.4 (under the 0.5 floor).
            int[] n = {1, 1, 1, 1, 0};
            for (int k : n) {
                assertThat(d.next(t -> SegmentInterval.of(t, 10, 5, k, 0, 0, 0, 0))).isNull();
            }

            SegmentUpdate u = d.next(t -> SegmentInterval.of(t, 50, 45, 41, 0, 0, 0, 0));

            assertThat(u.reason).isEqualTo(
                    "NORMAL -> CLAMPED: new_identity_rate 41.0/s vs baseline 0.8±0.5 (z=80.4); pressure 80.4 >= 10.0");
            int i = SegmentFigure.NEW_IDENTITY_RATE.ordinal();
            assertThat(u.figures[i]).isEqualTo(41.0);
            assertThat(u.baselineMean[i]).isCloseTo(0.8, within(EPS));
            assertThat(u.baselineSpread[i]).isCloseTo(0.4, within(EPS));
            assertThat(u.expected[i]).isCloseTo(0.8, within(EPS));
            assertThat(u.scale[i]).isEqualTo(0.5);
            assertThat(u.zScores[i]).isCloseTo(80.4, within(EPS));
            assertThat(u.pressures[i]).isCloseTo(80.4, within(EPS));
            assertThat(u.pressure).isCloseTo(80.4, within(EPS));
        }
    }

    @Nested
    class StateRoundTrip {
        @Test
        void stateIsAFlinkPojo() {
            for (Field f : SegmentState.class.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                assertThat(Modifier.isPublic(f.getModifiers())).as(f.getName() + " is public").isTrue();
                assertThat(Modifier.isFinal(f.getModifiers())).as(f.getName() + " is not final").isFalse();
                assertThat(f.getType().isPrimitive() || f.getType().isEnum() || f.getType() == double[].class)
                        .as(f.getName() + " is a primitive, an enum or a primitive array").isTrue();
            }
        }

        @Test
        void intervalAndUpdateAreFlinkPojos() throws Exception {
            for (Class<?> type : new Class<?>[] {SegmentInterval.class, SegmentUpdate.class, SegmentState.class}) {
                assertThat(type.getConstructor()).as(type.getSimpleName() + " has a public no-arg constructor").isNotNull();
                for (Field f : type.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        assertThat(f.getModifiers() & (Modifier.PUBLIC | Modifier.FINAL))
                                .as(type.getSimpleName() + "." + f.getName() + " is public and not final")
                                .isEqualTo(Modifier.PUBLIC);
                    }
                }
            }
        }

        @Test
        void stateCopiedFieldByFieldContinuesIdentically() throws Exception {
            Drive original = defaultDrive();
            Traffic traffic = Traffic.typical(31);
            original.run(300, traffic::normal);
            original.run(20, t -> traffic.withSignupFlood(t, 30, 2, 0.1, 0.3));
            original.controller.onFalsePositive(SEGMENT, original.state, "user:carol", original.now, original.limits);

            // A restore: every public field into a fresh instance, driven by a fresh controller.
            Drive restored = new Drive(new SegmentThresholdController(SegmentControllerConfig.defaults()), SEGMENT);
            restored.state = fieldByFieldCopy(original.state);
            restored.now = original.now;
            assertThat(restored.state).usingRecursiveComparison().isEqualTo(original.state.copy());

            List<SegmentInterval> rest = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                long end = original.now + 1000L * (i + 1);
                rest.add(i < 60 ? traffic.withSignupFlood(end, 30, 2, 0.1, 0.3) : traffic.normal(end));
            }
            int before = original.updates.size();
            int[] k = {0};
            int[] j = {0};
            original.run(rest.size(), t -> rest.get(k[0]++));
            restored.run(rest.size(), t -> rest.get(j[0]++));

            List<SegmentUpdate> continued = original.updates.subList(before, original.updates.size());
            assertThat(continued).isNotEmpty();
            assertThat(restored.updates).usingRecursiveFieldByFieldElementComparator().isEqualTo(continued);
            assertThat(restored.state).usingRecursiveComparison().isEqualTo(original.state);
        }

        private SegmentState fieldByFieldCopy(SegmentState s) throws IllegalAccessException {
            SegmentState copy = new SegmentState();
            for (Field f : SegmentState.class.getFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Object value = f.get(s);
                f.set(copy, value instanceof double[] a ? a.clone() : value);
            }
            return copy;
        }
    }

    @Test
    void oneControllerServesManySegmentsIndependently() {
        SegmentThresholdController controller = new SegmentThresholdController(errorDriven().build());
        Drive attacked = new Drive(controller, "asn:64666");
        Drive sibling = new Drive(controller, "asn:64500");
        for (int i = 0; i < 60; i++) {
            attacked.next(t -> pressure(t, 20));
            sibling.next(t -> pressure(t, 0));
        }
        assertThat(attacked.mode()).isEqualTo(SegmentMode.CLAMPED);
        assertThat(sibling.modes).containsOnly(SegmentMode.NORMAL);
        assertThat(sibling.updates).isEmpty();
        assertThat(attacked.updates).allSatisfy(u -> assertThat(u.segment).isEqualTo("asn:64666"));
    }
}
