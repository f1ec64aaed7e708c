package io.meshguard.policy;

import io.meshguard.model.Action;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentState;
import io.meshguard.segment.SegmentThresholdController;
import io.meshguard.segment.SegmentUpdate;
import java.io.Serializable;
import java.time.Instant;

/**
 * An operator's order in a policy: clamp or release a segment, or release, quarantine or
 * rate-limit an identity, until an expiry. Immutable.
 */
public final class ManualOverride implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What a target names. */
    public enum Scope {
        SEGMENT("segment:"),
        IDENTITY("identity:");

        private final String prefix;

        Scope(String prefix) {
            this.prefix = prefix;
        }

        /** Prefix of targets of this scope, e.g. {@code segment:}. */
        public String prefix() {
            return prefix;
        }
    }

    /** The target as written (identity addresses canonical), e.g. {@code segment:asn:64666}. */
    public final String target;

    public final Scope scope;
    /** The segment id or identity key, e.g. {@code asn:64666} or {@code user:alice}. */
    public final String key;

    public final ManualAction action;
    /** Segment cap of a clamp (req/s), else 0. */
    public final double capRps;
    /** Identity limit of a rate_limit (req/s), else 0. */
    public final double limitRps;
    /** Event time (ms) from which the override no longer applies. */
    public final long untilMillis;
    /** Free text from the policy, or null. */
    public final String reason;

    public ManualOverride(
            Scope scope, String key, ManualAction action, double capRps, double limitRps, long untilMillis,
            String reason) {
        if (!action.appliesTo(scope)) {
            throw new IllegalArgumentException(action.wireName() + " does not apply to " + scope.prefix() + " targets");
        }
        this.scope = scope;
        this.key = key;
        this.target = scope.prefix() + key;
        this.action = action;
        this.capRps = capRps;
        this.limitRps = limitRps;
        this.untilMillis = untilMillis;
        this.reason = reason;
    }

    public boolean isActiveAt(long nowMillis) {
        return nowMillis < untilMillis;
    }

    /** For identity overrides: the action enforcers should apply (release is ALLOW). */
    public Action identityAction() {
        switch (action) {
            case RELEASE:
                return Action.ALLOW;
            case QUARANTINE:
                return Action.QUARANTINE;
            case RATE_LIMIT:
                return Action.RATE_LIMIT;
            default:
                throw new IllegalStateException(action.wireName() + " is not an identity action");
        }
    }

    /**
     * Applies a segment override to the segment's controller state (idempotent, so it may be
     * re-applied on every policy broadcast); null when nothing changed or the override has expired.
     */
    public SegmentUpdate applyTo(
            SegmentThresholdController controller, SegmentState state, long nowMillis, SegmentLimits limits,
            long policyVersion) {
        if (scope != Scope.SEGMENT) {
            throw new IllegalStateException("not a segment override: " + target);
        }
        String note = "policy v" + policyVersion + (reason == null ? "" : ": " + reason);
        return action == ManualAction.CLAMP
                ? controller.forceClamp(key, state, capRps, untilMillis, nowMillis, limits, note)
                : controller.forceRelease(key, state, untilMillis, nowMillis, limits, note);
    }

    @Override
    public String toString() {
        return "ManualOverride{" + target + " " + action.wireName()
                + (action == ManualAction.CLAMP ? " cap " + capRps : "")
                + (action == ManualAction.RATE_LIMIT ? " limit " + limitRps : "")
                + " until " + Instant.ofEpochMilli(untilMillis) + "}";
    }
}
