package io.meshguard.detect;

import io.meshguard.baseline.AnomalyScorer;
import io.meshguard.baseline.BaselineKind;
import io.meshguard.baseline.BaselineView;
import io.meshguard.baseline.OwnBaseline;
import io.meshguard.baseline.PeerBaselines;
import io.meshguard.features.Feature;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentThresholds;

/**
 * The per-identity detection step: fold a request into the identity's features, compare them with
 * the best available baseline (its own history once warm, else its segment's peers, else peers of
 * its type, else the configured prior), and turn the score into an action with hysteresis.
 * Returns a {@link Decision} only when the action changes, or when an expired quarantine is
 * renewed because the identity is still abusive.
 *
 * <p>The score cut-offs and the rate-limit size come from the identity's segment ({@link
 * SegmentThresholds}: base values, a policy override or the segment controller's tightening); the
 * release hold, quarantine lifetime and number of reasons always come from {@link DecisionConfig}.
 *
 * <p>Not thread-safe: it reuses scratch arrays, one instance per parallel operator instance.
 */
public final class IdentityDetector {
    private final DetectionConfig config;
    private final PeerBaselines peers;
    private final AnomalyScorer scorer;
    private final BaselineView prior;

    private final double[] features = new double[Feature.COUNT];
    private final double[] ownCenter = new double[Feature.COUNT];
    private final double[] ownScale = new double[Feature.COUNT];
    private final double[] effectiveScale = new double[Feature.COUNT];
    private final double[] deviations = new double[Feature.COUNT];

    private final SegmentThresholds configured;

    private long policyVersion;
    /** Facts about the latest request, for the interval tracker (scratch, like the arrays). */
    private boolean lastPathWasNew;
    private double lastTypicalRps = Double.NaN;

    public IdentityDetector(DetectionConfig config, PeerBaselines peers) {
        this.config = config;
        this.peers = peers;
        this.scorer = new AnomalyScorer(config.scoring);
        this.prior = config.scoring.prior();
        this.configured = SegmentThresholds.of(config.decisions);
    }

    public PeerBaselines peers() {
        return peers;
    }

    /** Version of the policy that decisions are made under (recorded in every decision). */
    public void setPolicyVersion(long policyVersion) {
        this.policyVersion = policyVersion;
    }

    /**
     * Whether the path of the latest request given to {@link #onEvent} was new to its identity (past
     * the new-path grace), as the {@link Feature#NEW_PATH_RATIO} feature counts it.
     */
    public boolean lastPathWasNew() {
        return lastPathWasNew;
    }

    /**
     * Typical request rate (req/s) of the baseline the latest request was judged against, the rate a
     * rate limit is a multiple of; {@code NaN} when the identity is not judged yet (a workload without
     * history or peers).
     */
    public double lastTypicalRps() {
        return lastTypicalRps;
    }

    /**
     * Processes one request of the identity {@code identity} with the configured cut-offs ({@link
     * DetectionConfig#decisions}).
     *
     * @return the decision if the identity's action changed, else {@code null}
     */
    public Decision onEvent(String identity, IdentityState state, MeshEvent event) {
        return onEvent(identity, state, event, configured);
    }

    /**
     * Processes one request of the identity {@code identity}, deciding with its segment's
     * thresholds in force.
     *
     * @return the decision if the identity's action changed, else {@code null}
     */
    public Decision onEvent(String identity, IdentityState state, MeshEvent event, SegmentThresholds thresholds) {
        lastPathWasNew = state.features.update(event, config.features);
        long now = state.features.lastUpdateMillis;
        state.features.snapshot(now, config.features, features);

        BaselineView baseline = baselineFor(state, event);
        if (baseline == null) {
            lastTypicalRps = Double.NaN;
            learn(state, event, 0, now, thresholds);
            return null;
        }
        lastTypicalRps = typicalRate(baseline);
        double evidence = state.features.recentRequests(now, config.features);
        double score = scorer.score(features, baseline, evidence, effectiveScale, deviations);

        learn(state, event, score, now, thresholds);
        Action next = nextAction(state, score, now, thresholds);
        if (next == null) {
            return null;
        }
        return transition(identity, state, event, next, score, baseline, now, thresholds);
    }

    private static double typicalRate(BaselineView baseline) {
        return Math.max(0, baseline.center[Feature.RATE_SHORT.ordinal()]);
    }

    /**
     * The most specific baseline available, or {@code null} when the identity is not to be judged
     * yet. A mesh workload's normal depends on its role (an API gateway calls the token service all
     * day), so workloads are judged only against their own history or their own segment, never
     * against workloads in general or the user-oriented prior.
     */
    private BaselineView baselineFor(IdentityState state, MeshEvent event) {
        if (state.baseline.isWarm(config.baseline.warmupSamples)) {
            state.baseline.describe(ownCenter, ownScale);
            return new BaselineView(BaselineKind.OWN, ownCenter, ownScale);
        }
        if (event.identityType == IdentityType.PEER) {
            return peers.lookupSegment(event.segment);
        }
        BaselineView view = peers.lookup(event.segment, event.identityType);
        return view != null ? view : prior;
    }

    /**
     * Samples the identity's features into its own history and, once established, into its peers'
     * distribution. Anomalous moments are never learned, so an attack cannot become normal; what is
     * anomalous is judged by the segment's release score, so a tightened segment also learns less.
     */
    private void learn(IdentityState state, MeshEvent event, double score, long now, SegmentThresholds t) {
        if (state.baseline.lastSampleMillis == OwnBaseline.NEVER) {
            state.baseline.lastSampleMillis = now;
            return;
        }
        if (now - state.baseline.lastSampleMillis < config.baseline.sampleIntervalMillis) {
            return;
        }
        state.baseline.lastSampleMillis = now;
        if (state.action != Action.ALLOW || score >= t.releaseScore) {
            return;
        }
        state.baseline.learn(features, config.baseline.ewmaAlpha);
        if (state.baseline.isWarm(config.baseline.warmupSamples)) {
            peers.offer(event.segment, event.identityType, features, now);
        }
    }

    /** The action to switch to, or {@code null} to stay. Escalation is immediate; release is not. */
    private Action nextAction(IdentityState state, double score, long now, SegmentThresholds t) {
        Action target = score >= t.quarantineScore
                ? Action.QUARANTINE
                : score >= t.rateLimitScore ? Action.RATE_LIMIT : Action.ALLOW;
        if (score >= t.releaseScore) {
            state.lastUncalmMillis = now;
        }
        boolean calm = score < t.releaseScore && now - state.lastUncalmMillis >= config.decisions.releaseHoldMillis;
        switch (state.action) {
            case ALLOW:
                return target == Action.ALLOW ? null : target;
            case RATE_LIMIT:
                if (target == Action.QUARANTINE) {
                    return Action.QUARANTINE;
                }
                return calm ? Action.ALLOW : null;
            case QUARANTINE:
                if (now < state.quarantineUntilMillis) {
                    return null;
                }
                if (target != Action.ALLOW) {
                    return target;
                }
                return calm ? Action.ALLOW : Action.RATE_LIMIT;
            default:
                throw new IllegalStateException("unknown action " + state.action);
        }
    }

    private Decision transition(
            String identity, IdentityState state, MeshEvent event, Action next, double score,
            BaselineView baseline, long now, SegmentThresholds t) {
        DecisionConfig d = config.decisions;
        Decision decision = new Decision();
        decision.timestampMillis = now;
        decision.identity = identity;
        decision.identityType = event.identityType;
        decision.segment = event.segment;
        decision.previousAction = state.action;
        decision.action = next;
        decision.score = score;
        decision.policyVersion = policyVersion;
        decision.eventArrivalMillis = event.arrivalMillis;
        decision.trigger = Decision.TRIGGER_SCORE;
        if (next == Action.RATE_LIMIT) {
            decision.limitRps = t.limitRps(typicalRate(baseline));
        }
        if (next == Action.QUARANTINE) {
            decision.ttlSeconds = d.quarantineTtlSeconds;
            state.quarantineUntilMillis = now + d.quarantineTtlSeconds * 1000;
        }
        // Monotonic per identity even after idle state was evicted: never below event time.
        decision.version = Math.max(state.version + 1, now);
        decision.reasons = Explanations.reasons(
                scorer, features, baseline, effectiveScale, deviations, score, next, explained(d, t));
        decision.baselineKind = baseline.kind.wireName();
        decision.featureValues = features.clone();
        decision.baselineCenter = baseline.center.clone();
        decision.baselineScale = effectiveScale.clone();
        decision.deviations = deviations.clone();
        decision.rateLimitScore = t.rateLimitScore;
        decision.quarantineScore = t.quarantineScore;
        decision.releaseScore = t.releaseScore;

        state.action = next;
        state.limitRps = decision.limitRps;
        state.actionSinceMillis = now;
        state.version = decision.version;
        return decision;
    }

    /** The configuration the explanation quotes: the cut-offs in force, the rest as configured. */
    private DecisionConfig explained(DecisionConfig d, SegmentThresholds t) {
        if (t == configured || t.equals(configured)) {
            return d;
        }
        // Only on a transition, so building a config here costs nothing per request.
        return DecisionConfig.builder()
                .rateLimitScore(t.rateLimitScore)
                .quarantineScore(t.quarantineScore)
                .releaseScore(t.releaseScore)
                .limitMultiplier(t.limitMultiplier)
                .minLimitRps(t.minLimitRps)
                .releaseHoldMillis(d.releaseHoldMillis)
                .quarantineTtlSeconds(d.quarantineTtlSeconds)
                .maxReasons(d.maxReasons)
                .build();
    }
}
