package io.meshguard.segment;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything {@link SegmentThresholdController} does is set here, with defaults; immutable and
 * validated once. Error messages name the option as {@code segment-control.<name>}.
 *
 * <h2>Why the defaults are what they are</h2>
 *
 * <p><b>Pressure.</b> Each figure is compared with its baseline as a robust z-score: (smoothed value
 * − baseline mean) / max(baseline spread, absolute floor, relative floor × mean). The relative floor
 * turns z into "multiples of normal" where the spread is small, so z means the same on a segment of
 * 5 and one of 5,000 requests per second. A figure's pressure component is weight × (z − gate) above
 * its gate, and the pressure is the largest component, so every change can be explained by one
 * figure. Only rises count: a drop in traffic is not abuse.
 *
 * <p>The weights follow from what a legitimate flash crowd moves and what a flood moves:
 *
 * <ul>
 *   <li><b>volume</b> (floor 100 % of mean, gate 3, weight 0.5): a flash crowd triples it, so it must
 *       not count much. ×3 gives z = 2 (nothing); ×10 gives pressure 3 (still NORMAL); only ×12
 *       elevates and ×24 clamps, which is a volumetric flood.
 *   <li><b>distinct identities</b> (weight 0): rises with flash crowds and floods alike; kept for the
 *       baseline and as the denominator of the anomalous share.
 *   <li><b>new identities</b> (absolute floor 1/s, relative 75 %, gate 4, weight 0.6): a flash crowd
 *       brings new visitors, a few times the usual arrival rate; a fake-signup flood brings tens of
 *       times. z = 10.7 elevates and z = 20.7 clamps: ×14 and ×27 on a segment with 0.8 new/s
 *       (where the absolute floor rules), ×9 and ×16.5 on one with 10 new/s (where the relative
 *       floor rules); ×6 stays below pressure 2 on both. The absolute floor keeps a handful of
 *       arrivals on a small segment from reading as an attack.
 *   <li><b>auth rate</b> (volume-adjusted, absolute floor 3/s, relative 50 %, gate 3, weight 1):
 *       real users log in in proportion to how many there are, so the baseline is scaled by the
 *       current volume multiple (never below 1) before comparing. A flash crowd that triples volume
 *       triples the expectation too and scores about 0; a signup or credential-stuffing flood
 *       raises auth far faster than volume and scores tens. The absolute floor keeps one user's
 *       login flow (a burst of a few auth requests in one second) from counting on a quiet segment,
 *       and a flash crowd's arrivals, who each log in once within seconds of arriving, from reading
 *       as an auth flood on a large segment (a floor of 1/s clamped the busiest simulated ASN).
 *   <li><b>error share</b> and <b>anomalous share</b> (gate 3, weight 1, with priors so that a new
 *       segment is judged at once): a flash crowd does not change the mix of responses or how many
 *       of its callers the per-identity detector flags; an attack does. Shares count fully only once
 *       50 requests or 50 identities per interval back them (two flagged callers out of twelve are
 *       noise, not an attack), and the error share should leave out meshguard's own denials (see
 *       {@link SegmentInterval}) so that tightening cannot feed itself.
 * </ul>
 *
 * <p><b>Modes.</b> ELEVATED at pressure 4, back to NORMAL below 2; CLAMPED at 10, back to ELEVATED
 * below 6. Escalation is immediate; each step down needs the pressure below the exit level for the
 * mode's hold (30 s) and at least 30 s in the mode, so a signal oscillating around a level changes
 * the mode at most twice per hold. Recovery to NORMAL after an attack therefore takes two holds
 * (60 s) plus the few intervals the smoothed figures need to fall.
 *
 * <p><b>Factor.</b> NORMAL aims at the factor ceiling (1), CLAMPED at its floor (0.5: thresholds at
 * most halved, and never below their own floors), ELEVATED in between by pressure. Tightening moves
 * at most 0.1 per interval, so a flood reaches the floor in five intervals and one odd interval
 * moves thresholds by at most 10 %; loosening is exponential with a 15 s half-life.
 *
 * <p><b>Cap.</b> While CLAMPED the segment may make 2 × its baseline volume (at least 10 req/s): the
 * segment's real users keep working while most of a flood is dropped.
 *
 * <p><b>Baseline.</b> One sample per interval, EWMA weight 0.002 (half-life ~6 min of 1 s intervals;
 * the first 500 samples are averaged equally), learned only while NORMAL so an attack never becomes
 * normal, and once warm each sample clipped to its figure's gate so that a ramp below the ELEVATED
 * level is learned a gate's width at a time rather than at once. Rates are judged once 60 intervals
 * were learned (a rate means nothing without the segment's own history); shares are judged from the
 * first interval against their priors, so a flood from a freshly rented range whose callers are
 * mostly flagged clamps at once. The figures are smoothed with weight 0.5 per interval (half-life
 * one interval): single-second bursts of a few requests do not count, a flood registers within two
 * or three intervals.
 */
public final class SegmentControllerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Length of the intervals the operator closes (event time). */
    public final long intervalMillis;
    /** Smallest EWMA weight of a baseline sample; the first 1/alpha samples are averaged equally. */
    public final double baselineAlpha;
    /** Learned intervals before the baseline is used (figures without a prior are silent until then). */
    public final int warmupIntervals;
    /** Weight of the newest interval in the smoothed figures (1 = no smoothing). */
    public final double smoothingAlpha;

    private final double[] absoluteFloor;
    private final double[] relativeFloor;
    private final double[] gate;
    private final double[] weight;
    private final boolean[] volumeAdjusted;
    private final double[] priorMean;
    private final double[] priorSpread;
    private final double[] evidence;

    public final double elevatedEnter;
    public final double elevatedExit;
    public final double clampedEnter;
    public final double clampedExit;
    /** Least time in ELEVATED, and with pressure below its exit level, before stepping down. */
    public final long elevatedHoldMillis;
    /** Least time in CLAMPED, and with pressure below its exit level, before stepping down. */
    public final long clampedHoldMillis;

    /** Largest change of the tightening factor in one interval (absolute). */
    public final double maxFactorStep;
    /** Half-life of the factor's exponential recovery towards its target. */
    public final long recoveryHalfLifeMillis;

    /** The CLAMPED cap is this multiple of the baseline volume... */
    public final double capMultiple;
    /** ...but never below this many requests per second. */
    public final double capFloorRps;

    /** An update is emitted when a threshold or the cap moved by more than this share of its last emitted value. */
    public final double updateStep;

    /** At most this share of a segment's active identities may be quarantined at once... */
    public final double blastRadiusShare;
    /** ...but this many always may (small segments). */
    public final int blastRadiusMinCount;

    /** A false positive raises the factor by this much (up to its ceiling)... */
    public final double feedbackStep;
    /** ...and keeps it from tightening below that level for this long. */
    public final long feedbackHoldMillis;
    /** How long an identity reported as a false positive stays exempt. */
    public final long falsePositiveExemptMillis;

    /** Base thresholds and bounds used when the caller passes none (no policy). */
    public final SegmentLimits limits;

    private SegmentControllerConfig(Builder b) {
        this.intervalMillis = b.intervalMillis;
        this.baselineAlpha = b.baselineAlpha;
        this.warmupIntervals = b.warmupIntervals;
        this.smoothingAlpha = b.smoothingAlpha;
        this.absoluteFloor = b.absoluteFloor.clone();
        this.relativeFloor = b.relativeFloor.clone();
        this.gate = b.gate.clone();
        this.weight = b.weight.clone();
        this.volumeAdjusted = b.volumeAdjusted.clone();
        this.priorMean = b.priorMean.clone();
        this.priorSpread = b.priorSpread.clone();
        this.evidence = b.evidence.clone();
        this.elevatedEnter = b.elevatedEnter;
        this.elevatedExit = b.elevatedExit;
        this.clampedEnter = b.clampedEnter;
        this.clampedExit = b.clampedExit;
        this.elevatedHoldMillis = b.elevatedHoldMillis;
        this.clampedHoldMillis = b.clampedHoldMillis;
        this.maxFactorStep = b.maxFactorStep;
        this.recoveryHalfLifeMillis = b.recoveryHalfLifeMillis;
        this.capMultiple = b.capMultiple;
        this.capFloorRps = b.capFloorRps;
        this.updateStep = b.updateStep;
        this.blastRadiusShare = b.blastRadiusShare;
        this.blastRadiusMinCount = b.blastRadiusMinCount;
        this.feedbackStep = b.feedbackStep;
        this.feedbackHoldMillis = b.feedbackHoldMillis;
        this.falsePositiveExemptMillis = b.falsePositiveExemptMillis;
        this.limits = b.limits;
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid segment controller configuration: " + String.join("; ", problems));
        }
    }

    public static SegmentControllerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public double absoluteFloor(SegmentFigure f) {
        return absoluteFloor[f.ordinal()];
    }

    public double relativeFloor(SegmentFigure f) {
        return relativeFloor[f.ordinal()];
    }

    /** z-score up to which a figure contributes nothing. */
    public double gate(SegmentFigure f) {
        return gate[f.ordinal()];
    }

    public double weight(SegmentFigure f) {
        return weight[f.ordinal()];
    }

    /** The figure's baseline is scaled by the current volume multiple before comparing. */
    public boolean volumeAdjusted(SegmentFigure f) {
        return volumeAdjusted[f.ordinal()];
    }

    /** Centre used before the baseline is warm; NaN when the figure has no prior and stays silent. */
    public double priorMean(SegmentFigure f) {
        return priorMean[f.ordinal()];
    }

    public double priorSpread(SegmentFigure f) {
        return priorSpread[f.ordinal()];
    }

    /**
     * For shares: the denominator per interval of {@link #intervalMillis} (requests for the error
     * share, identities for the anomalous share) from which the share counts fully; below it its z
     * is scaled down in proportion, so two flagged callers out of twelve are not an attack.
     */
    public double evidence(SegmentFigure f) {
        return evidence[f.ordinal()];
    }

    /**
     * Longest time from the end of an attack until the segment is NORMAL again, counted from the
     * first interval whose pressure is below the CLAMPED exit level: one hold per step down.
     */
    public long recoveryMillis() {
        return clampedHoldMillis + elevatedHoldMillis;
    }

    private List<String> problems() {
        List<String> p = new ArrayList<>();
        positive(p, "interval-millis", intervalMillis);
        if (!(baselineAlpha > 0 && baselineAlpha <= 1)) {
            p.add(msg("baseline-alpha (%s) must be in (0, 1]", baselineAlpha));
        }
        if (warmupIntervals < 1) {
            p.add(msg("warmup-intervals (%s) must be at least 1", warmupIntervals));
        }
        if (!(smoothingAlpha > 0 && smoothingAlpha <= 1)) {
            p.add(msg("smoothing-alpha (%s) must be in (0, 1]", smoothingAlpha));
        }
        for (SegmentFigure f : SegmentFigure.values()) {
            int i = f.ordinal();
            String name = "figure." + f.wireName();
            if (!(absoluteFloor[i] > 0) || Double.isInfinite(absoluteFloor[i])) {
                p.add(msg("%s.absolute-floor (%s) must be positive: it is what keeps z finite", name, absoluteFloor[i]));
            }
            if (!(relativeFloor[i] >= 0) || Double.isInfinite(relativeFloor[i])) {
                p.add(msg("%s.relative-floor (%s) must not be negative", name, relativeFloor[i]));
            }
            if (!(gate[i] >= 0) || Double.isInfinite(gate[i])) {
                p.add(msg("%s.gate (%s) must not be negative", name, gate[i]));
            }
            if (!(weight[i] >= 0) || Double.isInfinite(weight[i])) {
                p.add(msg("%s.weight (%s) must not be negative", name, weight[i]));
            }
            if (!Double.isNaN(priorMean[i]) && !(priorMean[i] >= 0 && priorSpread[i] >= 0)) {
                p.add(msg("%s.prior (%s ± %s) must not be negative", name, priorMean[i], priorSpread[i]));
            }
            if (f.isShare() && !(evidence[i] > 0)) {
                p.add(msg("%s.evidence (%s) must be positive", name, evidence[i]));
            }
            if (volumeAdjusted[i] && f == SegmentFigure.VOLUME) {
                p.add("segment-control." + name + ".volume-adjusted cannot be set on volume itself");
            }
        }
        if (!(elevatedExit >= 0 && elevatedExit < elevatedEnter)) {
            p.add(msg("elevated-exit (%s) must be in [0, elevated-enter (%s)), or the mode could not settle",
                    elevatedExit, elevatedEnter));
        }
        if (!(clampedEnter > elevatedEnter)) {
            p.add(msg("clamped-enter (%s) must be above elevated-enter (%s)", clampedEnter, elevatedEnter));
        }
        if (!(clampedExit >= elevatedExit && clampedExit < clampedEnter)) {
            p.add(msg("clamped-exit (%s) must be in [elevated-exit (%s), clamped-enter (%s))",
                    clampedExit, elevatedExit, clampedEnter));
        }
        if (elevatedHoldMillis < 0 || clampedHoldMillis < 0) {
            p.add(msg("elevated-hold-millis (%s) and clamped-hold-millis (%s) must not be negative",
                    elevatedHoldMillis, clampedHoldMillis));
        }
        if (!(maxFactorStep > 0 && maxFactorStep <= 1)) {
            p.add(msg("max-factor-step (%s) must be in (0, 1]", maxFactorStep));
        }
        positive(p, "recovery-half-life-millis", recoveryHalfLifeMillis);
        if (!(capMultiple > 0) || Double.isInfinite(capMultiple)) {
            p.add(msg("cap-multiple (%s) must be positive", capMultiple));
        }
        if (!(capFloorRps > 0) || Double.isInfinite(capFloorRps)) {
            p.add(msg("cap-floor-rps (%s) must be positive", capFloorRps));
        }
        if (!(updateStep > 0 && updateStep < 1)) {
            p.add(msg("update-step (%s) must be in (0, 1)", updateStep));
        }
        if (!(blastRadiusShare > 0 && blastRadiusShare <= 1)) {
            p.add(msg("blast-radius-share (%s) must be in (0, 1]", blastRadiusShare));
        }
        if (blastRadiusMinCount < 0) {
            p.add(msg("blast-radius-min-count (%s) must not be negative", blastRadiusMinCount));
        }
        if (!(feedbackStep >= 0 && feedbackStep <= 1)) {
            p.add(msg("feedback-step (%s) must be in [0, 1]", feedbackStep));
        }
        if (feedbackHoldMillis < 0 || falsePositiveExemptMillis < 0) {
            p.add(msg("feedback-hold-millis (%s) and false-positive-exempt-millis (%s) must not be negative",
                    feedbackHoldMillis, falsePositiveExemptMillis));
        }
        if (limits == null) {
            p.add("segment-control.limits must be set");
        }
        return p;
    }

    private static void positive(List<String> p, String name, long value) {
        if (value <= 0) {
            p.add(msg("%s (%s) must be positive", name, value));
        }
    }

    private static String msg(String format, Object... args) {
        return "segment-control." + String.format(Locale.ROOT, format, args);
    }

    @Override
    public String toString() {
        return "SegmentControllerConfig{interval=" + intervalMillis + "ms, alpha=" + baselineAlpha + ", warmup="
                + warmupIntervals + ", smoothing=" + smoothingAlpha + ", weights=" + Arrays.toString(weight)
                + ", elevated=" + elevatedEnter + "/" + elevatedExit + ", clamped=" + clampedEnter + "/"
                + clampedExit + ", holds=" + elevatedHoldMillis + "/" + clampedHoldMillis + "ms, step="
                + maxFactorStep + ", half-life=" + recoveryHalfLifeMillis + "ms, cap=" + capMultiple + "x>="
                + capFloorRps + ", blast=" + blastRadiusShare + "/" + blastRadiusMinCount + "}";
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private long intervalMillis = SegmentInterval.DEFAULT_DURATION_MILLIS;
        private double baselineAlpha = 0.002;
        private int warmupIntervals = 60;
        private double smoothingAlpha = 0.5;
        private final double[] absoluteFloor = new double[SegmentFigure.COUNT];
        private final double[] relativeFloor = new double[SegmentFigure.COUNT];
        private final double[] gate = new double[SegmentFigure.COUNT];
        private final double[] weight = new double[SegmentFigure.COUNT];
        private final boolean[] volumeAdjusted = new boolean[SegmentFigure.COUNT];
        private final double[] priorMean = new double[SegmentFigure.COUNT];
        private final double[] priorSpread = new double[SegmentFigure.COUNT];
        private final double[] evidence = new double[SegmentFigure.COUNT];
        private double elevatedEnter = 4;
        private double elevatedExit = 2;
        private double clampedEnter = 10;
        private double clampedExit = 6;
        private long elevatedHoldMillis = 30_000;
        private long clampedHoldMillis = 30_000;
        private double maxFactorStep = 0.1;
        private long recoveryHalfLifeMillis = 15_000;
        private double capMultiple = 2.0;
        private double capFloorRps = 10;
        private double updateStep = 0.05;
        private double blastRadiusShare = 0.10;
        private int blastRadiusMinCount = 5;
        private double feedbackStep = 0.1;
        private long feedbackHoldMillis = 600_000;
        private long falsePositiveExemptMillis = 3_600_000;
        private SegmentLimits limits = SegmentLimits.defaults();

        private Builder() {
            Arrays.fill(priorMean, Double.NaN);
            figure(SegmentFigure.VOLUME, 1.0, 1.0, 3, 0.5);
            figure(SegmentFigure.DISTINCT_IDENTITIES, 1.0, 1.0, 3, 0);
            figure(SegmentFigure.NEW_IDENTITY_RATE, 1.0, 0.75, 4, 0.6);
            figure(SegmentFigure.AUTH_RATE, 3.0, 0.5, 3, 1.0);
            volumeAdjusted(SegmentFigure.AUTH_RATE, true);
            figure(SegmentFigure.ERROR_SHARE, 0.05, 0.25, 3, 1.0);
            prior(SegmentFigure.ERROR_SHARE, 0.05, 0.05);
            evidence(SegmentFigure.ERROR_SHARE, 50);
            figure(SegmentFigure.ANOMALOUS_SHARE, 0.02, 0.5, 3, 1.0);
            prior(SegmentFigure.ANOMALOUS_SHARE, 0.01, 0.02);
            evidence(SegmentFigure.ANOMALOUS_SHARE, 50);
        }

        public Builder intervalMillis(long v) {
            intervalMillis = v;
            return this;
        }

        public Builder baselineAlpha(double v) {
            baselineAlpha = v;
            return this;
        }

        public Builder warmupIntervals(int v) {
            warmupIntervals = v;
            return this;
        }

        public Builder smoothingAlpha(double v) {
            smoothingAlpha = v;
            return this;
        }

        /** How one figure is turned into pressure: weight × (z − gate), z over max(spread, floors). */
        public Builder figure(SegmentFigure f, double absFloor, double relFloor, double zGate, double w) {
            absoluteFloor[f.ordinal()] = absFloor;
            relativeFloor[f.ordinal()] = relFloor;
            gate[f.ordinal()] = zGate;
            weight[f.ordinal()] = w;
            return this;
        }

        public Builder weight(SegmentFigure f, double w) {
            weight[f.ordinal()] = w;
            return this;
        }

        public Builder volumeAdjusted(SegmentFigure f, boolean v) {
            volumeAdjusted[f.ordinal()] = v;
            return this;
        }

        /** Centre and spread used before the baseline is warm; a NaN mean removes the prior. */
        public Builder prior(SegmentFigure f, double mean, double spread) {
            priorMean[f.ordinal()] = mean;
            priorSpread[f.ordinal()] = spread;
            return this;
        }

        public Builder evidence(SegmentFigure f, double v) {
            evidence[f.ordinal()] = v;
            return this;
        }

        public Builder elevated(double enter, double exit) {
            elevatedEnter = enter;
            elevatedExit = exit;
            return this;
        }

        public Builder clamped(double enter, double exit) {
            clampedEnter = enter;
            clampedExit = exit;
            return this;
        }

        public Builder elevatedHoldMillis(long v) {
            elevatedHoldMillis = v;
            return this;
        }

        public Builder clampedHoldMillis(long v) {
            clampedHoldMillis = v;
            return this;
        }

        public Builder maxFactorStep(double v) {
            maxFactorStep = v;
            return this;
        }

        public Builder recoveryHalfLifeMillis(long v) {
            recoveryHalfLifeMillis = v;
            return this;
        }

        public Builder capMultiple(double v) {
            capMultiple = v;
            return this;
        }

        public Builder capFloorRps(double v) {
            capFloorRps = v;
            return this;
        }

        public Builder updateStep(double v) {
            updateStep = v;
            return this;
        }

        public Builder blastRadiusShare(double v) {
            blastRadiusShare = v;
            return this;
        }

        public Builder blastRadiusMinCount(int v) {
            blastRadiusMinCount = v;
            return this;
        }

        public Builder feedbackStep(double v) {
            feedbackStep = v;
            return this;
        }

        public Builder feedbackHoldMillis(long v) {
            feedbackHoldMillis = v;
            return this;
        }

        public Builder falsePositiveExemptMillis(long v) {
            falsePositiveExemptMillis = v;
            return this;
        }

        public Builder limits(SegmentLimits v) {
            limits = v;
            return this;
        }

        public SegmentControllerConfig build() {
            return new SegmentControllerConfig(this);
        }
    }
}
