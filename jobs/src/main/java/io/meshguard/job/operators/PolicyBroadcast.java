package io.meshguard.job.operators;

import io.meshguard.policy.Policy;
import io.meshguard.policy.PolicyHistory;
import io.meshguard.policy.PolicyParser;
import io.meshguard.policy.PolicyValidationException;
import io.meshguard.segment.SegmentLimits;
import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force for one operator with the control channel as broadcast input. Broadcast
 * state keeps the accepted document's JSON, not the parsed object, so a savepoint stays readable
 * whatever the policy classes become; the parsed policy is cached and re-parsed only when the
 * stored document changes (after a restore, or when a newer one was accepted).
 *
 * <p>The policy in force is the newer of the stored document and the start-up one ({@code
 * --policy.initial}): a job resumed from a savepoint with a newer start-up policy runs that one,
 * and one resumed with an older start-up policy keeps what the control channel had brought. A
 * stored document that no longer validates (the rules changed between releases) is logged and
 * ignored rather than failing the job on every restore; the start-up policy, or the defaults,
 * apply until the control channel brings a valid one.
 *
 * <p>Every instance applies the same gate ({@link PolicyHistory}) to the same broadcast sequence,
 * so all operators agree on the policy in force.
 */
public final class PolicyBroadcast implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PolicyBroadcast.class);

    public static final MapStateDescriptor<String, String> DESCRIPTOR = new MapStateDescriptor<>(
            "policy", BasicTypeInfo.STRING_TYPE_INFO, BasicTypeInfo.STRING_TYPE_INFO);
    private static final String KEY = "accepted";

    private final MapStateDescriptor<String, String> descriptor;
    private final String key;
    private final SegmentLimits limits;
    private final String initialJson;

    private transient PolicyParser parser;
    private transient boolean loaded;
    private transient String storedJson;
    private transient Policy cached;
    private transient volatile long version;

    /**
     * @param limits the configured base thresholds and bounds documents are validated against
     * @param initialJson the start-up policy; null for defaults
     * @throws IllegalArgumentException when the start-up policy is invalid, so a bad deployment
     *     fails when the job is built instead of running without its policy
     */
    public PolicyBroadcast(SegmentLimits limits, String initialJson) {
        this(DESCRIPTOR, KEY, limits, initialJson);
    }

    /**
     * With an operator's own broadcast state and key, for state names fixed by an earlier release.
     *
     * @throws IllegalArgumentException when the start-up policy is invalid
     */
    public PolicyBroadcast(
            MapStateDescriptor<String, String> descriptor, String key, SegmentLimits limits, String initialJson) {
        if (initialJson != null) {
            try {
                new PolicyParser(limits).parse(initialJson);
            } catch (PolicyValidationException e) {
                throw new IllegalArgumentException("initial policy is invalid: " + e.getMessage(), e);
            }
        }
        this.descriptor = descriptor;
        this.key = key;
        this.limits = limits;
        this.initialJson = initialJson;
    }

    /** The broadcast state this instance reads and writes. */
    public MapStateDescriptor<String, String> descriptor() {
        return descriptor;
    }

    /** The policy in force, or null for the built-in defaults. */
    public Policy current(ReadOnlyBroadcastState<String, String> state) throws Exception {
        String stored = state.get(key);
        if (!loaded || !Objects.equals(stored, storedJson)) {
            remember(stored, resolve(stored));
        }
        return cached;
    }

    /** Version of the policy in force, 0 for the defaults. */
    public long currentVersion(ReadOnlyBroadcastState<String, String> state) throws Exception {
        current(state);
        return version;
    }

    /** Version of the policy last found in force, 0 before the first look; safe from any thread (gauges). */
    public long lastVersion() {
        return version;
    }

    /** Validates a candidate and, when it is newer than the policy in force, stores it. */
    public PolicyHistory.Verdict offer(BroadcastState<String, String> state, String json) throws Exception {
        PolicyHistory history = new PolicyHistory(current(state));
        PolicyHistory.Verdict verdict = history.accept(json, parser());
        if (verdict.accepted) {
            state.put(key, json);
            remember(json, verdict.current);
        }
        return verdict;
    }

    private void remember(String stored, Policy inForce) {
        storedJson = stored;
        cached = inForce;
        version = inForce == null ? 0 : inForce.version();
        loaded = true;
    }

    /** The newer of the start-up and the stored policy; a stored one that no longer validates is skipped. */
    private Policy resolve(String stored) {
        PolicyHistory history = new PolicyHistory();
        if (initialJson != null) {
            history.accept(initialJson, parser());
        }
        if (stored != null) {
            PolicyHistory.Verdict verdict = history.accept(stored, parser());
            if (!verdict.accepted && verdict.version < 0) {
                LOG.error("stored policy no longer validates and is ignored; policy v{} in force: {}",
                        history.currentVersion(), verdict.reason);
            }
        }
        return history.current();
    }

    private PolicyParser parser() {
        if (parser == null) {
            parser = new PolicyParser(limits);
        }
        return parser;
    }
}
