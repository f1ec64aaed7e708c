package io.meshguard.job.operators;

import io.meshguard.policy.Policy;
import io.meshguard.policy.PolicyHistory;
import io.meshguard.policy.PolicyParser;
import io.meshguard.policy.PolicyValidationException;
import io.meshguard.segment.SegmentLimits;
import java.io.Serializable;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;

/**
 * The policy in force for one operator with the control channel as broadcast input. Broadcast
 * state keeps the accepted document's JSON, not the parsed object, so a savepoint stays readable
 * whatever the policy classes become; the parsed policy is cached and re-parsed only when the
 * stored document changes (after a restore, or when a newer one was accepted).
 *
 * <p>Every instance applies the same gate ({@link PolicyHistory}) to the same broadcast sequence,
 * so all operators agree on the policy in force.
 */
public final class PolicyBroadcast implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, String> DESCRIPTOR = new MapStateDescriptor<>(
            "policy", BasicTypeInfo.STRING_TYPE_INFO, BasicTypeInfo.STRING_TYPE_INFO);
    private static final String KEY = "accepted";

    private final SegmentLimits limits;
    private final String initialJson;

    private transient PolicyParser parser;
    private transient String cachedJson;
    private transient Policy cached;

    /**
     * @param limits the configured base thresholds and bounds documents are validated against
     * @param initialJson the start-up policy, already validated by the caller; null for defaults
     */
    public PolicyBroadcast(SegmentLimits limits, String initialJson) {
        this.limits = limits;
        this.initialJson = initialJson;
    }

    /** The policy in force, or null for the built-in defaults. */
    public Policy current(ReadOnlyBroadcastState<String, String> state) throws Exception {
        String json = state.get(KEY);
        if (json == null) {
            json = initialJson;
        }
        if (json == null) {
            return null;
        }
        if (!json.equals(cachedJson)) {
            cached = parse(json);
            cachedJson = json;
        }
        return cached;
    }

    /** Version of the policy in force, 0 for the defaults. */
    public long currentVersion(ReadOnlyBroadcastState<String, String> state) throws Exception {
        Policy policy = current(state);
        return policy == null ? 0 : policy.version();
    }

    /** Validates a candidate and, when it is newer than the policy in force, stores it. */
    public PolicyHistory.Verdict offer(BroadcastState<String, String> state, String json) throws Exception {
        PolicyHistory history = new PolicyHistory(current(state));
        PolicyHistory.Verdict verdict = history.accept(json, parser());
        if (verdict.accepted) {
            state.put(KEY, json);
            cached = verdict.current;
            cachedJson = json;
        }
        return verdict;
    }

    private Policy parse(String json) {
        try {
            return parser().parse(json);
        } catch (PolicyValidationException e) {
            // Only validated documents are stored; this means the validation rules changed between
            // releases. Failing loudly beats silently dropping an operator's policy.
            throw new IllegalStateException("stored policy no longer validates: " + e.getMessage(), e);
        }
    }

    private PolicyParser parser() {
        if (parser == null) {
            parser = new PolicyParser(limits);
        }
        return parser;
    }
}
