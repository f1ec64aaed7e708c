package io.meshguard.enforce;

import io.meshguard.cep.PatternMatch;
import io.meshguard.model.Action;
import io.meshguard.model.IdentityType;

/**
 * What {@link DecisionArbiter} remembers about one identity: what enforcers were last told, the
 * latest score proposal, the hold of each behaviour pattern, the feedback exemption, the manual
 * override applied, and whether a quarantine is counted against the segment's blast radius. A Flink
 * POJO (public fields, no-arg constructor); times are event time in ms, 0 = none.
 */
public class ArbiterState {
    public String identity;
    public IdentityType identityType;
    /** The identity's segment, from its latest input. */
    public String segment;
    /** Latest event time seen for the identity (inputs and wake-ups). */
    public long clockMillis;

    // What enforcers were last told.
    /** Version of the last decision emitted; 0 = none yet. */
    public long version;
    /** Last action emitted; null = nothing was ever emitted. */
    public Action emitted;

    public double emittedLimitRps;
    /** End of the quarantine last emitted (its TTL runs out here). */
    public long emittedUntilMillis;

    public boolean emittedShadow;

    // The latest score proposal.
    /** null = no proposal yet (or withdrawn by feedback). */
    public Action scoreAction;

    public double scoreLimitRps;
    public double score;
    /** Event time of the latest proposal. */
    public long scoreMillis;
    /** End of a score quarantine. */
    public long scoreUntilMillis;

    /** Per pattern (indexed like {@link PatternMatch#PATTERNS}): end of its hold. */
    public long[] patternUntilMillis = new long[PatternMatch.PATTERNS.size()];

    /** The pattern of the latest match still held, and that match's evidence lines. */
    public String evidencePattern;

    public String[] evidence;

    /** Event time until which a reported false positive is left alone. */
    public long exemptUntilMillis;
    /** End of the manual identity override last seen in force. */
    public long manualUntilMillis;

    /** Allowlisted at the latest evaluation. */
    public boolean allowlisted;
    /** Segment whose blast-radius count holds this identity's quarantine; null = not counted. */
    public String countedSegment;

    /** The event-time timer the operator has registered for {@link DecisionArbiter#nextWakeMillis}; 0 = none. */
    public long timerMillis;

    public ArbiterState() {}

    @Override
    public String toString() {
        return "ArbiterState{" + identity + " emitted=" + emitted + " v=" + version + " score=" + scoreAction
                + " exempt<" + exemptUntilMillis + " manual<" + manualUntilMillis + " counted=" + countedSegment + "}";
    }
}
