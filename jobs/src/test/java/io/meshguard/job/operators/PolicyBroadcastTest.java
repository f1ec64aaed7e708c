package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.policy.PolicyHistory;
import io.meshguard.segment.SegmentLimits;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.junit.jupiter.api.Test;

/** {@link PolicyBroadcast}: which policy is in force after a restore, and how candidates are gated. */
class PolicyBroadcastTest {
    private static final String V2 = policy(2, 4.0);
    private static final String V3 = policy(3, 3.0);
    private static final String V5 = policy(5, 2.0);

    private final FakeBroadcastState state = new FakeBroadcastState();

    @Test
    void withNothingStoredTheStartUpPolicyOrTheDefaultsApply() throws Exception {
        assertThat(broadcast(V3).currentVersion(state)).isEqualTo(3);
        PolicyBroadcast defaults = broadcast(null);
        assertThat(defaults.current(state)).isNull();
        assertThat(defaults.currentVersion(state)).isZero();
    }

    @Test
    void aStoredPolicyNewerThanTheStartUpOneStaysInForce() throws Exception {
        state.put("accepted", V5);
        PolicyBroadcast restored = broadcast(V3);
        assertThat(restored.currentVersion(state)).isEqualTo(5);
        assertThat(restored.lastVersion()).isEqualTo(5);
    }

    @Test
    void aNewerStartUpPolicyReplacesAnOlderStoredOneOnRedeploy() throws Exception {
        state.put("accepted", V3);
        PolicyBroadcast redeployed = broadcast(V5);
        assertThat(redeployed.currentVersion(state)).isEqualTo(5);

        // candidates are judged against the policy in force, not against the stored one
        PolicyHistory.Verdict older = redeployed.offer(state, policy(4, 2.5));
        assertThat(older.accepted).isFalse();
        assertThat(state.get("accepted")).isEqualTo(V3);
    }

    @Test
    void aStoredPolicyThatNoLongerValidatesIsIgnoredInsteadOfFailing() throws Exception {
        state.put("accepted", "{\"version\": 9, \"segments\": {\"overrides\": {\"asn:1\": {\"rate_limit_score\": -1}}}}");
        assertThat(broadcast(V2).currentVersion(state)).isEqualTo(2);
        assertThat(broadcast(null).current(state)).isNull();
    }

    @Test
    void onlyAValidNewerCandidateIsAcceptedAndStored() throws Exception {
        PolicyBroadcast policies = broadcast(V2);
        assertThat(policies.offer(state, V3).accepted).isTrue();
        assertThat(state.get("accepted")).isEqualTo(V3);
        assertThat(policies.lastVersion()).isEqualTo(3);

        assertThat(policies.offer(state, V2).accepted).isFalse();
        assertThat(policies.offer(state, "{\"version\": 7, \"nonsense\": true").accepted).isFalse();
        assertThat(state.get("accepted")).isEqualTo(V3);
        assertThat(policies.currentVersion(state)).isEqualTo(3);
    }

    @Test
    void anOperatorsOwnStateNameAndKeyAreUsed() throws Exception {
        PolicyBroadcast arbiterPolicies = new PolicyBroadcast(DecisionArbiterFunction.POLICY_STATE,
                DecisionArbiterFunction.POLICY_KEY, SegmentLimits.defaults(), null);
        assertThat(arbiterPolicies.descriptor().getName()).isEqualTo("arbiter-policy");
        arbiterPolicies.offer(state, V3);
        assertThat(state.get(DecisionArbiterFunction.POLICY_KEY)).isEqualTo(V3);
        assertThat(state.contains("accepted")).isFalse();
    }

    private static PolicyBroadcast broadcast(String initialJson) {
        return new PolicyBroadcast(SegmentLimits.defaults(), initialJson);
    }

    private static String policy(long version, double rateLimitScore) {
        return "{\"version\": " + version + ", \"segments\": {\"overrides\": {\"asn:64501\": {\"rate_limit_score\": "
                + rateLimitScore + "}}}}";
    }

    /** Broadcast state as a map. */
    private static final class FakeBroadcastState implements BroadcastState<String, String> {
        private final Map<String, String> map = new HashMap<>();

        @Override
        public void put(String key, String value) {
            map.put(key, value);
        }

        @Override
        public void putAll(Map<String, String> all) {
            map.putAll(all);
        }

        @Override
        public void remove(String key) {
            map.remove(key);
        }

        @Override
        public Iterator<Map.Entry<String, String>> iterator() {
            return map.entrySet().iterator();
        }

        @Override
        public Iterable<Map.Entry<String, String>> entries() {
            return map.entrySet();
        }

        @Override
        public String get(String key) {
            return map.get(key);
        }

        @Override
        public boolean contains(String key) {
            return map.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<String, String>> immutableEntries() {
            return Map.copyOf(map).entrySet();
        }

        @Override
        public void clear() {
            map.clear();
        }
    }
}
