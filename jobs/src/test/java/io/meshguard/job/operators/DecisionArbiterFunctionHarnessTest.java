package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.cep.PatternMatch;
import io.meshguard.control.Control;
import io.meshguard.control.FalsePositiveReport;
import io.meshguard.enforce.ArbiterConfig;
import io.meshguard.enforce.ArbiterState;
import io.meshguard.enforce.SegmentInfo;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Harness tests of the decision arbiter: precedence, policies, expiry by watermark, cleanup, restore. */
class DecisionArbiterFunctionHarnessTest {
    private static final long T0 = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    private static final String SEGMENT = "asn:64500";
    private static final String ALICE = "user:alice";
    private static final String BOB = "user:bob";
    private static final int MAX_PARALLELISM = 128;

    private final List<KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision>> harnesses =
            new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> h : harnesses) {
            h.close();
        }
    }

    private KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> harness(
            ArbiterConfig config, String initialPolicy, int parallelism, int subtask, OperatorSubtaskState restore)
            throws Exception {
        DecisionArbiterFunction function = new DecisionArbiterFunction(config, SegmentLimits.defaults(), initialPolicy);
        KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                function, Arrays.asList(DecisionArbiterFunction.broadcastStateDescriptors())),
                        ArbiterInput::identity, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        harnesses.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> harness(String initialPolicy)
            throws Exception {
        return harness(ArbiterConfig.defaults(), initialPolicy, 1, 0, null);
    }

    private static Decision proposal(String identity, long t, Action action) {
        Decision d = new Decision();
        d.timestampMillis = t;
        d.identity = identity;
        d.identityType = IdentityType.USER;
        d.segment = SEGMENT;
        d.action = action;
        d.score = action == Action.ALLOW ? 1 : 12;
        d.trigger = Decision.TRIGGER_SCORE;
        d.reasons = new String[] {"score " + d.score};
        d.baselineKind = "own";
        if (action == Action.RATE_LIMIT) {
            d.limitRps = 5;
        }
        if (action == Action.QUARANTINE) {
            d.ttlSeconds = 600;
        }
        return d;
    }

    private static PatternMatch match(String identity, String pattern, long first, long last) {
        PatternMatch m = new PatternMatch();
        m.identity = identity;
        m.identityType = IdentityType.USER;
        m.segment = SEGMENT;
        m.pattern = pattern;
        m.firstIntervalMillis = first;
        m.lastIntervalMillis = last;
        m.intervals = (int) ((last - first) / 1000 + 1);
        m.totalRequests = 400;
        m.evidence = new String[] {"3 intervals over the rate limit", "interval 12:00:00 58 req vs limit 10.0 req/s"};
        m.segmentMode = "normal";
        return m;
    }

    private static void send(KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> h,
            ArbiterInput in) throws Exception {
        h.processElement(in, in.timestampMillis());
    }

    private static List<String> audit(KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> h) {
        List<String> lines = new ArrayList<>();
        var out = h.getSideOutput(DecisionArbiterFunction.POLICY_AUDIT);
        if (out != null) {
            for (StreamRecord<String> r : out) {
                lines.add(r.getValue());
            }
        }
        return lines;
    }

    /** The harness of the subtask (of two) that owns the key. */
    private static KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> owner(String key,
            KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> subtask0,
            KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> subtask1) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, 2) == 0 ? subtask0 : subtask1;
    }

    private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<String, ArbiterInput, Control, Decision> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private static String manualQuarantine(long version, String identity, String until) {
        return "{\"version\": " + version + ", \"manual\": [{\"target\": \"identity:" + identity
                + "\", \"action\": \"quarantine\", \"until\": \"" + until + "\", \"reason\": \"incident 12\"}]}";
    }

    @Nested
    class Precedence {
        @Test
        void anAllowlistedIdentityIsNeverActedOn() throws Exception {
            var h = harness("{\"version\": 1, \"allowlist\": {\"identities\": [\"user:alice\"]}}");

            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.QUARANTINE)));
            send(h, ArbiterInput.match(match(ALICE, PatternMatch.SCAN, T0, T0 + 5000)));

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(keyedStateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }

        @Test
        void aShadowPolicyMarksDecisionsAsAuditOnly() throws Exception {
            var h = harness("{\"version\": 1, \"shadow\": {\"global\": true}}");

            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.QUARANTINE)));

            Decision d = h.extractOutputValues().get(0);
            assertThat(d.shadow).isTrue();
            assertThat(d.action).isEqualTo(Action.QUARANTINE);
            assertThat(d.policyVersion).isEqualTo(1);
        }

        @Test
        void aPatternMatchNamesThePatternAndCarriesItsEvidence() throws Exception {
            var h = harness(null);

            send(h, ArbiterInput.match(match(ALICE, PatternMatch.BURST, T0, T0 + 2000)));

            Decision d = h.extractOutputValues().get(0);
            assertThat(d.action).isEqualTo(Action.RATE_LIMIT);
            assertThat(d.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
            assertThat(d.pattern).isEqualTo(PatternMatch.BURST);
            assertThat(d.evidence).containsExactly(
                    "3 intervals over the rate limit", "interval 12:00:00 58 req vs limit 10.0 req/s");
            assertThat(d.reasons[0]).startsWith("pattern burst matched 3 intervals");
            assertThat(d.segmentMode).isEqualTo("NORMAL");
        }

        @Test
        void feedbackReleasesAQuarantinedIdentity() throws Exception {
            var h = harness(null);
            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.QUARANTINE)));

            send(h, ArbiterInput.feedback(FalsePositiveReport.of(ALICE, SEGMENT, T0 + 5000, "ticket 77")));
            send(h, ArbiterInput.proposal(proposal(ALICE, T0 + 6000, Action.QUARANTINE)));

            List<Decision> out = h.extractOutputValues();
            assertThat(out).extracting(d -> d.action).containsExactly(Action.QUARANTINE, Action.ALLOW);
            assertThat(out.get(1).trigger).isEqualTo(Decision.TRIGGER_FEEDBACK);
            assertThat(out.get(1).reasons[0]).contains("ticket 77");
        }

        @Test
        void feedbackOnTheControlChannelReleasesAHeldIdentityToo() throws Exception {
            var h = harness(null);
            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.QUARANTINE)));

            h.processBroadcastElement(Control.feedback(FalsePositiveReport.of(ALICE, SEGMENT, T0 + 5000, null), "test"),
                    T0 + 5000);

            assertThat(h.extractOutputValues()).extracting(d -> d.action)
                    .containsExactly(Action.QUARANTINE, Action.ALLOW);
        }

        @Test
        void versionsIncreaseStrictly() throws Exception {
            var h = harness(null);
            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.RATE_LIMIT)));
            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.QUARANTINE)));
            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.ALLOW)));
            send(h, ArbiterInput.match(match(ALICE, PatternMatch.SCAN, T0 - 2000, T0)));
            h.watermark(T0 + 3_600_000);

            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(5);
            for (int i = 1; i < out.size(); i++) {
                assertThat(out.get(i).version).isGreaterThan(out.get(i - 1).version);
            }
        }
    }

    @Nested
    class Expiry {
        @Test
        void aPatternHoldEndsByWatermarkAndTheStateIsCleared() throws Exception {
            var h = harness(null);
            send(h, ArbiterInput.match(match(ALICE, PatternMatch.BURST, T0, T0 + 1000)));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            h.watermark(T0 + 1000 + 300_000 - 1);
            assertThat(h.extractOutputValues()).hasSize(1);
            h.watermark(T0 + 1000 + 300_000 + 1);

            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            Decision release = out.get(1);
            assertThat(release.action).isEqualTo(Action.ALLOW);
            assertThat(release.previousAction).isEqualTo(Action.RATE_LIMIT);
            assertThat(release.trigger).isEqualTo(Decision.TRIGGER_EXPIRY);
            assertThat(release.timestampMillis).isEqualTo(T0 + 301_000);
            assertThat(keyedStateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }

        @Test
        void aManualQuarantineAppliesAtOnceAndExpires() throws Exception {
            var h = harness(null);
            send(h, ArbiterInput.match(match(ALICE, PatternMatch.BURST, T0, T0)));

            h.processBroadcastElement(Control.policy(manualQuarantine(2, ALICE, "2026-11-23T12:10:00Z"), "policy.json:1"),
                    T0 + 1000);
            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(1).action).isEqualTo(Action.QUARANTINE);
            assertThat(out.get(1).trigger).isEqualTo(Decision.TRIGGER_MANUAL);
            assertThat(out.get(1).ttlSeconds).isEqualTo(599);
            assertThat(out.get(1).reasons[0]).contains("incident 12");

            // The score cannot loosen it meanwhile.
            send(h, ArbiterInput.proposal(proposal(ALICE, T0 + 2000, Action.ALLOW)));
            h.watermark(T0 + 600_000 + 1);

            out = h.extractOutputValues();
            assertThat(out).hasSize(3);
            assertThat(out.get(2).action).isEqualTo(Action.ALLOW);
            assertThat(out.get(2).trigger).isEqualTo(Decision.TRIGGER_EXPIRY);
            assertThat(out.get(2).reasons[0]).startsWith("manual override ended");
            assertThat(keyedStateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();

            // A later input still honours the expiry.
            send(h, ArbiterInput.proposal(proposal(ALICE, T0 + 700_000, Action.ALLOW)));
            assertThat(h.extractOutputValues()).hasSize(3);
        }

        @Test
        void aManualOverrideForAnIdentityWithoutStateIsEmittedByTheSubtaskOwningItsKey() throws Exception {
            var first = harness(ArbiterConfig.defaults(), null, 2, 0, null);
            var second = harness(ArbiterConfig.defaults(), null, 2, 1, null);
            Control policy = Control.policy(manualQuarantine(2, BOB, "2026-11-23T12:30:00Z"), "policy.json:1");

            first.processBroadcastElement(policy, T0);
            second.processBroadcastElement(policy, T0);

            List<Decision> all = new ArrayList<>(first.extractOutputValues());
            all.addAll(second.extractOutputValues());
            assertThat(all).singleElement().satisfies(d -> {
                assertThat(d.identity).isEqualTo(BOB);
                assertThat(d.action).isEqualTo(Action.QUARANTINE);
                assertThat(d.ttlSeconds).isEqualTo(1800);
            });
            assertThat(audit(first)).hasSize(1);
            assertThat(audit(second)).isEmpty();

            // Later inputs honour it on the subtask that gets them, which from then on tracks its expiry.
            var owner = owner(BOB, first, second);
            assertThat(owner.extractOutputValues()).hasSize(1);
            send(owner, ArbiterInput.proposal(proposal(BOB, T0 + 1000, Action.ALLOW)));
            List<Decision> out = owner.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(1).action).isEqualTo(Action.QUARANTINE);
            assertThat(out.get(1).trigger).isEqualTo(Decision.TRIGGER_MANUAL);
            assertThat(out.get(1).version).isGreaterThan(out.get(0).version);
            owner.watermark(T0 + 1_800_001);
            assertThat(owner.extractOutputValues()).hasSize(3).last()
                    .satisfies(d -> assertThat(d.action).isEqualTo(Action.ALLOW));
            assertThat(keyedStateEntries(owner)).isZero();
        }
    }

    @Nested
    class Policies {
        @Test
        void anInvalidPolicyIsRejectedOnceAndThePreviousOneStays() throws Exception {
            var first = harness(ArbiterConfig.defaults(), null, 2, 0, null);
            var second = harness(ArbiterConfig.defaults(), null, 2, 1, null);
            Control good = Control.policy("{\"version\": 3, \"allowlist\": {\"identities\": [\"user:alice\"]}}", "p:1");
            Control bad = Control.policy("{\"version\": 4, \"allowlist\": {\"identities\": [\"alice\"]}}", "p:2");
            for (var h : List.of(first, second)) {
                h.processBroadcastElement(good, T0);
                h.processBroadcastElement(bad, T0 + 1000);
            }

            List<String> lines = audit(first);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("{\"ts\":\"2026-11-23T12:00:00.000Z\",\"type\":\"policy\",\"accepted\":true,"
                    + "\"version\":3,\"reason\":\"accepted policy version 3 (was 0)\",\"origin\":\"p:1\"}");
            assertThat(lines.get(1))
                    .startsWith("{\"ts\":\"2026-11-23T12:00:01.000Z\",\"type\":\"policy\",\"accepted\":false,"
                            + "\"version\":null,\"reason\":\"rejected policy: allowlist.identities[0]")
                    .endsWith("\"origin\":\"p:2\"}");
            assertThat(audit(second)).isEmpty();

            var owner = owner(ALICE, first, second);
            send(owner, ArbiterInput.proposal(proposal(ALICE, T0 + 2000, Action.QUARANTINE)));
            assertThat(owner.extractOutputValues()).isEmpty();
        }

        @Test
        void anOlderVersionIsRejectedWithItsReason() throws Exception {
            var h = harness(null);
            h.processBroadcastElement(Control.policy("{\"version\": 5}", "p:1"), T0);
            h.processBroadcastElement(Control.policy("{\"version\": 4}", "p:2"), T0);

            assertThat(audit(h).get(1)).contains(
                    "\"accepted\":false,\"version\":4,\"reason\":\"rejected policy version 4: version must be greater "
                            + "than the current version 5\"");
        }

        @Test
        void theBlastRadiusDowngradesQuarantinesBeyondTheCap() throws Exception {
            ArbiterConfig config = ArbiterConfig.builder().blastRadius(0.1, 1).build();
            var h = harness(config, null, 1, 0, null);
            SegmentUpdate update = new SegmentUpdate();
            update.segment = SEGMENT;
            update.version = T0;
            update.mode = SegmentMode.ELEVATED;
            update.distinctIdentities = 15; // cap max(1, 1.5) = 1
            h.processBroadcastElement(Control.segmentUpdate(update), T0);

            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.QUARANTINE)));
            send(h, ArbiterInput.match(match(BOB, PatternMatch.SCAN, T0, T0)));

            List<Decision> out = h.extractOutputValues();
            assertThat(out.get(0).action).isEqualTo(Action.QUARANTINE);
            assertThat(out.get(0).segmentMode).isEqualTo("ELEVATED");
            assertThat(out.get(1).identity).isEqualTo(BOB);
            assertThat(out.get(1).action).isEqualTo(Action.RATE_LIMIT);
            assertThat(out.get(1).trigger).isEqualTo(Decision.TRIGGER_BLAST_RADIUS);
            assertThat(out.get(1).pattern).isEqualTo(PatternMatch.SCAN);
            assertThat(out.get(1).reasons[0]).contains("max(1, 10% of 15 active identities) = 1");
        }
    }

    @Nested
    class Restore {
        @Test
        void policyIdentityStateAndQuarantineCountsSurviveSnapshotAndRestore() throws Exception {
            ArbiterConfig config = ArbiterConfig.builder().blastRadius(0.1, 1).build();
            var h = harness(config, null, 1, 0, null);
            h.processBroadcastElement(
                    Control.policy("{\"version\": 3, \"allowlist\": {\"identities\": [\"user:carol\"]}}", "p:1"), T0);
            send(h, ArbiterInput.proposal(proposal(ALICE, T0, Action.QUARANTINE)));
            Decision before = h.extractOutputValues().get(0);

            OperatorSubtaskState snapshot = h.snapshot(1L, T0 + 1000);
            var restored = harness(config, null, 1, 0, snapshot);

            // The count: Alice holds the one slot, so Bob is downgraded.
            send(restored, ArbiterInput.proposal(proposal(BOB, T0 + 2000, Action.QUARANTINE)));
            // The policy: Carol stays allowlisted.
            send(restored, ArbiterInput.proposal(proposal("user:carol", T0 + 2000, Action.QUARANTINE)));
            // The identity's state: Alice's release continues from her quarantine.
            send(restored, ArbiterInput.proposal(proposal(ALICE, T0 + 3000, Action.ALLOW)));

            List<Decision> out = restored.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(0).identity).isEqualTo(BOB);
            assertThat(out.get(0).trigger).isEqualTo(Decision.TRIGGER_BLAST_RADIUS);
            assertThat(out.get(0).policyVersion).isEqualTo(3);
            assertThat(out.get(1).identity).isEqualTo(ALICE);
            assertThat(out.get(1).previousAction).isEqualTo(Action.QUARANTINE);
            assertThat(out.get(1).version).isGreaterThan(before.version);
            // Alice's slot is free again.
            send(restored, ArbiterInput.proposal(proposal("user:dave", T0 + 4000, Action.QUARANTINE)));
            assertThat(restored.extractOutputValues().get(2).action).isEqualTo(Action.QUARANTINE);
        }
    }

    @Test
    void inputAndStateTypesAreSerializedAsPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ArbiterInput.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ArbiterState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SegmentInfo.class);
    }
}
