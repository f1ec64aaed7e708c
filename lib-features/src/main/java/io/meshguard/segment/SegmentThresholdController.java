package io.meshguard.segment;

import io.meshguard.model.Action;
import java.time.Instant;
import java.util.Locale;

/**
 * Adapts one segment's per-identity thresholds to how abnormal the segment is right now: driven
 * once per closed interval with the interval's figures, it keeps a decayed baseline per figure,
 * computes an anomaly pressure, moves the segment between NORMAL, ELEVATED and CLAMPED with
 * hysteresis and hold times, scales the thresholds by a bounded tightening factor, caps the whole
 * segment while CLAMPED, and says so in a {@link SegmentUpdate} only when something changed.
 *
 * <p>All per-segment memory lives in the {@link SegmentState} passed in, so one controller serves
 * every segment of a keyed Flink operator (state in keyed state, this object a field). The base
 * thresholds and bounds come from the policy as {@link SegmentLimits}; the overloads without them
 * use the configuration's. See {@link SegmentControllerConfig} for why the defaults are what they
 * are.
 *
 * <p>Not thread-safe: it reuses scratch arrays, one instance per parallel operator instance.
 */
public final class SegmentThresholdController {
    /** The factor snaps to its target when this close, so recovery ends in exactly the base values. */
    static final double SNAP = 0.005;

    private static final int VOLUME = SegmentFigure.VOLUME.ordinal();
    private static final int DISTINCT = SegmentFigure.DISTINCT_IDENTITIES.ordinal();
    private static final int ERRORS = SegmentFigure.ERROR_SHARE.ordinal();
    private static final int ANOMALOUS = SegmentFigure.ANOMALOUS_SHARE.ordinal();

    private final SegmentControllerConfig config;

    // Scratch, valid after computePressure().
    private final double[] raw = new double[SegmentFigure.COUNT];
    private final double[] figures = new double[SegmentFigure.COUNT];
    private final double[] expected = new double[SegmentFigure.COUNT];
    private final double[] scale = new double[SegmentFigure.COUNT];
    private final double[] z = new double[SegmentFigure.COUNT];
    private final double[] pressures = new double[SegmentFigure.COUNT];
    private double volumeMultiple;
    private int driver;
    private boolean warm;

    public SegmentThresholdController(SegmentControllerConfig config) {
        this.config = config;
    }

    public SegmentControllerConfig config() {
        return config;
    }

    /** As {@link #onInterval(String, SegmentState, SegmentInterval, SegmentLimits)} with the configured limits. */
    public SegmentUpdate onInterval(String segment, SegmentState state, SegmentInterval interval) {
        return onInterval(segment, state, interval, config.limits);
    }

    /**
     * Folds one closed interval into the segment. Intervals must arrive in event-time order; an
     * interval ending at or before the previous one is ignored (a late duplicate). Intervals without
     * traffic may be skipped: the smoothed figures decay over the gap, but the gap is not learned
     * into the baseline, and hold times and recovery run on event time either way.
     *
     * @return the update if the mode, a manual override or the thresholds in force changed, else null
     */
    public SegmentUpdate onInterval(String segment, SegmentState s, SegmentInterval in, SegmentLimits limits) {
        in.validate();
        long now = in.endMillis;
        if (s.lastIntervalEndMillis != SegmentState.NEVER && now <= s.lastIntervalEndMillis) {
            return null;
        }
        initializeEmitted(s);
        long elapsed = s.lastIntervalEndMillis == SegmentState.NEVER ? in.durationMillis : now - s.lastIntervalEndMillis;
        smooth(s, in, elapsed);
        s.lastIntervalEndMillis = now;
        s.lastDistinctIdentities = in.distinctIdentities;
        s.lastQuarantinedIdentities = in.quarantinedIdentities;

        double p = computePressure(s);
        s.pressure = p;
        s.driver = driver;

        SegmentMode before = s.mode;
        double emittedFactor = s.emitted[Threshold.TIGHTENING_FACTOR.ordinal()];
        UpdateTrigger trigger = null;
        String why = null;
        if (s.manualMode != null && now >= s.manualUntilMillis) {
            // The human's hold has been served: resume from what the pressure says now, without another hold.
            why = String.format(Locale.ROOT, "manual %s expired; pressure %.1f", manualVerb(s.manualMode), p);
            endManual(s, p, now);
            trigger = UpdateTrigger.MANUAL;
        } else if (s.manualMode == null) {
            stepMode(s, p, now);
        }
        // Learn only NORMAL intervals, after they were judged against the baseline without them.
        if (s.mode == SegmentMode.NORMAL) {
            learn(s);
        }
        moveFactor(s, p, elapsed, limits.bounds, now);
        s.capRps = capFor(s);

        if (trigger == null) {
            if (s.mode != before) {
                trigger = UpdateTrigger.MODE;
                why = modeReason(s, before, p);
            } else if (moved(s, limits)) {
                trigger = UpdateTrigger.THRESHOLDS;
                why = thresholdReason(s, limits, emittedFactor, p);
            } else {
                return null;
            }
        } else {
            why = before + " -> " + s.mode + ": " + why;
        }
        return emit(segment, s, limits, before, trigger, why, now);
    }

    // ---------------------------------------------------------------------------------------------
    // Blast radius

    /** Most identities the segment may have quarantined at once with this many active identities. */
    public int maxQuarantined(int activeIdentities) {
        int byShare = (int) Math.floor(config.blastRadiusShare * Math.max(0, activeIdentities) + 1e-9);
        return Math.max(config.blastRadiusMinCount, byShare);
    }

    /**
     * Whether one more identity may be quarantined in a segment that already has {@code
     * quarantinedNow} quarantined among {@code activeIdentities} (all identities it holds state for,
     * quarantined ones included). A detector bug or a bad policy then quarantines at most a bounded
     * slice of a segment; beyond it the segment-wide cap is the tool.
     */
    public boolean mayQuarantine(int quarantinedNow, int activeIdentities) {
        return quarantinedNow < maxQuarantined(activeIdentities);
    }

    /** The proposed action, with QUARANTINE turned into RATE_LIMIT when the blast-radius guard forbids it. */
    public Action guardQuarantine(Action proposed, int quarantinedNow, int activeIdentities) {
        if (proposed == Action.QUARANTINE && !mayQuarantine(quarantinedNow, activeIdentities)) {
            return Action.RATE_LIMIT;
        }
        return proposed;
    }

    // ---------------------------------------------------------------------------------------------
    // Feedback and manual overrides

    public FalsePositiveOutcome onFalsePositive(String segment, SegmentState s, String identity, long timeMillis) {
        return onFalsePositive(segment, s, identity, timeMillis, config.limits);
    }

    /**
     * A caller of the segment was wrongly limited: release it, exempt it for a while, and loosen the
     * segment by the feedback step. The loosened factor is also a floor for the feedback hold, so
     * the next interval's pressure does not tighten straight back; a cap in force stays (feedback
     * loosens per-identity thresholds, it does not end a clamp).
     */
    public FalsePositiveOutcome onFalsePositive(
            String segment, SegmentState s, String identity, long timeMillis, SegmentLimits limits) {
        initializeEmitted(s);
        s.falsePositives++;
        ThresholdBounds bounds = limits.bounds;
        double ceil = bounds.max(Threshold.TIGHTENING_FACTOR);
        double before = bounds.clamp(Threshold.TIGHTENING_FACTOR, s.factor);
        double raised = Math.min(ceil, before + config.feedbackStep);
        double floor = timeMillis < s.feedbackUntilMillis ? s.feedbackFloor : 0;
        s.feedbackFloor = Math.max(floor, raised);
        s.feedbackUntilMillis = timeMillis + config.feedbackHoldMillis;
        s.factor = raised;
        SegmentUpdate update = null;
        if (raised != before) {
            String why = String.format(Locale.ROOT,
                    "false positive reported for %s (%d so far): factor %.2f -> %.2f, not tightened below it for %s s",
                    identity, s.falsePositives, before, raised, seconds(config.feedbackHoldMillis));
            computePressure(s);
            update = emit(segment, s, limits, s.mode, UpdateTrigger.FEEDBACK, why, timeMillis);
        }
        return new FalsePositiveOutcome(identity, Action.ALLOW, timeMillis + config.falsePositiveExemptMillis, update);
    }

    public SegmentUpdate forceClamp(String segment, SegmentState s, double capRps, long untilMillis, long nowMillis) {
        return forceClamp(segment, s, capRps, untilMillis, nowMillis, config.limits, null);
    }

    /**
     * Holds the segment CLAMPED with the given cap until {@code untilMillis}, whatever the pressure;
     * thresholds walk to their floor as in an automatic clamp. Idempotent: applying the same clamp
     * again returns null, so the policy layer may re-apply its overrides on every policy or timer.
     *
     * @param note where the override came from, e.g. {@code policy v7}; may be null
     * @return the update, or null when this clamp is already in force or already expired
     */
    public SegmentUpdate forceClamp(
            String segment, SegmentState s, double capRps, long untilMillis, long nowMillis, SegmentLimits limits,
            String note) {
        if (!(capRps > 0) || Double.isInfinite(capRps)) {
            throw new IllegalArgumentException("manual clamp needs a positive, finite cap, got " + capRps);
        }
        if (untilMillis <= nowMillis
                || (s.manualMode == SegmentMode.CLAMPED && s.manualCapRps == capRps && s.manualUntilMillis == untilMillis)) {
            return null;
        }
        initializeEmitted(s);
        SegmentMode before = s.mode;
        s.manualMode = SegmentMode.CLAMPED;
        s.manualCapRps = capRps;
        s.manualUntilMillis = untilMillis;
        if (s.mode != SegmentMode.CLAMPED) {
            s.mode = SegmentMode.CLAMPED;
            s.modeSinceMillis = nowMillis;
            s.lastUncalmMillis = nowMillis;
        }
        s.capRps = capFor(s);
        String why = String.format(Locale.ROOT, "%s -> CLAMPED: manual clamp at %s req/s until %s%s",
                before, num(capRps), Instant.ofEpochMilli(untilMillis), note == null ? "" : " (" + note + ")");
        computePressure(s);
        return emit(segment, s, limits, before, UpdateTrigger.MANUAL, why, nowMillis);
    }

    public SegmentUpdate forceRelease(String segment, SegmentState s, long untilMillis, long nowMillis) {
        return forceRelease(segment, s, untilMillis, nowMillis, config.limits, null);
    }

    /**
     * Holds the segment NORMAL and untightened until {@code untilMillis}, whatever the pressure: the
     * remedy when the controller misjudges legitimate traffic. The baseline learns meanwhile, so a
     * lasting change in the segment's traffic becomes its new normal. Idempotent like {@link
     * #forceClamp}.
     */
    public SegmentUpdate forceRelease(
            String segment, SegmentState s, long untilMillis, long nowMillis, SegmentLimits limits, String note) {
        if (untilMillis <= nowMillis || (s.manualMode == SegmentMode.NORMAL && s.manualUntilMillis == untilMillis)) {
            return null;
        }
        initializeEmitted(s);
        SegmentMode before = s.mode;
        s.manualMode = SegmentMode.NORMAL;
        s.manualUntilMillis = untilMillis;
        s.manualCapRps = 0;
        if (s.mode != SegmentMode.NORMAL) {
            s.mode = SegmentMode.NORMAL;
            s.modeSinceMillis = nowMillis;
            s.lastUncalmMillis = nowMillis;
        }
        s.factor = limits.bounds.max(Threshold.TIGHTENING_FACTOR);
        s.capRps = 0;
        String why = String.format(Locale.ROOT, "%s -> NORMAL: manual release until %s%s",
                before, Instant.ofEpochMilli(untilMillis), note == null ? "" : " (" + note + ")");
        computePressure(s);
        return emit(segment, s, limits, before, UpdateTrigger.MANUAL, why, nowMillis);
    }

    public SegmentUpdate clearManual(String segment, SegmentState s, long nowMillis) {
        return clearManual(segment, s, nowMillis, config.limits);
    }

    /**
     * Ends a manual override before its expiry (the policy withdrew it); the mode resumes from the
     * latest pressure. Returns null when no override is in force.
     */
    public SegmentUpdate clearManual(String segment, SegmentState s, long nowMillis, SegmentLimits limits) {
        if (s.manualMode == null) {
            return null;
        }
        initializeEmitted(s);
        SegmentMode before = s.mode;
        String verb = manualVerb(s.manualMode);
        endManual(s, s.pressure, nowMillis);
        s.capRps = capFor(s);
        String why = String.format(Locale.ROOT, "%s -> %s: manual %s withdrawn; pressure %.1f",
                before, s.mode, verb, s.pressure);
        computePressure(s);
        return emit(segment, s, limits, before, UpdateTrigger.MANUAL, why, nowMillis);
    }

    // ---------------------------------------------------------------------------------------------
    // Queries

    /** The thresholds in force in the segment under the given limits. */
    public SegmentThresholds thresholdsInForce(SegmentState s, SegmentLimits limits) {
        return limits.inForce(s.factor);
    }

    /**
     * Nothing here that a fresh state would not also do: NORMAL, untightened, no override, no
     * feedback hold. An operator may drop the state of a quiescent segment that went idle (losing
     * only its baseline).
     */
    public boolean isQuiescent(SegmentState s, long nowMillis, SegmentLimits limits) {
        return s.mode == SegmentMode.NORMAL
                && s.manualMode == null
                && nowMillis >= s.feedbackUntilMillis
                && s.factor >= limits.bounds.max(Threshold.TIGHTENING_FACTOR);
    }

    // ---------------------------------------------------------------------------------------------
    // Steps

    /** Before anything was emitted, enforcers use the configured defaults: changes are measured from those. */
    private void initializeEmitted(SegmentState s) {
        if (s.emitted[Threshold.TIGHTENING_FACTOR.ordinal()] != 0) {
            return;
        }
        recordEmitted(s, config.limits.inForce(1.0), config.limits.bounds.clamp(Threshold.TIGHTENING_FACTOR, 1.0), 0);
    }

    private void smooth(SegmentState s, SegmentInterval in, long elapsedMillis) {
        double seconds = in.durationMillis / 1000.0;
        raw[VOLUME] = in.requests / seconds;
        raw[DISTINCT] = in.distinctIdentities;
        raw[SegmentFigure.NEW_IDENTITY_RATE.ordinal()] = in.newIdentities / seconds;
        raw[SegmentFigure.AUTH_RATE.ordinal()] = in.authRequests / seconds;
        raw[ERRORS] = Math.min(in.errorResponses, in.requests) / seconds;
        raw[ANOMALOUS] = Math.min(in.anomalousIdentities, in.distinctIdentities);
        if (s.lastIntervalEndMillis == SegmentState.NEVER) {
            System.arraycopy(raw, 0, s.smoothed, 0, raw.length);
            return;
        }
        // Skipped intervals had no traffic: decay over them as if zeros had been folded in.
        long intervals = Math.max(1, Math.round((double) elapsedMillis / in.durationMillis));
        double a = config.smoothingAlpha;
        double keep = Math.pow(1 - a, intervals);
        for (int i = 0; i < raw.length; i++) {
            s.smoothed[i] = s.smoothed[i] * keep + a * raw[i];
        }
    }

    /** Fills the scratch arrays from the state and returns the pressure; does not modify the state. */
    private double computePressure(SegmentState s) {
        for (int i = 0; i < SegmentFigure.COUNT; i++) {
            figures[i] = s.smoothed[i];
        }
        figures[ERRORS] = share(s.smoothed[ERRORS], s.smoothed[VOLUME]);
        figures[ANOMALOUS] = share(s.smoothed[ANOMALOUS], s.smoothed[DISTINCT]);
        warm = s.learnedIntervals >= config.warmupIntervals;
        volumeMultiple = warm && s.mean[VOLUME] > 0 ? Math.max(1, figures[VOLUME] / s.mean[VOLUME]) : 1;
        double max = 0;
        driver = -1;
        for (SegmentFigure f : SegmentFigure.values()) {
            int i = f.ordinal();
            double center;
            double spread;
            if (warm) {
                center = s.mean[i];
                spread = Math.sqrt(Math.max(0, s.variance[i]));
            } else if (!Double.isNaN(config.priorMean(f))) {
                center = config.priorMean(f);
                spread = config.priorSpread(f);
            } else {
                // No baseline yet and no prior: a rate means nothing without the segment's own history.
                expected[i] = 0;
                scale[i] = 0;
                z[i] = 0;
                pressures[i] = 0;
                continue;
            }
            if (config.volumeAdjusted(f)) {
                center *= volumeMultiple;
                spread *= volumeMultiple;
            }
            double sc = Math.max(spread, Math.max(config.absoluteFloor(f), config.relativeFloor(f) * center));
            double zi = (figures[i] - center) / sc;
            if (f.isShare()) {
                double denominator = i == ERRORS
                        ? s.smoothed[VOLUME] * config.intervalMillis / 1000.0
                        : s.smoothed[DISTINCT];
                zi *= Math.min(1, denominator / config.evidence(f));
            }
            expected[i] = center;
            scale[i] = sc;
            z[i] = zi;
            pressures[i] = config.weight(f) * Math.max(0, zi - config.gate(f));
            if (pressures[i] > max) {
                max = pressures[i];
                driver = i;
            }
        }
        return max;
    }

    private static double share(double numerator, double denominator) {
        return denominator > 0 ? Math.min(1, numerator / denominator) : 0;
    }

    /** Escalation is immediate; each step down needs the mode's hold, in the mode and below its exit level. */
    private void stepMode(SegmentState s, double p, long now) {
        SegmentMode target = modeFor(p);
        if (target.rank() > s.mode.rank()) {
            s.mode = target;
            s.modeSinceMillis = now;
            s.lastUncalmMillis = now;
            return;
        }
        if (s.mode == SegmentMode.NORMAL) {
            return;
        }
        boolean clamped = s.mode == SegmentMode.CLAMPED;
        if (p >= (clamped ? config.clampedExit : config.elevatedExit)) {
            s.lastUncalmMillis = now;
            return;
        }
        long hold = clamped ? config.clampedHoldMillis : config.elevatedHoldMillis;
        if (now - Math.max(s.modeSinceMillis, s.lastUncalmMillis) >= hold) {
            s.mode = clamped ? SegmentMode.ELEVATED : SegmentMode.NORMAL;
            s.modeSinceMillis = now;
            s.lastUncalmMillis = now;
        }
    }

    private SegmentMode modeFor(double p) {
        return p >= config.clampedEnter
                ? SegmentMode.CLAMPED
                : p >= config.elevatedEnter ? SegmentMode.ELEVATED : SegmentMode.NORMAL;
    }

    private void endManual(SegmentState s, double p, long now) {
        s.manualMode = null;
        s.manualUntilMillis = 0;
        s.manualCapRps = 0;
        s.mode = modeFor(p);
        s.modeSinceMillis = now;
        s.lastUncalmMillis = now;
    }

    /**
     * West's incremental EWMA, equal weights for the first 1/alpha samples. Once warm, a sample is
     * clipped to its figure's gate (centre ± gate × scale) before it is learned: anything beyond
     * would count as pressure, so it must not become normal in one step, nor blow up the variance.
     * A lasting change of level is still learned, a gate's width at a time.
     */
    private void learn(SegmentState s) {
        boolean clip = s.learnedIntervals >= config.warmupIntervals;
        s.learnedIntervals++;
        double alpha = Math.max(1.0 / s.learnedIntervals, config.baselineAlpha);
        for (int i = 0; i < SegmentFigure.COUNT; i++) {
            double x = figures[i];
            if (clip) {
                double reach = config.gate(SegmentFigure.ofOrdinal(i)) * scale[i];
                x = Math.max(expected[i] - reach, Math.min(expected[i] + reach, x));
            }
            double delta = x - s.mean[i];
            s.mean[i] += alpha * delta;
            s.variance[i] = (1 - alpha) * (s.variance[i] + alpha * delta * delta);
        }
    }

    /**
     * Moves the factor towards its target for the mode: down by at most the max step per interval,
     * up exponentially with the recovery half-life (also at most the max step). Bounds always hold,
     * even when a new policy moved them further than one step.
     */
    private void moveFactor(SegmentState s, double p, long elapsedMillis, ThresholdBounds bounds, long now) {
        double floor = bounds.min(Threshold.TIGHTENING_FACTOR);
        double ceil = bounds.max(Threshold.TIGHTENING_FACTOR);
        if (s.manualMode == SegmentMode.NORMAL) {
            s.factor = ceil;
            return;
        }
        double target;
        switch (s.mode) {
            case NORMAL:
                target = ceil;
                break;
            case ELEVATED:
                double t = (p - config.elevatedEnter) / (config.clampedEnter - config.elevatedEnter);
                target = ceil - (ceil - floor) * Math.max(0, Math.min(1, t));
                break;
            case CLAMPED:
                target = floor;
                break;
            default:
                throw new IllegalStateException("unknown mode " + s.mode);
        }
        if (now < s.feedbackUntilMillis) {
            target = Math.max(target, Math.min(ceil, s.feedbackFloor));
        }
        double f = Math.max(floor, Math.min(ceil, s.factor));
        if (target < f) {
            f = Math.max(target, f - config.maxFactorStep);
        } else if (target > f) {
            double recovered = target - (target - f) * Math.pow(0.5, (double) elapsedMillis / config.recoveryHalfLifeMillis);
            f = Math.min(recovered, f + config.maxFactorStep);
            if (target - f < SNAP) {
                f = target;
            }
        }
        s.factor = f;
    }

    private double capFor(SegmentState s) {
        if (s.mode != SegmentMode.CLAMPED) {
            return 0;
        }
        if (s.manualMode == SegmentMode.CLAMPED) {
            return s.manualCapRps;
        }
        // The baseline does not learn while CLAMPED, so the cap stays put for the whole clamp.
        return Math.max(config.capFloorRps, config.capMultiple * s.mean[VOLUME]);
    }

    /**
     * Whether enforcers should hear about the thresholds: any moved by more than the update step
     * since they were last told, the cap appeared, vanished or moved by more than the step, or the
     * factor has just returned to its ceiling (so recovery ends in exactly the base values).
     */
    private boolean moved(SegmentState s, SegmentLimits limits) {
        SegmentThresholds t = limits.inForce(s.factor);
        for (Threshold th : new Threshold[] {
                Threshold.RATE_LIMIT_SCORE, Threshold.QUARANTINE_SCORE, Threshold.LIMIT_MULTIPLIER, Threshold.MIN_LIMIT_RPS}) {
            if (relativeChange(t.get(th), s.emitted[th.ordinal()]) > config.updateStep) {
                return true;
            }
        }
        if ((s.capRps == 0) != (s.emittedCapRps == 0) || relativeChange(s.capRps, s.emittedCapRps) > config.updateStep) {
            return true;
        }
        double ceil = limits.bounds.max(Threshold.TIGHTENING_FACTOR);
        return limits.bounds.clamp(Threshold.TIGHTENING_FACTOR, s.factor) == ceil
                && s.emitted[Threshold.TIGHTENING_FACTOR.ordinal()] != ceil;
    }

    private static double relativeChange(double now, double before) {
        if (before == 0) {
            return now == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(now - before) / Math.abs(before);
    }

    private SegmentUpdate emit(
            String segment, SegmentState s, SegmentLimits limits, SegmentMode before, UpdateTrigger trigger,
            String why, long now) {
        ThresholdBounds bounds = limits.bounds;
        double factor = bounds.clamp(Threshold.TIGHTENING_FACTOR, s.factor);
        SegmentThresholds t = limits.inForce(s.factor);
        SegmentUpdate u = new SegmentUpdate();
        u.segment = segment;
        u.timestampMillis = now;
        s.version = Math.max(s.version + 1, now);
        u.version = s.version;
        u.trigger = trigger;
        u.mode = s.mode;
        u.previousMode = before;
        u.rateLimitScore = t.rateLimitScore;
        u.quarantineScore = t.quarantineScore;
        u.releaseScore = t.releaseScore;
        u.limitMultiplier = t.limitMultiplier;
        u.minLimitRps = t.minLimitRps;
        u.tighteningFactor = factor;
        u.segmentCapRps = s.capRps;
        u.manual = s.manualMode != null;
        u.manualUntilMillis = s.manualUntilMillis;
        u.pressure = s.pressure;
        u.driver = s.driver >= 0 ? SegmentFigure.ofOrdinal(s.driver).wireName() : null;
        u.warm = s.learnedIntervals >= config.warmupIntervals;
        u.figures = figures.clone();
        u.baselineMean = s.mean.clone();
        u.baselineSpread = new double[SegmentFigure.COUNT];
        for (int i = 0; i < SegmentFigure.COUNT; i++) {
            u.baselineSpread[i] = Math.sqrt(Math.max(0, s.variance[i]));
        }
        u.expected = expected.clone();
        u.scale = scale.clone();
        u.zScores = z.clone();
        u.pressures = pressures.clone();
        u.distinctIdentities = s.lastDistinctIdentities;
        u.quarantinedIdentities = s.lastQuarantinedIdentities;
        u.maxQuarantined = maxQuarantined(s.lastDistinctIdentities);
        u.reason = why;
        recordEmitted(s, t, factor, s.capRps);
        return u;
    }

    private static void recordEmitted(SegmentState s, SegmentThresholds t, double factor, double capRps) {
        s.emitted[Threshold.RATE_LIMIT_SCORE.ordinal()] = t.rateLimitScore;
        s.emitted[Threshold.QUARANTINE_SCORE.ordinal()] = t.quarantineScore;
        s.emitted[Threshold.LIMIT_MULTIPLIER.ordinal()] = t.limitMultiplier;
        s.emitted[Threshold.MIN_LIMIT_RPS.ordinal()] = t.minLimitRps;
        s.emitted[Threshold.TIGHTENING_FACTOR.ordinal()] = factor;
        s.emittedCapRps = capRps;
    }

    // ---------------------------------------------------------------------------------------------
    // Reasons

    private String modeReason(SegmentState s, SegmentMode before, double p) {
        if (s.mode.rank() > before.rank()) {
            double level = s.mode == SegmentMode.CLAMPED ? config.clampedEnter : config.elevatedEnter;
            return String.format(Locale.ROOT, "%s -> %s: %s; pressure %.1f >= %.1f",
                    before, s.mode, describeDriver(), p, level);
        }
        boolean fromClamped = before == SegmentMode.CLAMPED;
        return String.format(Locale.ROOT, "%s -> %s: pressure %.1f, below %.1f for %s s",
                before, s.mode, p, fromClamped ? config.clampedExit : config.elevatedExit,
                seconds(fromClamped ? config.clampedHoldMillis : config.elevatedHoldMillis));
    }

    private String thresholdReason(SegmentState s, SegmentLimits limits, double emittedFactor, double p) {
        double factor = limits.bounds.clamp(Threshold.TIGHTENING_FACTOR, s.factor);
        if (factor < emittedFactor) {
            return String.format(Locale.ROOT, "%s, tightening: factor %.2f -> %.2f; %s; pressure %.1f",
                    s.mode, emittedFactor, factor, describeDriver(), p);
        }
        if (factor > emittedFactor) {
            return String.format(Locale.ROOT, "%s, recovering: factor %.2f -> %.2f (half-life %s s); pressure %.1f",
                    s.mode, emittedFactor, factor, seconds(config.recoveryHalfLifeMillis), p);
        }
        return String.format(Locale.ROOT, "%s: base thresholds or bounds changed (policy); factor %.2f", s.mode, factor);
    }

    /** E.g. {@code new_identity_rate 41.0/s vs baseline 0.8±1.0 (z=40.2)}. */
    private String describeDriver() {
        if (driver < 0) {
            return "no figure above its gate";
        }
        SegmentFigure f = SegmentFigure.ofOrdinal(driver);
        String adjusted = config.volumeAdjusted(f) && volumeMultiple > 1
                ? String.format(Locale.ROOT, " at volume ×%.1f", volumeMultiple)
                : "";
        return String.format(Locale.ROOT, "%s %s%s vs %s %s±%s%s (z=%.1f)",
                f.wireName(), num(figures[driver]), f.unit(), warm ? "baseline" : "prior", num(expected[driver]),
                num(scale[driver]), adjusted, z[driver]);
    }

    private static String manualVerb(SegmentMode mode) {
        return mode == SegmentMode.CLAMPED ? "clamp" : "release";
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    /** Compact numbers for reasons: 41.0, 0.8, 0.012, 1250. */
    static String num(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0' && s.charAt(end - 2) != '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
