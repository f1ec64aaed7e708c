package io.meshguard.enforce;

import io.meshguard.cep.PatternMatch;
import io.meshguard.control.FalsePositiveReport;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.policy.ManualOverride;
import io.meshguard.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place that decides what enforcers are told about an identity. It merges the detector's
 * score proposals, behaviour-pattern matches, false-positive reports and the policy in force
 * (allowlist, shadow mode, manual overrides) into one final action per identity, guards the blast
 * radius of quarantines per segment, and returns a {@link Decision} only when what enforcers must do
 * changes.
 *
 * <p>Precedence, per identity and event time: allowlisted → ALLOW; else an active manual identity
 * override; else an active feedback exemption → ALLOW; else the most severe of the latest score
 * action and every pattern action still within its hold. A rate limit carries the lowest competing
 * limit, a quarantine the TTL up to the latest end among the quarantines holding it.
 *
 * <p><b>Emission.</b> A decision goes out when the action or the limit changes, when the shadow
 * flag changes (except between two ALLOWs), when the detector proposes a quarantine again (its
 * renewal), and when an emitted quarantine's TTL ran out while something still quarantines the
 * identity. Pattern matches repeat for as long as an attack goes on; renewing on each would flood
 * enforcers, so they extend the hold silently and the renewal goes out when the emitted quarantine
 * ends. Nothing is emitted for an identity that was never acted on and stays ALLOW. Versions are
 * {@code max(previous + 1, event time)}: strictly increasing per identity, and still above what
 * enforcers hold after the state was discarded.
 *
 * <p><b>Blast radius.</b> Identities are hash-partitioned across {@code parallelism} instances, and
 * each instance enforces its share of a segment's cap, {@code ceil(cap / parallelism)} with {@code
 * cap = max(min count, share × active identities)}, against its own count of enforcing quarantines
 * in the segment. Beyond it a quarantine becomes a rate limit (trigger {@code blast-radius}) and is
 * tried again on the identity's next input or wake-up. When the segment's size is unknown (the
 * controller reports a segment only when something about it changes) the cap is the minimum count:
 * an unknown segment may be small, and over-quarantining is the failure the guard exists for.
 * Manual overrides are a human's order and are never downgraded, but they count. Shadow decisions
 * are audit only: neither counted nor downgraded.
 *
 * <p><b>Time.</b> Holds, quarantines, exemptions and manual overrides end by event time: the caller
 * wakes the arbiter at {@link #nextWakeMillis} and calls {@link #onTime}; an identity that is ALLOW
 * with nothing pending reports {@link #isDiscardable}.
 *
 * <p>Holds the per-instance quarantine counts, so one arbiter serves one parallel instance; not
 * thread-safe.
 */
public final class DecisionArbiter {
    /** {@link #nextWakeMillis} when nothing is pending. */
    public static final long NEVER = Long.MAX_VALUE;

    /** Where a segment-less identity's quarantine is counted. */
    static final String UNKNOWN_SEGMENT = "";

    private enum Cause {
        SCORE,
        PATTERN,
        FEEDBACK,
        POLICY,
        TIME
    }

    private final ArbiterConfig config;
    private final int parallelism;
    /** Enforcing quarantines in force per segment on this instance; no zero entries. */
    private final Map<String, Integer> quarantined = new HashMap<>();

    /** @param parallelism parallel instances sharing each segment's blast-radius cap */
    public DecisionArbiter(ArbiterConfig config, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be positive, got " + parallelism);
        }
        this.config = config;
        this.parallelism = parallelism;
    }

    public ArbiterConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs

    /**
     * The detector's score-based action for the identity changed (or a quarantine was renewed).
     *
     * @param policy the policy in force, null for the built-in defaults (version 0, nothing listed)
     * @param segment the latest known about the identity's segment, null when unknown
     * @return the decision to emit, or null
     */
    public Decision onProposal(ArbiterState s, Decision proposal, Policy policy, SegmentInfo segment) {
        long now = advance(s, proposal.timestampMillis);
        identify(s, proposal.identity, proposal.identityType, proposal.segment);
        Action action = proposal.action == null ? Action.ALLOW : proposal.action;
        s.scoreAction = action;
        s.score = proposal.score;
        s.scoreMillis = now;
        s.scoreLimitRps = action == Action.RATE_LIMIT ? proposal.limitRps : 0;
        s.scoreUntilMillis = 0;
        if (action == Action.QUARANTINE) {
            long ttl = proposal.ttlSeconds > 0 ? proposal.ttlSeconds : config.quarantineTtlSeconds;
            s.scoreUntilMillis = proposal.timestampMillis + ttl * 1000;
        }
        return decide(s, now, policy, segment, Cause.SCORE, proposal, null, null);
    }

    /** A behaviour pattern matched: its action holds until the pattern's hold after its last interval. */
    public Decision onPattern(ArbiterState s, PatternMatch match, Policy policy, SegmentInfo segment) {
        int i = ArbiterConfig.patternIndex(match.pattern);
        if (i < 0) {
            return null; // a pattern this arbiter has no rule for (a newer detection job): nothing to enforce
        }
        long now = advance(s, match.lastIntervalMillis);
        identify(s, match.identity, match.identityType, match.segment);
        long until = match.lastIntervalMillis + config.patternHoldMillis(i);
        // A match whose hold already ended (a late one) has nothing left to enforce.
        if (until > now && until > s.patternUntilMillis[i]) {
            s.patternUntilMillis[i] = until;
        }
        if (until > now) {
            s.evidencePattern = match.pattern;
            s.evidence = match.evidence == null ? null : match.evidence.clone();
        }
        return decide(s, now, policy, segment, Cause.PATTERN, null, match, null);
    }

    /**
     * Someone reported the identity as wrongly limited: release it and leave it alone for the
     * exemption. The disputed score verdict and pattern holds are withdrawn, so the exemption's end
     * does not bring them back; fresh proposals and matches afterwards count again.
     */
    public Decision onFeedback(ArbiterState s, FalsePositiveReport report, Policy policy, SegmentInfo segment) {
        long now = advance(s, report.timestampMillis);
        identify(s, report.identity, null, s.segment == null ? report.segment : null);
        s.exemptUntilMillis = Math.max(s.exemptUntilMillis, report.timestampMillis + config.falsePositiveExemptMillis);
        if (s.exemptUntilMillis <= now) {
            s.exemptUntilMillis = 0;
        }
        if (s.scoreAction != null) {
            s.scoreAction = Action.ALLOW;
            s.scoreLimitRps = 0;
            s.scoreUntilMillis = 0;
        }
        Arrays.fill(s.patternUntilMillis, 0);
        s.evidencePattern = null;
        s.evidence = null;
        return decide(s, now, policy, segment, Cause.FEEDBACK, null, null, report);
    }

    /**
     * A new policy is in force (allowlist, shadow mode or manual overrides may have changed). Also
     * the way to act on a manual override for an identity without state: pass a fresh state whose
     * {@link ArbiterState#identity} is set.
     */
    public Decision onPolicy(ArbiterState s, Policy policy, long nowMillis, SegmentInfo segment) {
        long now = advance(s, nowMillis);
        return decide(s, now, policy, segment, Cause.POLICY, null, null, null);
    }

    /**
     * An accepted policy orders a manual override for an identity this instance holds no state
     * for: the decision to emit, if any. Such a quarantine is not counted against the blast radius,
     * since without state nothing would ever uncount it; its TTL ends it at the enforcers.
     */
    public Decision onPolicyWithoutState(String identity, Policy policy, long nowMillis, SegmentInfo segment) {
        ArbiterState s = new ArbiterState();
        s.identity = identity;
        Decision d = onPolicy(s, policy, nowMillis, segment);
        count(s, false);
        return d;
    }

    /** Event time reached {@code nowMillis} (at or after {@link #nextWakeMillis}): holds may have ended. */
    public Decision onTime(ArbiterState s, long nowMillis, Policy policy, SegmentInfo segment) {
        long now = advance(s, nowMillis);
        return decide(s, now, policy, segment, Cause.TIME, null, null, null);
    }

    // ---------------------------------------------------------------------------------------------
    // Time and cleanup

    /**
     * The event time at which the arbiter must be woken ({@link #onTime}), or {@link #NEVER}. A live
     * state wakes at least every recheck interval (see {@link ArbiterConfig}); one that is ALLOW with
     * nothing pending but not yet past its version wakes just after it, to be discarded.
     */
    public long nextWakeMillis(ArbiterState s) {
        long next = NEVER;
        if (s.emitted == Action.QUARANTINE && s.emittedUntilMillis > 0) {
            next = Math.min(next, s.emittedUntilMillis);
        }
        if (s.scoreAction == Action.QUARANTINE && s.scoreUntilMillis > 0) {
            next = Math.min(next, s.scoreUntilMillis);
        }
        if (s.scoreAction == Action.RATE_LIMIT && config.scoreRateLimitLapseMillis > 0) {
            next = Math.min(next, s.scoreMillis + config.scoreRateLimitLapseMillis);
        }
        for (long until : s.patternUntilMillis) {
            if (until > 0) {
                next = Math.min(next, until);
            }
        }
        if (s.exemptUntilMillis > 0) {
            next = Math.min(next, s.exemptUntilMillis);
        }
        if (s.manualUntilMillis > 0) {
            next = Math.min(next, s.manualUntilMillis);
        }
        if (isDiscardable(s)) {
            return NEVER;
        }
        if (isReleased(s)) {
            // Nothing pending; kept only until event time passes its version.
            return Math.min(next, s.version + 1);
        }
        return Math.min(next, s.clockMillis + config.recheckMillis);
    }

    /**
     * Whether the state may be dropped: the identity is ALLOW (or was never acted on), holds nothing
     * and no quarantine count, and event time passed its last version (so a new decision after the
     * drop, versioned by event time, still orders after it).
     */
    public boolean isDiscardable(ArbiterState s) {
        return isReleased(s) && (s.version == 0 || s.clockMillis > s.version);
    }

    private static boolean isReleased(ArbiterState s) {
        if ((s.emitted != null && s.emitted != Action.ALLOW) || s.countedSegment != null) {
            return false;
        }
        if (s.allowlisted) {
            return true;
        }
        if (s.scoreAction != null && s.scoreAction != Action.ALLOW) {
            return false;
        }
        for (long until : s.patternUntilMillis) {
            if (until > 0) {
                return false;
            }
        }
        return s.exemptUntilMillis == 0 && s.manualUntilMillis == 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Blast-radius counts

    /** Enforcing quarantines this instance has in force in the segment. */
    public int quarantinesInForce(String segment) {
        return quarantined.getOrDefault(segment == null ? UNKNOWN_SEGMENT : segment, 0);
    }

    /** A copy of the per-segment counts, for a checkpoint. */
    public Map<String, Integer> quarantineCounts() {
        return Collections.unmodifiableMap(new HashMap<>(quarantined));
    }

    /** Adds restored counts (non-positive ones are ignored). */
    public void restoreQuarantineCounts(Map<String, Integer> counts) {
        counts.forEach((segment, n) -> {
            if (n != null && n > 0) {
                quarantined.merge(segment, n, Integer::sum);
            }
        });
    }

    /** This instance's share of the segment's blast-radius cap. */
    public int perInstanceCap(SegmentInfo segment) {
        int cap = segment == null ? config.blastRadiusMinCount : config.maxQuarantined(segment.distinctIdentities);
        return (cap + parallelism - 1) / parallelism;
    }

    private void count(ArbiterState s, boolean inForce) {
        String segment = s.segment == null ? UNKNOWN_SEGMENT : s.segment;
        if (s.countedSegment != null && (!inForce || !s.countedSegment.equals(segment))) {
            quarantined.computeIfPresent(s.countedSegment, (k, n) -> n <= 1 ? null : n - 1);
            s.countedSegment = null;
        }
        if (inForce && s.countedSegment == null) {
            quarantined.merge(segment, 1, Integer::sum);
            s.countedSegment = segment;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Deciding

    /** What holds the identity, before the blast-radius guard. */
    private static final class Outcome {
        Action action = Action.ALLOW;
        /** Lowest competing rate limit, NaN when nothing rate-limits. */
        double limitRps = Double.NaN;
        /** Latest end among the quarantines holding the identity. */
        long untilMillis;
        /** Trigger of the source deciding the action; null when nothing holds the identity. */
        String source;
        /** Pattern index when a pattern decides. */
        int pattern = -1;

        boolean manual;
        final List<String> reasons = new ArrayList<>();
        /** What ended at this evaluation, for expiry reasons. */
        final List<String> ended = new ArrayList<>();
    }

    private Decision decide(
            ArbiterState s, long now, Policy policy, SegmentInfo segment, Cause cause, Decision proposal,
            PatternMatch match, FalsePositiveReport report) {
        long policyVersion = policy == null ? 0 : policy.version();
        Outcome o = resolve(s, now, policy, cause, proposal, match, report);
        boolean shadow = policy != null && policy.isShadow(s.segment);

        String downgrade = null;
        if (o.action == Action.QUARANTINE && !o.manual && !shadow && s.countedSegment == null) {
            int inForce = quarantinesInForce(s.segment);
            int share = perInstanceCap(segment);
            if (inForce >= share) {
                downgrade = blastRadiusReason(s, segment, inForce, share, o);
                o.action = Action.RATE_LIMIT;
                if (Double.isNaN(o.limitRps)) {
                    o.limitRps = config.fallbackLimitRps;
                }
            }
        }

        Action previous = s.emitted;
        if (!mustEmit(s, o, shadow, now, cause)) {
            return null;
        }

        String trigger;
        List<String> reasons = new ArrayList<>();
        if (downgrade != null) {
            trigger = Decision.TRIGGER_BLAST_RADIUS;
            reasons.add(downgrade);
        } else if (cause == Cause.TIME && previous != null && weaker(o, s)) {
            trigger = Decision.TRIGGER_EXPIRY;
            reasons.addAll(o.ended.isEmpty() ? List.of("no longer held") : o.ended);
        } else if (o.source != null) {
            trigger = o.source;
        } else {
            trigger = causeTrigger(cause);
            reasons.addAll(o.ended);
        }
        reasons.addAll(o.reasons);
        if (reasons.isEmpty()) {
            reasons.add(o.action == Action.ALLOW ? "nothing holds the identity" : o.action.name());
        }

        Decision d = new Decision();
        d.timestampMillis = now;
        d.identity = s.identity;
        d.identityType = s.identityType;
        d.segment = s.segment;
        d.action = o.action;
        d.previousAction = previous;
        if (o.action == Action.RATE_LIMIT) {
            d.limitRps = o.limitRps;
        }
        if (o.action == Action.QUARANTINE) {
            d.ttlSeconds = Math.max(1, (o.untilMillis - now + 999) / 1000);
        }
        d.score = s.score;
        d.reasons = reasons.toArray(new String[0]);
        d.version = Math.max(s.version + 1, now);
        d.policyVersion = policyVersion;
        d.trigger = trigger;
        d.segmentMode = segmentMode(segment, match);
        d.shadow = shadow;
        if (o.pattern >= 0 && !Decision.TRIGGER_EXPIRY.equals(trigger)) {
            d.pattern = PatternMatch.PATTERNS.get(o.pattern);
            if (d.pattern.equals(s.evidencePattern) && s.evidence != null) {
                d.evidence = s.evidence.clone();
            }
        }
        if (Decision.TRIGGER_SCORE.equals(trigger) && proposal != null) {
            copyExplanation(proposal, d);
        }

        s.version = d.version;
        s.emitted = o.action;
        s.emittedLimitRps = o.action == Action.RATE_LIMIT ? o.limitRps : 0;
        s.emittedUntilMillis = o.action == Action.QUARANTINE ? now + d.ttlSeconds * 1000 : 0;
        s.emittedShadow = shadow;
        count(s, o.action == Action.QUARANTINE && !shadow);
        return d;
    }

    private static boolean mustEmit(ArbiterState s, Outcome o, boolean shadow, long now, Cause cause) {
        if (s.emitted == null) {
            return o.action != Action.ALLOW; // never acted on: silence is ALLOW
        }
        if (o.action != s.emitted) {
            return true;
        }
        if (shadow != s.emittedShadow && o.action != Action.ALLOW) {
            return true;
        }
        if (o.action == Action.RATE_LIMIT) {
            return o.limitRps != s.emittedLimitRps;
        }
        if (o.action == Action.QUARANTINE) {
            boolean ranOut = now >= s.emittedUntilMillis && o.untilMillis > now;
            boolean renewedByScore = cause == Cause.SCORE && s.scoreAction == Action.QUARANTINE
                    && o.untilMillis > s.emittedUntilMillis;
            return ranOut || renewedByScore;
        }
        return false;
    }

    /** Whether the outcome holds the identity less than what was emitted. */
    private static boolean weaker(Outcome o, ArbiterState s) {
        if (o.action.rank() != s.emitted.rank()) {
            return o.action.rank() < s.emitted.rank();
        }
        return o.action == Action.RATE_LIMIT && o.limitRps > s.emittedLimitRps;
    }

    private static String causeTrigger(Cause cause) {
        switch (cause) {
            case SCORE:
                return Decision.TRIGGER_SCORE;
            case PATTERN:
                return Decision.TRIGGER_PATTERN;
            case FEEDBACK:
                return Decision.TRIGGER_FEEDBACK;
            case POLICY:
                return Decision.TRIGGER_MANUAL; // what a policy lifts without a new source is an override
            default:
                return Decision.TRIGGER_EXPIRY;
        }
    }

    /** Applies the precedence; also forgets holds that have ended (noting them for the reasons). */
    private Outcome resolve(
            ArbiterState s, long now, Policy policy, Cause cause, Decision proposal, PatternMatch match,
            FalsePositiveReport report) {
        Outcome o = new Outcome();
        expire(s, now, policy, o);
        s.allowlisted = policy != null && s.identity != null && policy.isAllowlisted(s.identity, null);
        if (s.allowlisted) {
            o.source = Decision.TRIGGER_ALLOWLIST;
            o.reasons.add("allowlisted by policy v" + policy.version());
            return o;
        }
        ManualOverride manual = policy == null || s.identity == null ? null : policy.activeIdentityManual(s.identity, now);
        if (manual != null) {
            s.manualUntilMillis = manual.untilMillis;
            o.action = manual.identityAction();
            o.manual = true;
            o.source = Decision.TRIGGER_MANUAL;
            if (o.action == Action.RATE_LIMIT) {
                o.limitRps = manual.limitRps;
            }
            o.untilMillis = manual.untilMillis;
            o.reasons.add(String.format(Locale.ROOT, "manual override %s %s until %s (policy v%d%s)",
                    manual.target, manual.action.wireName(), Instant.ofEpochMilli(manual.untilMillis),
                    policy.version(), manual.reason == null ? "" : ": " + manual.reason));
            return o;
        }
        if (now < s.exemptUntilMillis) {
            o.source = Decision.TRIGGER_FEEDBACK;
            String note = report != null && report.note != null ? " (" + report.note + ")" : "";
            o.reasons.add("false positive reported" + note + "; exempt until " + Instant.ofEpochMilli(s.exemptUntilMillis));
            return o;
        }

        // The most severe of the score and the pattern holds; ties go to what caused this evaluation.
        int preferred = cause == Cause.PATTERN && match != null ? ArbiterConfig.patternIndex(match.pattern) : -1;
        if (s.scoreAction != null && s.scoreAction != Action.ALLOW) {
            consider(o, s.scoreAction, s.scoreLimitRps, s.scoreUntilMillis, -1, cause == Cause.SCORE);
        }
        for (int i = 0; i < s.patternUntilMillis.length; i++) {
            if (s.patternUntilMillis[i] > 0) {
                consider(o, config.patternAction(i), config.patternLimitRps(i), s.patternUntilMillis[i], i, i == preferred);
            }
        }
        boolean proposalReasons = cause == Cause.SCORE && proposal != null && proposal.reasons != null
                && proposal.reasons.length > 0;
        if (o.source == null) {
            if (proposalReasons) {
                o.reasons.addAll(List.of(proposal.reasons)); // why the detector released it
            }
            return o;
        }
        if (o.pattern >= 0) {
            o.reasons.add(patternReason(o.pattern, s.patternUntilMillis[o.pattern], match));
        } else if (proposalReasons) {
            o.reasons.addAll(List.of(proposal.reasons));
        } else {
            o.reasons.add(String.format(Locale.ROOT, "anomaly score %.2f at %s", s.score, Instant.ofEpochMilli(s.scoreMillis)));
        }
        return o;
    }

    /** One candidate action; {@code pattern} -1 is the score. */
    private static void consider(Outcome o, Action action, double limitRps, long untilMillis, int pattern, boolean preferred) {
        if (action == Action.RATE_LIMIT) {
            o.limitRps = Double.isNaN(o.limitRps) ? limitRps : Math.min(o.limitRps, limitRps);
        }
        if (action == Action.QUARANTINE) {
            o.untilMillis = Math.max(o.untilMillis, untilMillis);
        }
        boolean stronger = action.rank() > o.action.rank();
        if (stronger || (action == o.action && preferred)) {
            o.action = action;
            o.pattern = pattern;
            o.source = pattern >= 0 ? Decision.TRIGGER_PATTERN : Decision.TRIGGER_SCORE;
        }
    }

    /** Drops what has ended by {@code now}, noting each for the reasons of an expiry. */
    private void expire(ArbiterState s, long now, Policy policy, Outcome o) {
        if (s.scoreAction == Action.QUARANTINE && now >= s.scoreUntilMillis) {
            // The detector quarantines for its TTL; it proposes again if the identity is still abusive.
            o.ended.add("score quarantine ended at " + Instant.ofEpochMilli(s.scoreUntilMillis));
            s.scoreAction = Action.ALLOW;
            s.scoreUntilMillis = 0;
        }
        if (s.scoreAction == Action.RATE_LIMIT && config.scoreRateLimitLapseMillis > 0
                && now >= s.scoreMillis + config.scoreRateLimitLapseMillis) {
            o.ended.add("score rate limit lapsed: no proposal since " + Instant.ofEpochMilli(s.scoreMillis));
            s.scoreAction = Action.ALLOW;
            s.scoreLimitRps = 0;
        }
        for (int i = 0; i < s.patternUntilMillis.length; i++) {
            if (s.patternUntilMillis[i] > 0 && now >= s.patternUntilMillis[i]) {
                o.ended.add("pattern " + PatternMatch.PATTERNS.get(i) + " hold ended at "
                        + Instant.ofEpochMilli(s.patternUntilMillis[i]));
                s.patternUntilMillis[i] = 0;
                if (PatternMatch.PATTERNS.get(i).equals(s.evidencePattern)) {
                    s.evidencePattern = null;
                    s.evidence = null;
                }
            }
        }
        if (s.exemptUntilMillis > 0 && now >= s.exemptUntilMillis) {
            o.ended.add("false-positive exemption ended at " + Instant.ofEpochMilli(s.exemptUntilMillis));
            s.exemptUntilMillis = 0;
        }
        if (s.manualUntilMillis > 0
                && (now >= s.manualUntilMillis || policy == null || policy.activeIdentityManual(s.identity, now) == null)) {
            o.ended.add(now >= s.manualUntilMillis
                    ? "manual override ended at " + Instant.ofEpochMilli(s.manualUntilMillis)
                    : "manual override lifted by policy v" + (policy == null ? 0 : policy.version()));
            s.manualUntilMillis = 0;
        }
    }

    private String patternReason(int i, long untilMillis, PatternMatch match) {
        String name = PatternMatch.PATTERNS.get(i);
        String held = String.format(Locale.ROOT, "%s held until %s", config.patternAction(i), Instant.ofEpochMilli(untilMillis));
        if (match != null && name.equals(match.pattern)) {
            return String.format(Locale.ROOT, "pattern %s matched %d intervals from %s to %s; %s",
                    name, match.intervals, Instant.ofEpochMilli(match.firstIntervalMillis),
                    Instant.ofEpochMilli(match.lastIntervalMillis), held);
        }
        return "pattern " + name + ": " + held;
    }

    private String blastRadiusReason(ArbiterState s, SegmentInfo segment, int inForce, int share, Outcome o) {
        String by = o.pattern >= 0 ? "pattern " + PatternMatch.PATTERNS.get(o.pattern) : "score";
        String size = segment == null
                ? "segment size unknown: minimum " + config.blastRadiusMinCount
                : String.format(Locale.ROOT, "max(%d, %.0f%% of %d active identities) = %d",
                        config.blastRadiusMinCount, 100 * config.blastRadiusShare, segment.distinctIdentities,
                        config.maxQuarantined(segment.distinctIdentities));
        return String.format(Locale.ROOT,
                "blast radius: segment %s already has %d quarantine%s in force on this instance, its share of the cap "
                        + "(%s, over %d instance%s); quarantine by %s downgraded to a rate limit",
                s.segment, inForce, inForce == 1 ? "" : "s", size, parallelism, parallelism == 1 ? "" : "s", by);
    }

    private static String segmentMode(SegmentInfo segment, PatternMatch match) {
        if (segment != null && segment.mode != null) {
            return segment.mode.name();
        }
        return match != null && match.segmentMode != null ? match.segmentMode.toUpperCase(Locale.ROOT) : null;
    }

    private static void copyExplanation(Decision from, Decision to) {
        to.baselineKind = from.baselineKind;
        to.eventArrivalMillis = from.eventArrivalMillis;
        to.featureValues = from.featureValues == null ? null : from.featureValues.clone();
        to.baselineCenter = from.baselineCenter == null ? null : from.baselineCenter.clone();
        to.baselineScale = from.baselineScale == null ? null : from.baselineScale.clone();
        to.deviations = from.deviations == null ? null : from.deviations.clone();
        to.rateLimitScore = from.rateLimitScore;
        to.quarantineScore = from.quarantineScore;
        to.releaseScore = from.releaseScore;
    }

    private static long advance(ArbiterState s, long time) {
        s.clockMillis = Math.max(s.clockMillis, time);
        return s.clockMillis;
    }

    private static void identify(ArbiterState s, String identity, IdentityType type, String segment) {
        if (identity != null) {
            s.identity = identity;
        }
        if (type != null) {
            s.identityType = type;
        }
        if (segment != null) {
            s.segment = segment;
        }
    }
}
