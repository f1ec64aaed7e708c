package io.meshguard.detect;

import static java.lang.Math.exp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.baseline.BaselineConfig;
import io.meshguard.baseline.BaselineView;
import io.meshguard.baseline.PeerBaselines;
import io.meshguard.baseline.ScoringConfig;
import io.meshguard.features.Feature;
import io.meshguard.features.FeatureConfig;
import io.meshguard.features.PathClass;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentThresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scripted identities through {@link IdentityDetector}: escalation, quarantine, release, learning
 * and baseline selection.
 *
 * <p>Most scripts score on rate_short alone (every other weight is 0) against the prior (centre
 * 0.5, spread 1, floors 1 and 0.5 × 0.5). The score is then max(0, rate - 0.5 - 2): rate-limit at
 * a rate of 6.5, quarantine at 12.5, release below 4.5. A burst at one instant of an identity
 * younger than 5 s has rate k / (10 (1 - e^-0.5)) = k / 3.93469 after k requests.
 */
class IdentityDetectorTest {

    private static final long T0 = 1_700_000_040_000L;
    private static final String SEGMENT = "asn:64500";
    private static final double SHORT_SECONDS_YOUNG = 10 * (1 - exp(-0.5)); // 3.93469

    /** Scores on rate_short only, against a prior stated here rather than the shipped defaults. */
    private static ScoringConfig.Builder rateOnly() {
        ScoringConfig.Builder b = ScoringConfig.builder()
                .noiseGate(2)
                .deviationCap(20)
                .evidenceRequests(10)
                .prior(Feature.RATE_SHORT, 0.5, 1)
                .absoluteFloor(Feature.RATE_SHORT, 1)
                .relativeFloor(Feature.RATE_SHORT, 0.5)
                .prior(Feature.RATIO_404, 0.02, 0.1)
                .absoluteFloor(Feature.RATIO_404, 0.1)
                .relativeFloor(Feature.RATIO_404, 0);
        for (Feature f : Feature.values()) {
            b.weight(f, f == Feature.RATE_SHORT ? 1 : 0);
        }
        return b;
    }

    /** Never warm: the identity is always compared with peers or the prior. */
    private static BaselineConfig.Builder neverWarm() {
        return BaselineConfig.builder().sampleIntervalMillis(1000).warmupSamples(1_000_000);
    }

    private static DecisionConfig.Builder decisions() {
        return DecisionConfig.builder()
                .rateLimitScore(4)
                .quarantineScore(10)
                .releaseScore(2)
                .releaseHoldMillis(30_000)
                .quarantineTtlSeconds(60)
                .minLimitRps(1)
                .limitMultiplier(3)
                .maxReasons(4);
    }

    private static DetectionConfig config(
            BaselineConfig.Builder baseline, ScoringConfig.Builder scoring, DecisionConfig.Builder decisions) {
        return new DetectionConfig(FeatureConfig.defaults(), baseline.build(), scoring.build(), decisions.build());
    }

    /** One identity driven through a detector, remembering which event caused which decision. */
    private static final class Script {
        final IdentityDetector detector;
        final IdentityState state = new IdentityState();
        final String identity;
        final IdentityType type;
        final String segment;
        final List<Decision> decisions = new ArrayList<>();
        /** 1-based index of the event behind each decision. */
        final List<Integer> causes = new ArrayList<>();
        /** Thresholds in force; null sends through the overload with the configured cut-offs. */
        SegmentThresholds thresholds;
        int events;

        Script(IdentityDetector detector, String identity, IdentityType type, String segment) {
            this.detector = detector;
            this.identity = identity;
            this.type = type;
            this.segment = segment;
        }

        Script(DetectionConfig config) {
            this(new IdentityDetector(config, new PeerBaselines(config.baseline)), "ip:203.0.113.7",
                    IdentityType.IP, SEGMENT);
        }

        Decision send(MeshEvents event) {
            MeshEvent e = event.identity(identity, type).segment(segment).build();
            events++;
            Decision d = thresholds == null
                    ? detector.onEvent(identity, state, e)
                    : detector.onEvent(identity, state, e, thresholds);
            if (d != null) {
                decisions.add(d);
                causes.add(events);
            }
            return d;
        }

        Decision send(long t) {
            return send(MeshEvents.at(t));
        }

        /** {@code count} requests at the same instant; the last decision, if any. */
        Decision burst(long t, int count) {
            Decision last = null;
            for (int i = 0; i < count; i++) {
                Decision d = send(t);
                last = d != null ? d : last;
            }
            return last;
        }

        /** One request every {@code periodMillis} from {@code from} to {@code to}, inclusive. */
        void stream(long from, long to, long periodMillis) {
            for (long t = from; t <= to; t += periodMillis) {
                send(t);
            }
        }

        List<Action> actions() {
            return decisions.stream().map(d -> d.action).toList();
        }

        List<Long> times() {
            return decisions.stream().map(d -> d.timestampMillis - T0).toList();
        }
    }

    @Nested
    class Escalation {
        private final Script script = new Script(config(neverWarm(), rateOnly(), decisions()));

        @Test
        void burstEscalatesToRateLimitThenQuarantineWithOneDecisionPerChange() {
            script.burst(T0, 100);

            // rate-limit once k / 3.93469 >= 6.5, k >= 25.58; quarantine once >= 12.5, k >= 49.18
            assertThat(script.causes).containsExactly(26, 50);
            Decision limit = script.decisions.get(0);
            assertThat(limit.previousAction).isEqualTo(Action.ALLOW);
            assertThat(limit.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(limit.timestampMillis).isEqualTo(T0);
            // 26 / 3.93469 - 2.5 = 4.1079
            assertThat(limit.score).isCloseTo(26 / SHORT_SECONDS_YOUNG - 2.5, within(1e-9));
            // max(1, 3 × prior centre 0.5)
            assertThat(limit.limitRps).isEqualTo(1.5);
            assertThat(limit.ttlSeconds).isZero();
            assertThat(limit.baselineKind).isEqualTo("prior");
            assertThat(limit.identity).isEqualTo("ip:203.0.113.7");
            assertThat(limit.identityType).isEqualTo(IdentityType.IP);
            assertThat(limit.segment).isEqualTo(SEGMENT);
            assertThat(limit.rateLimitScore).isEqualTo(4);
            assertThat(limit.quarantineScore).isEqualTo(10);
            assertThat(limit.releaseScore).isEqualTo(2);

            Decision quarantine = script.decisions.get(1);
            assertThat(quarantine.previousAction).isEqualTo(Action.RATE_LIMIT);
            assertThat(quarantine.action).isEqualTo(Action.QUARANTINE);
            // 50 / 3.93469 - 2.5 = 10.2075
            assertThat(quarantine.score).isCloseTo(50 / SHORT_SECONDS_YOUNG - 2.5, within(1e-9));
            assertThat(quarantine.ttlSeconds).isEqualTo(60);
            assertThat(quarantine.limitRps).isZero();
            assertThat(script.state.action).isEqualTo(Action.QUARANTINE);
            assertThat(script.state.quarantineUntilMillis).isEqualTo(T0 + 60_000);
        }

        @Test
        void versionsIncreaseStrictlyAndNeverFallBelowEventTime() {
            script.burst(T0, 100);
            // first: max(0 + 1, T0); second at the same instant: max(T0 + 1, T0)
            assertThat(script.decisions.get(0).version).isEqualTo(T0);
            assertThat(script.decisions.get(1).version).isEqualTo(T0 + 1);
            assertThat(script.state.version).isEqualTo(T0 + 1);
        }

        @Test
        void versionContinuesAboveAnEarlierHigherVersion() {
            script.state.version = T0 + 500_000; // e.g. a decision made before the state was evicted
            script.detector.setPolicyVersion(7);
            script.burst(T0, 30);
            assertThat(script.decisions).hasSize(1);
            assertThat(script.decisions.get(0).version).isEqualTo(T0 + 500_001);
            assertThat(script.decisions.get(0).policyVersion).isEqualTo(7);
        }

        @Test
        void calmIdentityNeverGetsADecision() {
            script.stream(T0, T0 + 600_000, 1000);
            assertThat(script.decisions).isEmpty();
            assertThat(script.state.action).isEqualTo(Action.ALLOW);
        }

        @Test
        void oneSevereEventCanQuarantineStraightFromAllow() {
            Script sensitive = new Script(config(
                    neverWarm(),
                    rateOnly()
                            .weight(Feature.SENSITIVE_RATE, 10)
                            .prior(Feature.SENSITIVE_RATE, 0, 0.01)
                            .absoluteFloor(Feature.SENSITIVE_RATE, 0.01),
                    decisions()));
            sensitive.send(MeshEvents.at(T0).path("/.env").flags(PathClass.SENSITIVE));
            // a newcomer's medium rates cover 60 (1 - e^-20/60) = 17.008 s: 1 / 17.008 = 0.05880 req/s,
            // z = 0.05880 / 0.01 = 5.880, score 10 × (5.880 - 2) = 38.80
            assertThat(sensitive.actions()).containsExactly(Action.QUARANTINE);
            assertThat(sensitive.decisions.get(0).previousAction).isEqualTo(Action.ALLOW);
            assertThat(sensitive.decisions.get(0).score)
                    .isCloseTo(10 * (1 / (60 * (1 - exp(-20.0 / 60))) / 0.01 - 2), within(1e-9));
        }

        @ParameterizedTest(name = "prior rate {0} × {1}, at least {2}: limit {3}")
        @CsvSource({
            "0.5, 3, 1,   1.5",  // 3 × 0.5
            "0.2, 3, 1,   1.0",  // 3 × 0.2 = 0.6, raised to the minimum
            "2.0, 2, 1,   4.0",  // 2 × 2
            "0.5, 3, 2.5, 2.5"   // 1.5, raised to the minimum
        })
        void limitIsAMultipleOfTheTypicalRateButNeverBelowTheMinimum(
                double priorRate, double multiplier, double minLimit, double expected) {
            Script s = new Script(config(
                    neverWarm(),
                    rateOnly().prior(Feature.RATE_SHORT, priorRate, 1),
                    decisions().limitMultiplier(multiplier).minLimitRps(minLimit)));
            s.burst(T0, 200);
            assertThat(s.decisions.get(0).action).isEqualTo(Action.RATE_LIMIT);
            assertThat(s.decisions.get(0).limitRps).isCloseTo(expected, within(1e-12));
            assertThat(s.state.limitRps).isZero(); // the burst went on into quarantine
        }
    }

    @Nested
    class Quarantine {
        private final Script script = new Script(config(neverWarm(), rateOnly(), decisions().releaseHoldMillis(40_000)));

        @Test
        void steadyAbuseIsQuarantinedAndRenewedEveryTtl() {
            // 20 req/s: after n requests 50 ms apart the rate is (1 - e^-0.005n) / (1 - e^-0.005) / 3.93469;
            // >= 6.5 from n = 28 (1.35 s), >= 12.5 from n = 57 (2.8 s); steady state 20.05 req/s, score 17.5
            script.stream(T0, T0 + 130_000, 50);

            assertThat(script.actions()).containsExactly(
                    Action.RATE_LIMIT, Action.QUARANTINE, Action.QUARANTINE, Action.QUARANTINE);
            // renewed by the first request at or after each expiry: 2.8 s + 60 s, + 60 s
            assertThat(script.times()).containsExactly(1_350L, 2_800L, 62_800L, 122_800L);
            Decision renewal = script.decisions.get(2);
            assertThat(renewal.previousAction).isEqualTo(Action.QUARANTINE);
            assertThat(renewal.ttlSeconds).isEqualTo(60);
            assertThat(script.state.quarantineUntilMillis).isEqualTo(T0 + 182_800);
            assertThat(script.decisions).extracting(d -> d.version)
                    .containsExactly(T0 + 1_350, T0 + 2_800, T0 + 62_800, T0 + 122_800);
        }

        @Test
        void quarantineHoldsForItsTtlEvenWhenTheIdentityCalmsDown() {
            script.stream(T0, T0 + 30_000, 50); // quarantined at 2.8 s, abusive until 30 s
            assertThat(script.actions()).containsExactly(Action.RATE_LIMIT, Action.QUARANTINE);

            // 50 s: 200.5 e^-2 + 1 = 28.1 requests over 10 (1 - e^-5) s = 2.83 req/s, score 0.33:
            // calm, but the quarantine runs until 62.8 s
            assertThat(script.send(T0 + 50_000)).isNull();
            assertThat(script.send(T0 + 62_799)).isNull();

            // 62.8 s: expired and calm (score 0), but only 32.8 s since the last score >= 4 at 30 s,
            // less than the 40 s hold: stepped down to a rate limit, not released
            Decision stepDown = script.send(T0 + 62_800);
            assertThat(stepDown.previousAction).isEqualTo(Action.QUARANTINE);
            assertThat(stepDown.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(stepDown.limitRps).isEqualTo(1.5);

            assertThat(script.send(T0 + 65_000)).isNull(); // 35 s < 40 s
            Decision release = script.send(T0 + 70_000); // 40 s since the last abusive request
            assertThat(release.previousAction).isEqualTo(Action.RATE_LIMIT);
            assertThat(release.action).isEqualTo(Action.ALLOW);
            assertThat(release.reasons).containsExactly("score 0.00 stayed below release 2.00 for 40.0 s");

            assertThat(script.times()).containsExactly(1_350L, 2_800L, 62_800L, 70_000L);
            assertThat(script.decisions).extracting(d -> d.version)
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .containsExactly(T0 + 1_350, T0 + 2_800, T0 + 62_800, T0 + 70_000);
        }
    }

    @Nested
    class Release {
        private final Script script = new Script(config(neverWarm(), rateOnly(), decisions()));

        @Test
        void rateLimitIsReleasedOnlyAfterTheHold() {
            script.burst(T0, 30); // rate-limited at the 26th; 30 / 3.93469 = 7.62, score 5.12 < 10
            assertThat(script.actions()).containsExactly(Action.RATE_LIMIT);

            // 10 s: (30 e^-1 + 1) / (10 (1 - e^-1)) = 1.90 req/s, score 0 — but only 10 s since T0
            assertThat(script.send(T0 + 10_000)).isNull();
            assertThat(script.send(T0 + 20_000)).isNull();
            assertThat(script.send(T0 + 29_999)).isNull();
            Decision release = script.send(T0 + 30_000);

            assertThat(release.previousAction).isEqualTo(Action.RATE_LIMIT);
            assertThat(release.action).isEqualTo(Action.ALLOW);
            assertThat(release.limitRps).isZero();
            assertThat(release.ttlSeconds).isZero();
            assertThat(release.version).isEqualTo(T0 + 30_000);
            assertThat(release.reasons).containsExactly("score 0.00 stayed below release 2.00 for 30.0 s");
            assertThat(script.state.action).isEqualTo(Action.ALLOW);
        }

        @Test
        void renewedAbuseRestartsTheHold() {
            script.burst(T0, 30);
            // 20 s: 30 e^-2 = 4.06 left; 60 more gives 64.1 / (10 (1 - e^-2)) = 7.41 req/s, score 4.91:
            // still rate-limited (no decision), and the hold starts again
            assertThat(script.burst(T0 + 20_000, 60)).isNull();
            assertThat(script.send(T0 + 40_000)).isNull(); // 40 s after T0 but 20 s after the new abuse
            Decision release = script.send(T0 + 50_000);
            assertThat(release.action).isEqualTo(Action.ALLOW);
            assertThat(script.causes).containsExactly(26, 92);
        }

        @Test
        void releaseWaitsForTheHoldBelowTheReleaseScore() {
            script.burst(T0, 30); // rate-limited; score >= 4 until about 11 s
            // 5 req/s: the rate settles at 5.05, score 2.55 — between release 2 and rate-limit 4 — until 60 s
            script.stream(T0 + 200, T0 + 60_000, 200);
            // 70 s: (50.5 e^-1 + 1) / 10 = 1.96 req/s, score 0: the first calm score, 10 s after the
            // last score >= 2 at 60 s
            assertThat(script.send(T0 + 70_000)).isNull();
            assertThat(script.send(T0 + 80_000)).isNull();
            Decision release = script.send(T0 + 90_000);
            assertThat(release).isNotNull();
            assertThat(release.action).isEqualTo(Action.ALLOW);
        }
    }

    @Nested
    class SegmentThresholdsInForce {
        private final Script script = new Script(config(neverWarm(), rateOnly(), decisions()));

        @Test
        void tightenedThresholdsEscalateSoonerAndAreRecordedOnTheDecision() {
            // rate-limit at score 2 (rate 4.5): k >= 4.5 × 3.93469 = 17.7; quarantine at 6 (rate 8.5): k >= 33.4
            script.thresholds = new SegmentThresholds(2, 6, 1, 1.5, 0.5);
            script.burst(T0, 40);

            assertThat(script.causes).containsExactly(18, 34);
            Decision limit = script.decisions.get(0);
            assertThat(limit.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(limit.trigger).isEqualTo(Decision.TRIGGER_SCORE);
            assertThat(limit.rateLimitScore).isEqualTo(2);
            assertThat(limit.quarantineScore).isEqualTo(6);
            assertThat(limit.releaseScore).isEqualTo(1);
            // max(0.5, 1.5 × prior centre 0.5)
            assertThat(limit.limitRps).isEqualTo(0.75);
            // the quarantine lifetime stays the configured one
            assertThat(script.decisions.get(1).ttlSeconds).isEqualTo(60);
        }

        @Test
        void configuredCutOffsAreTheDefaultThresholds() {
            script.thresholds = SegmentThresholds.of(decisions().build());
            script.burst(T0, 100);
            assertThat(script.causes).containsExactly(26, 50);
            assertThat(script.decisions).allSatisfy(d -> assertThat(d.trigger).isEqualTo(Decision.TRIGGER_SCORE));
        }

        @Test
        void releaseIsJudgedAndExplainedWithTheSegmentsReleaseScoreButTheConfiguredHold() {
            // release 0.5 instead of 2: the identity must calm down further
            script.thresholds = new SegmentThresholds(4, 10, 0.5, 3, 1);
            script.burst(T0, 30);
            assertThat(script.actions()).containsExactly(Action.RATE_LIMIT);

            // 30 s: (30 e^-3 + 1) / (10 (1 - e^-3)) = 0.26 req/s, score 0 < 0.5, 30 s since the last score >= 0.5
            Decision release = script.send(T0 + 30_000);
            assertThat(release.action).isEqualTo(Action.ALLOW);
            assertThat(release.releaseScore).isEqualTo(0.5);
            assertThat(release.reasons).containsExactly("score 0.00 stayed below release 0.50 for 30.0 s");
        }

        @Test
        void detectorReportsNewPathsPastTheGraceAndTheTypicalRate() {
            IdentityState state = new IdentityState();
            List<Boolean> newPath = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                script.detector.onEvent("ip:203.0.113.7", state, MeshEvents.at(T0 + i).path("/p/" + i).build());
                newPath.add(script.detector.lastPathWasNew());
            }
            // the first 8 distinct paths are the grace; a repeated path is never new
            assertThat(newPath).containsExactly(false, false, false, false, false, false, false, false, true, true);
            script.detector.onEvent("ip:203.0.113.7", state, MeshEvents.at(T0 + 20).path("/p/9").build());
            assertThat(script.detector.lastPathWasNew()).isFalse();
            // judged against the prior: its rate_short centre
            assertThat(script.detector.lastTypicalRps()).isEqualTo(0.5);
        }
    }

    @Nested
    class Learning {
        @Test
        void noLearningWhileRateLimited() {
            Script script = new Script(config(neverWarm(), rateOnly(), decisions()));
            // one request per second for 10 s: the first sets the sample clock, then one sample per second
            script.stream(T0, T0 + 10_000, 1000);
            assertThat(script.state.baseline.samples).isEqualTo(10);

            // 11 s: 6.34 decayed requests, + 1 = 7.34 over 10 (1 - e^-1.1) = 6.67 s: 1.10 req/s, calm,
            // sampled (11); 6.5 req/s needs 6.5 × 6.67 = 43.4 requests, 6.34 + 38: the 38th of the burst
            script.burst(T0 + 11_000, 40);
            assertThat(script.actions()).containsExactly(Action.RATE_LIMIT);
            assertThat(script.causes).containsExactly(11 + 38);
            assertThat(script.state.baseline.samples).isEqualTo(11);

            // 10 req/s for 20 s keeps the score between 4.1 and 7.3: 20 sample times, none learned
            script.stream(T0 + 11_100, T0 + 31_000, 100);
            assertThat(script.actions()).containsExactly(Action.RATE_LIMIT);
            assertThat(script.state.baseline.samples).isEqualTo(11);
        }

        @Test
        void noLearningWhileAllowedButAboveTheReleaseScore() {
            Script script = new Script(config(neverWarm(), rateOnly(), decisions()));
            // 5 req/s: after n requests 200 ms apart, (1 - e^-0.02n) / (1 - e^-0.02) / 3.93469 >= 4.5
            // from n = 22 (4.2 s); from 5 s on the rate is 5.05, score 2.55: allowed, not calm
            script.stream(T0, T0 + 60_000, 200);
            assertThat(script.decisions).isEmpty();
            // learned at 1, 2, 3 and 4 s only
            assertThat(script.state.baseline.samples).isEqualTo(4);
        }

        @Test
        void sampleIntervalLimitsLearning() {
            Script script = new Script(config(neverWarm().sampleIntervalMillis(5000), rateOnly(), decisions()));
            script.stream(T0, T0 + 60_000, 1000);
            // sample clock set at 0 s; learned at 5, 10, ..., 60 s
            assertThat(script.state.baseline.samples).isEqualTo(12);
            assertThat(script.state.baseline.lastSampleMillis).isEqualTo(T0 + 60_000);
        }
    }

    @Nested
    class BaselineSelection {
        private final DetectionConfig config = config(
                BaselineConfig.builder()
                        .sampleIntervalMillis(1000)
                        .warmupSamples(3)
                        .minPeerSamples(5)
                        .peerSamplesPerSecond(100)
                        .peerGenerationMillis(86_400_000),
                rateOnly(),
                decisions());
        private final PeerBaselines peers = new PeerBaselines(config.baseline);
        private final IdentityDetector detector = new IdentityDetector(config, peers);

        private Script identity(String name, IdentityType type, String segment) {
            return new Script(detector, name, type, segment);
        }

        @Test
        void kindMovesFromPriorToPeersToOwnAsHistoryAccrues() {
            Script first = identity("ip:198.51.100.1", IdentityType.IP, "asn:1");
            first.burst(T0, 30);
            assertThat(first.decisions.get(0).baselineKind).isEqualTo("prior");

            // a veteran at 1 req/s: sampled at 1..10 s, warm after 3 samples, offered to peers at 3..10 s
            Script veteran = identity("ip:198.51.100.2", IdentityType.IP, "asn:1");
            veteran.stream(T0, T0 + 10_000, 1000);
            assertThat(veteran.state.baseline.samples).isEqualTo(10);
            assertThat(peers.lookup("asn:1", IdentityType.IP)).isNotNull();

            // 11 s: sample 11 (1.10 req/s), then a burst; own rate mean of the 11 samples:
            // (0.4841 + 0.6922 + 0.8805 + 1.0508 + 1.2050 + 1.1725 + 1.1495 + 1.1324 + 1.1193 + 1.1090
            //  + 1.1007) / 11 = 1.0087; score 4 at rate 7.0087, reached by 7.34 + 59 = 66.3 requests
            Decision own = veteran.burst(T0 + 11_000, 60);
            assertThat(own.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(own.baselineKind).isEqualTo("own");
            assertThat(own.baselineCenter[Feature.RATE_SHORT.ordinal()]).isCloseTo(1.0087, within(1e-3));
            // 3 × 1.0087
            assertThat(own.limitRps).isCloseTo(3.0262, within(1e-3));

            // a newcomer in the same segment: the veteran's 9 peer samples (3..11 s), median 1.1193;
            // 40 requests: 10.17 req/s, score 10.17 - 1.12 - 2 = 7.05
            Script newcomer = identity("ip:198.51.100.3", IdentityType.IP, "asn:1");
            Decision segmentPeers = newcomer.burst(T0 + 12_000, 40);
            assertThat(segmentPeers.baselineKind).isEqualTo("segment-peers");
            double peerRate = segmentPeers.baselineCenter[Feature.RATE_SHORT.ordinal()];
            assertThat(peerRate).isCloseTo(1.12, within(0.05));
            assertThat(segmentPeers.limitRps).isCloseTo(3 * peerRate, within(1e-12));
            BaselineView view = peers.lookup("asn:1", IdentityType.IP);
            assertThat(segmentPeers.baselineCenter).containsExactly(view.center);

            // a newcomer from another segment: peers of its type
            Script stranger = identity("ip:192.0.2.9", IdentityType.IP, "asn:2");
            assertThat(stranger.burst(T0 + 12_000, 40).baselineKind).isEqualTo("global-peers");

            // a user: no user has history anywhere yet
            Script user = identity("user:mallory", IdentityType.USER, "asn:3");
            assertThat(user.burst(T0 + 12_000, 40).baselineKind).isEqualTo("prior");
        }

        @Test
        void flaggedIdentitiesDoNotFeedPeers() {
            Script veteran = identity("ip:198.51.100.2", IdentityType.IP, "asn:1");
            veteran.stream(T0, T0 + 3_000, 1000); // warm at 3 s: one peer sample
            // 3.5 s: 3.30 + 30 = 33.3 requests / 3.93469 = 8.46 req/s against an own mean of
            // (0.4841 + 0.6922 + 0.8805) / 3 = 0.686: score 5.8, rate-limited
            veteran.burst(T0 + 3_500, 30);
            assertThat(veteran.state.action).isEqualTo(Action.RATE_LIMIT);
            // 21 more sample times while limited (the hold runs until 33.5 s): had they been
            // offered, 22 >= 5 samples
            veteran.stream(T0 + 4_000, T0 + 24_000, 1000);
            assertThat(veteran.state.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(peers.lookup("asn:1", IdentityType.IP)).isNull();
        }
    }

    @Nested
    class Reasons {
        /** rate_short and ratio_404 weigh 1; everything else 0. */
        private DetectionConfig config(int maxReasons) {
            return IdentityDetectorTest.config(
                    neverWarm(), rateOnly().weight(Feature.RATIO_404, 1), decisions().maxReasons(maxReasons));
        }

        @Test
        void reasonsNameTheDeviatingFeaturesStrongestFirst() {
            Script script = new Script(config(4));
            for (int i = 0; i < 40; i++) {
                script.send(MeshEvents.at(T0).path("/wp-admin/" + i).code(404));
            }
            // ratio_404 = 1: z = (1 - 0.02) / 0.1 × min(1, k / 10) = 0.98 k; excess 0.98 k - 2 >= 4 at k = 7
            // (the rate, 7 / 3.93469 = 1.78, is not above the gate)
            assertThat(script.causes).containsExactly(7, 35);
            Decision limit = script.decisions.get(0);
            assertThat(limit.score).isCloseTo(0.98 * 7 - 2, within(1e-9));
            assertThat(limit.reasons).containsExactly("ratio_404 1.000 share vs prior 0.020±0.100 (z=6.9)");

            // from k = 10 ratio_404 adds 7.8; with rate excess k / 3.93469 - 2.5 the score reaches 10 when
            // that excess is sqrt(100 - 7.8^2) = 6.258, k >= 34.46: at k = 35 rate 8.895, z 8.395
            Decision quarantine = script.decisions.get(1);
            assertThat(quarantine.action).isEqualTo(Action.QUARANTINE);
            assertThat(quarantine.score)
                    .isCloseTo(Math.sqrt(7.8 * 7.8 + Math.pow(35 / SHORT_SECONDS_YOUNG - 2.5, 2)), within(1e-9));
            assertThat(quarantine.reasons).containsExactly(
                    "ratio_404 1.000 share vs prior 0.020±0.100 (z=9.8)",
                    "rate_short 8.895 req/s vs prior 0.500±1.000 (z=8.4)");
        }

        @Test
        void explanationArraysDescribeTheDecision() {
            Script script = new Script(config(4));
            for (int i = 0; i < 7; i++) {
                script.send(MeshEvents.at(T0).code(404));
            }
            Decision d = script.decisions.get(0);
            int i404 = Feature.RATIO_404.ordinal();
            assertThat(d.featureValues[i404]).isEqualTo(1);
            assertThat(d.baselineCenter[i404]).isEqualTo(0.02);
            assertThat(d.baselineScale[i404]).isEqualTo(0.1); // max(prior 0.1, floor 0.1)
            assertThat(d.deviations[i404]).isCloseTo(0.98 * 7, within(1e-9));
            // ratio_4xx deviates too but weighs nothing, so it is no reason
            assertThat(d.deviations[Feature.RATIO_4XX.ordinal()]).isPositive();
            assertThat(d.reasons).noneMatch(r -> r.startsWith("ratio_4xx"));
            assertThat(d.featureValues).hasSize(Feature.COUNT);

            // the arrays are copies: later events do not rewrite a decision already emitted
            double rate = d.featureValues[Feature.RATE_SHORT.ordinal()];
            script.burst(T0 + 1, 20);
            assertThat(d.featureValues[Feature.RATE_SHORT.ordinal()]).isEqualTo(rate);
        }

        @Test
        void maxReasonsKeepsTheStrongest() {
            Script script = new Script(config(1));
            for (int i = 0; i < 40; i++) {
                script.send(MeshEvents.at(T0).code(404));
            }
            assertThat(script.decisions.get(1).reasons)
                    .containsExactly("ratio_404 1.000 share vs prior 0.020±0.100 (z=9.8)");
        }
    }

    @Nested
    class Configuration {
        static Stream<Arguments> invalid() {
            return Stream.of(
                    Arguments.of("release above rate-limit", (UnaryOperator<DecisionConfig.Builder>) b -> b.releaseScore(5)),
                    Arguments.of("rate-limit equal to quarantine", (UnaryOperator<DecisionConfig.Builder>) b -> b.rateLimitScore(10)),
                    Arguments.of("negative release", (UnaryOperator<DecisionConfig.Builder>) b -> b.releaseScore(-1)),
                    Arguments.of("negative hold", (UnaryOperator<DecisionConfig.Builder>) b -> b.releaseHoldMillis(-1)),
                    Arguments.of("zero ttl", (UnaryOperator<DecisionConfig.Builder>) b -> b.quarantineTtlSeconds(0)),
                    Arguments.of("zero minimum limit", (UnaryOperator<DecisionConfig.Builder>) b -> b.minLimitRps(0)),
                    Arguments.of("zero multiplier", (UnaryOperator<DecisionConfig.Builder>) b -> b.limitMultiplier(0)),
                    Arguments.of("no reasons", (UnaryOperator<DecisionConfig.Builder>) b -> b.maxReasons(0)));
        }

        @ParameterizedTest(name = "{0} is rejected")
        @MethodSource("invalid")
        void invalidDecisionConfigIsRejected(String name, UnaryOperator<DecisionConfig.Builder> change) {
            assertThatThrownBy(() -> change.apply(decisions()).build()).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
