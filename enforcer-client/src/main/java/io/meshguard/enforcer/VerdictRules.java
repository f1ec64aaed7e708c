package io.meshguard.enforcer;

import io.meshguard.segment.SegmentMode;

/**
 * The pure part of the enforcer contract: how the identity's and the segment's entries (and the
 * clock, for quarantines) make a {@link Verdict}, and what the failure mode answers without them.
 */
final class VerdictRules {
    private VerdictRules() {}

    /**
     * The verdict for an identity whose entry is {@code identity} (present or absent), in a segment
     * whose entry is {@code segment} (null when no segment was asked for, or it is unknown).
     */
    static Verdict decide(StoreEntry identity, StoreEntry segment, long nowMillis, boolean degraded) {
        if (!identity.present) {
            return verdict(Verdict.Outcome.ALLOW, Verdict.Reason.NO_ENTRY, 0, identity, 0, segment, degraded);
        }
        String action = identity.action;
        if ("QUARANTINE".equals(action)) {
            // Checked here too, not only by Redis' TTL: a cached quarantine must end on time without a
            // notification (an expiring key announces nothing). No readable end: deny, since the
            // store only ever writes a quarantine with one and an unreadable one is still a quarantine.
            if (identity.expiresAtMillis > 0 && identity.expiresAtMillis <= nowMillis) {
                return verdict(Verdict.Outcome.ALLOW, Verdict.Reason.QUARANTINE_EXPIRED, 0, identity,
                        identity.expiresAtMillis, segment, degraded);
            }
            return verdict(Verdict.Outcome.DENY, Verdict.Reason.QUARANTINED, 0, identity,
                    identity.expiresAtMillis, segment, degraded);
        }
        if ("RATE_LIMIT".equals(action)) {
            if (Double.isNaN(identity.limitRps) || identity.limitRps < 0) {
                return verdict(Verdict.Outcome.ALLOW, Verdict.Reason.UNRECOGNIZED_ENTRY, 0, identity, 0, segment,
                        degraded);
            }
            return verdict(Verdict.Outcome.LIMIT, Verdict.Reason.RATE_LIMITED, identity.limitRps, identity, 0,
                    segment, degraded);
        }
        if ("ALLOW".equals(action)) {
            return verdict(Verdict.Outcome.ALLOW, Verdict.Reason.RELEASED, 0, identity, 0, segment, degraded);
        }
        return verdict(Verdict.Outcome.ALLOW, Verdict.Reason.UNRECOGNIZED_ENTRY, 0, identity, 0, segment, degraded);
    }

    /** The verdict when the identity's entry could not be read and none could stand in for it. */
    static Verdict unreachable(FailureMode mode, String identityKey, StoreEntry segment) {
        Verdict.Outcome outcome = mode == FailureMode.FAIL_CLOSED ? Verdict.Outcome.DENY : Verdict.Outcome.ALLOW;
        return verdict(outcome, Verdict.Reason.STORE_UNREACHABLE, 0, StoreEntry.absent(identityKey), 0, segment,
                true);
    }

    /** An absent segment entry still names the key consulted, with no mode. */
    private static Verdict verdict(Verdict.Outcome outcome, Verdict.Reason reason, double limitRps,
            StoreEntry identity, long expiresAtMillis, StoreEntry segment, boolean degraded) {
        boolean segmentKnown = segment != null && segment.present;
        return new Verdict(outcome, reason, limitRps, identity.key,
                identity.present ? identity.action : null,
                identity.version,
                expiresAtMillis,
                segment == null ? null : segment.key,
                segmentKnown ? segment.mode : null,
                segmentKnown && segment.mode == SegmentMode.CLAMPED ? segment.capRps : 0,
                segmentKnown ? segment.version : 0,
                degraded);
    }
}
