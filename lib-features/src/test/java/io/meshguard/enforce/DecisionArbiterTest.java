package io.meshguard.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.cep.PatternMatch;
import io.meshguard.control.FalsePositiveReport;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.policy.Policy;
import io.meshguard.policy.PolicyParser;
import io.meshguard.segment.SegmentMode;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DecisionArbiterTest {
    static final long T0 = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    static final String SEGMENT = "asn:64500";
    static final String ALICE = "user:alice";

    private final ArbiterConfig config = ArbiterConfig.defaults();
    private DecisionArbiter arbiter = new DecisionArbiter(config, 1);
    private final ArbiterState state = new ArbiterState();

    static Policy policy(String json) {
        try {
            return new PolicyParser().parse(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Decision proposal(String identity, long t, Action action, double score) {
        Decision d = new Decision();
        d.timestampMillis = t;
        d.identity = identity;
        d.identityType = IdentityType.USER;
        d.segment = SEGMENT;
        d.action = action;
        d.score = score;
        d.trigger = Decision.TRIGGER_SCORE;
        d.reasons = new String[] {"rate_short 40.0/s vs 2.0±1.0"};
        d.baselineKind = "own";
        d.featureValues = new double[] {1, 2, 3};
        d.rateLimitScore = 4;
        d.quarantineScore = 10;
        d.releaseScore = 2;
        if (action == Action.RATE_LIMIT) {
            d.limitRps = 5;
        }
        if (action == Action.QUARANTINE) {
            d.ttlSeconds = 600;
        }
        return d;
    }

    static PatternMatch match(String identity, String pattern, long firstMillis, long lastMillis) {
        PatternMatch m = new PatternMatch();
        m.identity = identity;
        m.identityType = IdentityType.USER;
        m.segment = SEGMENT;
        m.pattern = pattern;
        m.firstIntervalMillis = firstMillis;
        m.lastIntervalMillis = lastMillis;
        m.intervals = (int) ((lastMillis - firstMillis) / 1000 + 1);
        m.evidence = new String[] {pattern + " summary", "interval 12:00:00 58 req"};
        m.segmentMode = "elevated";
        m.policyVersion = 0;
        return m;
    }

    private Decision propose(long t, Action action) {
        return arbiter.onProposal(state, proposal(ALICE, t, action, action == Action.ALLOW ? 1 : 12), null, null);
    }

    @Nested
    class ScoreProposals {
        @Test
        void scoreActionIsPassedOnWithItsExplanation() {
            Decision d = propose(T0, Action.QUARANTINE);

            assertThat(d.action).isEqualTo(Action.QUARANTINE);
            assertThat(d.previousAction).isNull();
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_SCORE);
            assertThat(d.ttlSeconds).isEqualTo(600);
            assertThat(d.reasons).containsExactly("rate_short 40.0/s vs 2.0±1.0");
            assertThat(d.baselineKind).isEqualTo("own");
            assertThat(d.featureValues).containsExactly(1, 2, 3);
            assertThat(d.quarantineScore).isEqualTo(10);
            assertThat(d.version).isEqualTo(T0);
            assertThat(d.policyVersion).isZero();
            assertThat(d.shadow).isFalse();
        }

        @Test
        void anAllowProposalForAnIdentityNeverActedOnEmitsNothing() {
            assertThat(propose(T0, Action.ALLOW)).isNull();
            assertThat(arbiter.isDiscardable(state)).isTrue();
        }

        @Test
        void onlyChangesAreEmitted() {
            assertThat(propose(T0, Action.RATE_LIMIT).limitRps).isEqualTo(5);
            assertThat(propose(T0 + 1000, Action.RATE_LIMIT)).isNull();
            Decision release = propose(T0 + 2000, Action.ALLOW);
            assertThat(release.action).isEqualTo(Action.ALLOW);
            assertThat(release.previousAction).isEqualTo(Action.RATE_LIMIT);
            assertThat(release.trigger).isEqualTo(Decision.TRIGGER_SCORE);
        }

        @Test
        void aRenewedScoreQuarantineIsEmittedAgain() {
            propose(T0, Action.QUARANTINE);
            Decision renewal = propose(T0 + 600_000, Action.QUARANTINE);

            assertThat(renewal).isNotNull();
            assertThat(renewal.action).isEqualTo(Action.QUARANTINE);
            assertThat(renewal.previousAction).isEqualTo(Action.QUARANTINE);
        }

        @Test
        void aScoreQuarantineExpiresWithItsTtl() {
            propose(T0, Action.QUARANTINE);
            assertThat(arbiter.nextWakeMillis(state)).isEqualTo(T0 + 60_000); // recheck first

            assertThat(arbiter.onTime(state, T0 + 60_000, null, null)).isNull();
            Decision expiry = arbiter.onTime(state, T0 + 600_000, null, null);

            assertThat(expiry.action).isEqualTo(Action.ALLOW);
            assertThat(expiry.trigger).isEqualTo(Decision.TRIGGER_EXPIRY);
            assertThat(expiry.reasons[0]).startsWith("score quarantine ended");
            assertThat(arbiter.quarantinesInForce(SEGMENT)).isZero();
        }

        @Test
        void aScoreRateLimitWithoutNewsLapses() {
            arbiter = new DecisionArbiter(ArbiterConfig.builder().scoreRateLimitLapseMillis(3_600_000).build(), 1);
            propose(T0, Action.RATE_LIMIT);

            Decision lapse = arbiter.onTime(state, T0 + 3_600_000, null, null);

            assertThat(lapse.action).isEqualTo(Action.ALLOW);
            assertThat(lapse.trigger).isEqualTo(Decision.TRIGGER_EXPIRY);
            assertThat(lapse.reasons[0]).startsWith("score rate limit lapsed");
        }
    }

    @Nested
    class Patterns {
        @Test
        void aMatchNamesThePatternAndCarriesItsEvidence() {
            Decision d = arbiter.onPattern(state, match(ALICE, PatternMatch.SCAN, T0, T0 + 30_000), null, null);

            assertThat(d.action).isEqualTo(Action.QUARANTINE);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
            assertThat(d.pattern).isEqualTo(PatternMatch.SCAN);
            assertThat(d.evidence).containsExactly("scan summary", "interval 12:00:00 58 req");
            assertThat(d.reasons[0]).startsWith("pattern scan matched 31 intervals");
            assertThat(d.ttlSeconds).isEqualTo(600);
            assertThat(d.segmentMode).isEqualTo("ELEVATED");
        }

        @Test
        void aBurstRateLimitsWithThePatternLimit() {
            Decision d = arbiter.onPattern(state, match(ALICE, PatternMatch.BURST, T0, T0 + 5_000), null, null);

            assertThat(d.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(d.limitRps).isEqualTo(2.0);
        }

        @Test
        void theLowerOfCompetingLimitsWins() {
            arbiter = new DecisionArbiter(ArbiterConfig.builder().patternLimitRps(PatternMatch.BURST, 8).build(), 1);
            propose(T0, Action.RATE_LIMIT); // limit 5
            assertThat(arbiter.onPattern(state, match(ALICE, PatternMatch.BURST, T0, T0 + 1000), null, null)).isNull();

            arbiter = new DecisionArbiter(ArbiterConfig.builder().patternLimitRps(PatternMatch.BURST, 3).build(), 1);
            ArbiterState other = new ArbiterState();
            arbiter.onProposal(other, proposal(ALICE, T0, Action.RATE_LIMIT, 5), null, null);
            Decision d = arbiter.onPattern(other, match(ALICE, PatternMatch.BURST, T0, T0 + 1000), null, null);
            assertThat(d.limitRps).isEqualTo(3.0);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
        }

        @Test
        void theMostSevereActionWins() {
            arbiter.onPattern(state, match(ALICE, PatternMatch.BURST, T0, T0 + 1000), null, null);
            Decision d = propose(T0 + 2000, Action.QUARANTINE);
            assertThat(d.action).isEqualTo(Action.QUARANTINE);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_SCORE);

            // The score calms down, but the burst still holds: back to the pattern's rate limit.
            Decision calm = propose(T0 + 3000, Action.ALLOW);
            assertThat(calm.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(calm.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
            assertThat(calm.pattern).isEqualTo(PatternMatch.BURST);
        }

        @Test
        void aHoldEndsByEventTimeAndTheStateBecomesDiscardable() {
            arbiter.onPattern(state, match(ALICE, PatternMatch.BURST, T0, T0 + 1000), null, null);
            long end = T0 + 1000 + 300_000;
            long wake = arbiter.nextWakeMillis(state);
            Decision d = null;
            while (d == null) {
                assertThat(wake).isLessThanOrEqualTo(end);
                d = arbiter.onTime(state, wake, null, null);
                wake = arbiter.nextWakeMillis(state);
            }

            assertThat(d.timestampMillis).isEqualTo(end);
            assertThat(d.action).isEqualTo(Action.ALLOW);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_EXPIRY);
            assertThat(d.pattern).isNull();
            assertThat(d.reasons[0]).startsWith("pattern burst hold ended at");
            assertThat(arbiter.isDiscardable(state)).isFalse(); // not past its version yet
            assertThat(wake).isEqualTo(end + 1);
            assertThat(arbiter.onTime(state, wake, null, null)).isNull();
            assertThat(arbiter.isDiscardable(state)).isTrue();
            assertThat(arbiter.nextWakeMillis(state)).isEqualTo(DecisionArbiter.NEVER);
        }

        @Test
        void repeatedMatchesExtendTheQuarantineSilentlyAndItIsRenewedWhenItRunsOut() {
            arbiter.onPattern(state, match(ALICE, PatternMatch.SCAN, T0, T0), null, null);
            assertThat(arbiter.onPattern(state, match(ALICE, PatternMatch.SCAN, T0, T0 + 120_000), null, null)).isNull();

            Decision renewal = arbiter.onTime(state, T0 + 600_000, null, null);

            assertThat(renewal.action).isEqualTo(Action.QUARANTINE);
            assertThat(renewal.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
            assertThat(renewal.ttlSeconds).isEqualTo(120);
            assertThat(renewal.evidence).isNotEmpty();
        }

        @Test
        void aMatchWhoseHoldHasEndedIsIgnored() {
            propose(T0 + 400_000, Action.ALLOW);

            assertThat(arbiter.onPattern(state, match(ALICE, PatternMatch.BURST, T0, T0 + 1000), null, null)).isNull();
            assertThat(state.patternUntilMillis).containsOnly(0L);
        }

        @Test
        void anUnknownPatternIsIgnored() {
            assertThat(arbiter.onPattern(state, match(ALICE, "teleport", T0, T0), null, null)).isNull();
        }
    }

    @Nested
    class PolicyPrecedence {
        private final Policy allowlisting = policy("""
                {"version": 3, "allowlist": {"identities": ["user:alice"]}}""");

        @Test
        void anAllowlistedIdentityIsNeverActedOn() {
            assertThat(arbiter.onProposal(state, proposal(ALICE, T0, Action.QUARANTINE, 12), allowlisting, null)).isNull();
            assertThat(arbiter.onPattern(state, match(ALICE, PatternMatch.SCAN, T0, T0), allowlisting, null)).isNull();
            assertThat(arbiter.isDiscardable(state)).isTrue();
        }

        @Test
        void allowlistingAHeldIdentityReleasesIt() {
            propose(T0, Action.QUARANTINE);

            Decision d = arbiter.onPolicy(state, allowlisting, T0 + 1000, null);

            assertThat(d.action).isEqualTo(Action.ALLOW);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_ALLOWLIST);
            assertThat(d.policyVersion).isEqualTo(3);
            assertThat(d.reasons).containsExactly("allowlisted by policy v3");
            assertThat(arbiter.quarantinesInForce(SEGMENT)).isZero();
        }

        @Test
        void aManualQuarantineWinsAndEndsAtItsExpiry() {
            Policy p = policy("""
                    {"version": 4, "manual": [{"target": "identity:user:alice", "action": "quarantine",
                      "until": "2026-11-23T12:30:00Z", "reason": "ticket 9"}]}""");
            propose(T0, Action.RATE_LIMIT);

            Decision d = arbiter.onPolicy(state, p, T0, null);
            assertThat(d.action).isEqualTo(Action.QUARANTINE);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_MANUAL);
            assertThat(d.ttlSeconds).isEqualTo(1800);
            assertThat(d.reasons[0]).contains("manual override identity:user:alice quarantine").contains("ticket 9");
            // The score cannot loosen it.
            assertThat(arbiter.onProposal(state, proposal(ALICE, T0 + 1000, Action.ALLOW, 1), p, null)).isNull();

            Decision end = arbiter.onTime(state, T0 + 1_800_000, p, null);
            assertThat(end.action).isEqualTo(Action.ALLOW);
            assertThat(end.trigger).isEqualTo(Decision.TRIGGER_EXPIRY);
            assertThat(end.reasons[0]).startsWith("manual override ended");
        }

        @Test
        void aManualRateLimitCarriesItsOwnLimit() {
            Policy p = policy("""
                    {"version": 4, "manual": [{"target": "identity:user:alice", "action": "rate_limit",
                      "limit_rps": 0.5, "until": "2026-11-23T12:30:00Z"}]}""");
            Decision d = arbiter.onPattern(state, match(ALICE, PatternMatch.SCAN, T0, T0), p, null);

            assertThat(d.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(d.limitRps).isEqualTo(0.5);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_MANUAL);
        }

        @Test
        void aManualOverrideForAnIdentityWithoutStateIsEmittedButNotCounted() {
            Policy p = policy("""
                    {"version": 4, "manual": [{"target": "identity:user:bob", "action": "quarantine",
                      "until": "2026-11-23T12:30:00Z"}]}""");

            Decision d = arbiter.onPolicyWithoutState("user:bob", p, T0, null);

            assertThat(d.action).isEqualTo(Action.QUARANTINE);
            assertThat(d.identity).isEqualTo("user:bob");
            assertThat(arbiter.quarantineCounts()).isEmpty();
            assertThat(arbiter.onPolicyWithoutState("user:carol", p, T0, null)).isNull();
        }

        @Test
        void liftingAManualOverrideReleasesTheIdentity() {
            Policy p = policy("""
                    {"version": 4, "manual": [{"target": "identity:user:alice", "action": "quarantine",
                      "until": "2026-11-23T12:30:00Z"}]}""");
            state.identity = ALICE;
            assertThat(arbiter.onPolicy(state, p, T0, null).action).isEqualTo(Action.QUARANTINE);

            Decision d = arbiter.onPolicy(state, policy("{\"version\": 5}"), T0 + 1000, null);

            assertThat(d.action).isEqualTo(Action.ALLOW);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_MANUAL);
            assertThat(d.reasons[0]).isEqualTo("manual override lifted by policy v5");
        }

        @Test
        void shadowDecisionsAreMarkedAndNotCounted() {
            Policy p = policy("""
                    {"version": 6, "shadow": {"segments": ["asn:64500"]}}""");
            Decision d = arbiter.onProposal(state, proposal(ALICE, T0, Action.QUARANTINE, 12), p, null);

            assertThat(d.shadow).isTrue();
            assertThat(arbiter.quarantinesInForce(SEGMENT)).isZero();

            // Leaving shadow mode enforces what was only audited.
            Decision enforced = arbiter.onPolicy(state, policy("{\"version\": 7}"), T0 + 1000, null);
            assertThat(enforced.shadow).isFalse();
            assertThat(enforced.action).isEqualTo(Action.QUARANTINE);
            assertThat(arbiter.quarantinesInForce(SEGMENT)).isEqualTo(1);
        }
    }

    @Nested
    class Feedback {
        private FalsePositiveReport report(long t) {
            return FalsePositiveReport.of(ALICE, SEGMENT, t, "support ticket 77");
        }

        @Test
        void feedbackReleasesAndExemptsTheIdentity() {
            propose(T0, Action.QUARANTINE);

            Decision d = arbiter.onFeedback(state, report(T0 + 1000), null, null);

            assertThat(d.action).isEqualTo(Action.ALLOW);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_FEEDBACK);
            assertThat(d.reasons[0]).contains("support ticket 77").contains("exempt until");
            assertThat(arbiter.quarantinesInForce(SEGMENT)).isZero();
            assertThat(propose(T0 + 2000, Action.QUARANTINE)).isNull();
            assertThat(arbiter.onPattern(state, match(ALICE, PatternMatch.SCAN, T0, T0 + 2000), null, null)).isNull();
            assertThat(arbiter.isDiscardable(state)).isFalse();
        }

        @Test
        void afterTheExemptionFreshVerdictsCountAgain() {
            propose(T0, Action.RATE_LIMIT);
            arbiter.onFeedback(state, report(T0 + 1000), null, null);
            long end = T0 + 1000 + config.falsePositiveExemptMillis;

            assertThat(arbiter.onTime(state, end, null, null)).isNull(); // the disputed verdict does not come back
            Decision d = propose(end + 1000, Action.RATE_LIMIT);
            assertThat(d.action).isEqualTo(Action.RATE_LIMIT);
        }

        @Test
        void feedbackForAnIdentityNeverActedOnEmitsNothing() {
            assertThat(arbiter.onFeedback(state, report(T0), null, null)).isNull();
        }
    }

    @Nested
    class BlastRadius {
        private Decision quarantine(DecisionArbiter a, String identity, long t, SegmentInfo info) {
            return a.onProposal(new ArbiterState(), proposal(identity, t, Action.QUARANTINE, 12), null, info);
        }

        @Test
        void eachInstanceEnforcesItsShareOfTheCap() {
            DecisionArbiter a = new DecisionArbiter(config, 2);
            SegmentInfo info = SegmentInfo.of(SegmentMode.NORMAL, 100, 1); // cap max(5, 10) = 10, 5 per instance
            assertThat(a.perInstanceCap(info)).isEqualTo(5);
            for (int i = 0; i < 5; i++) {
                assertThat(quarantine(a, "user:q" + i, T0, info).action).isEqualTo(Action.QUARANTINE);
            }

            Decision d = quarantine(a, "user:q5", T0, info);

            assertThat(d.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_BLAST_RADIUS);
            assertThat(d.limitRps).isEqualTo(config.fallbackLimitRps);
            assertThat(d.reasons[0]).startsWith("blast radius: segment asn:64500 already has 5 quarantines");
            assertThat(a.quarantinesInForce(SEGMENT)).isEqualTo(5);
        }

        @Test
        void anUnknownSegmentIsCappedAtTheMinimumCount() {
            assertThat(new DecisionArbiter(config, 1).perInstanceCap(null)).isEqualTo(5);
            assertThat(new DecisionArbiter(config, 2).perInstanceCap(null)).isEqualTo(3);
            assertThat(new DecisionArbiter(config, 2).perInstanceCap(SegmentInfo.of(SegmentMode.NORMAL, 1000, 1)))
                    .isEqualTo(50);
        }

        @Test
        void aDowngradedIdentityIsQuarantinedOnceASlotFrees() {
            DecisionArbiter a = new DecisionArbiter(ArbiterConfig.builder().blastRadius(0.1, 1).build(), 1);
            ArbiterState first = new ArbiterState();
            a.onProposal(first, proposal("user:first", T0, Action.QUARANTINE, 12), null, null);
            ArbiterState second = new ArbiterState();
            assertThat(a.onProposal(second, proposal("user:second", T0, Action.QUARANTINE, 12), null, null).trigger)
                    .isEqualTo(Decision.TRIGGER_BLAST_RADIUS);

            a.onProposal(first, proposal("user:first", T0 + 1000, Action.ALLOW, 1), null, null);
            assertThat(a.quarantinesInForce(SEGMENT)).isZero();
            Decision upgraded = a.onTime(second, T0 + 60_000, null, null);

            assertThat(upgraded.action).isEqualTo(Action.QUARANTINE);
            assertThat(upgraded.trigger).isEqualTo(Decision.TRIGGER_SCORE);
            assertThat(a.quarantinesInForce(SEGMENT)).isEqualTo(1);
        }

        @Test
        void manualQuarantinesAreNotDowngradedButCount() {
            DecisionArbiter a = new DecisionArbiter(ArbiterConfig.builder().blastRadius(0.1, 0).build(), 1);
            Policy p = policy("""
                    {"version": 4, "manual": [{"target": "identity:user:alice", "action": "quarantine",
                      "until": "2026-11-23T12:30:00Z"}]}""");
            ArbiterState s = new ArbiterState();
            a.onProposal(s, proposal(ALICE, T0, Action.RATE_LIMIT, 5), p, null);

            assertThat(s.emitted).isEqualTo(Action.QUARANTINE);
            assertThat(a.quarantinesInForce(SEGMENT)).isEqualTo(1);
        }

        @Test
        void countsSurviveARestore() {
            DecisionArbiter a = new DecisionArbiter(config, 1);
            quarantine(a, "user:x", T0, null);
            DecisionArbiter restored = new DecisionArbiter(config, 1);

            restored.restoreQuarantineCounts(a.quarantineCounts());

            assertThat(restored.quarantinesInForce(SEGMENT)).isEqualTo(1);
        }
    }

    @Nested
    class Versions {
        @Test
        void versionsIncreaseStrictlyEvenWithinOneMillisecond() {
            long v1 = propose(T0, Action.RATE_LIMIT).version;
            long v2 = propose(T0, Action.QUARANTINE).version;
            long v3 = arbiter.onFeedback(state, FalsePositiveReport.of(ALICE, SEGMENT, T0, null), null, null).version;

            assertThat(v1).isEqualTo(T0);
            assertThat(v2).isEqualTo(T0 + 1);
            assertThat(v3).isEqualTo(T0 + 2);
        }

        @Test
        void afterADiscardTheVersionIsTheEventTime() {
            propose(T0, Action.RATE_LIMIT);
            Decision release = propose(T0 + 1000, Action.ALLOW);
            arbiter.onTime(state, T0 + 1001, null, null);
            assertThat(arbiter.isDiscardable(state)).isTrue();

            ArbiterState fresh = new ArbiterState();
            Decision again = arbiter.onProposal(fresh, proposal(ALICE, T0 + 1001, Action.RATE_LIMIT, 5), null, null);

            assertThat(again.version).isGreaterThan(release.version);
        }
    }

    @Nested
    class Configuration {
        @Test
        void defaultsFollowTheDetectorAndTheSegmentController() {
            assertThat(config.patternAction(PatternMatch.BURST)).isEqualTo(Action.RATE_LIMIT);
            assertThat(config.patternAction(PatternMatch.SPIKE)).isEqualTo(Action.RATE_LIMIT);
            assertThat(config.patternAction(PatternMatch.SCAN)).isEqualTo(Action.QUARANTINE);
            assertThat(config.patternAction(PatternMatch.SENSITIVE_PROBE)).isEqualTo(Action.QUARANTINE);
            assertThat(config.patternHoldMillis(PatternMatch.BURST)).isEqualTo(300_000);
            assertThat(config.patternHoldMillis(PatternMatch.SCAN)).isEqualTo(600_000);
            assertThat(config.quarantineTtlSeconds).isEqualTo(600);
            assertThat(config.falsePositiveExemptMillis).isEqualTo(3_600_000);
            assertThat(config.blastRadiusShare).isEqualTo(0.10);
            assertThat(config.blastRadiusMinCount).isEqualTo(5);
        }

        @Test
        void quarantineHoldsFollowAChangedTtl() {
            ArbiterConfig c = ArbiterConfig.builder().quarantineTtlSeconds(900).build();
            assertThat(c.patternHoldMillis(PatternMatch.SENSITIVE_PROBE)).isEqualTo(900_000);
            assertThat(c.patternHoldMillis(PatternMatch.SPIKE)).isEqualTo(300_000);
        }

        @Test
        void invalidSettingsAreRejectedByName() {
            assertThatThrownBy(() -> ArbiterConfig.builder()
                            .pattern(PatternMatch.SCAN, Action.ALLOW, 1000)
                            .blastRadius(1.5, -1)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("arbiter.pattern.scan.action (ALLOW) must be RATE_LIMIT or QUARANTINE")
                    .hasMessageContaining("arbiter.blast-radius-share (1.5)")
                    .hasMessageContaining("arbiter.blast-radius-min-count (-1)");
            assertThatThrownBy(() -> ArbiterConfig.builder().pattern("teleport", Action.QUARANTINE, 1))
                    .hasMessageContaining("unknown pattern 'teleport'");
            assertThatThrownBy(() -> new DecisionArbiter(config, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
