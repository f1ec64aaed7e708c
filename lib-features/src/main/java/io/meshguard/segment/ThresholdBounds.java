package io.meshguard.segment;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Floor and ceiling of every {@link Threshold}: whatever the controller, a policy override or
 * feedback computes is clipped into these. Immutable.
 *
 * <p>Valid bounds satisfy sane-min &lt;= min &lt;= max &lt;= sane-max for every threshold, and the
 * quarantine ceiling lies above the rate-limit ceiling, so that quarantine can always stay above
 * rate-limit after clipping.
 */
public final class ThresholdBounds implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final ThresholdBounds DEFAULTS = new ThresholdBounds(
            new double[] {2.0, 6.0, 1.0, 0.5, 0.5},
            new double[] {8.0, 20.0, 10.0, 100.0, 1.0});

    private final double[] min;
    private final double[] max;

    private ThresholdBounds(double[] min, double[] max) {
        this.min = min;
        this.max = max;
        String problem = problem(min, max);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Rate-limit score in [2, 8], quarantine score in [6, 20], limit multiplier in [1, 10] (a limit
     * never falls below an identity's own typical rate), minimum limit in [0.5, 100] req/s, tightening
     * factor in [0.5, 1] (thresholds at most halved).
     */
    public static ThresholdBounds defaults() {
        return DEFAULTS;
    }

    public double min(Threshold t) {
        return min[t.ordinal()];
    }

    public double max(Threshold t) {
        return max[t.ordinal()];
    }

    /** The value clipped into [min, max] of the threshold. */
    public double clamp(Threshold t, double value) {
        return Math.max(min[t.ordinal()], Math.min(max[t.ordinal()], value));
    }

    /**
     * A copy with one threshold's bounds replaced; {@code NaN} keeps the current value.
     *
     * @throws IllegalArgumentException with a message naming the threshold when the result is invalid
     */
    public ThresholdBounds with(Threshold t, double newMin, double newMax) {
        double[] mi = min.clone();
        double[] ma = max.clone();
        if (!Double.isNaN(newMin)) {
            mi[t.ordinal()] = newMin;
        }
        if (!Double.isNaN(newMax)) {
            ma[t.ordinal()] = newMax;
        }
        return new ThresholdBounds(mi, ma);
    }

    /** Why these bounds would be invalid, or null when they are fine. For validators that collect messages. */
    static String problem(double[] min, double[] max) {
        for (Threshold t : Threshold.values()) {
            double lo = min[t.ordinal()];
            double hi = max[t.ordinal()];
            if (!t.isSane(lo)) {
                return String.format(Locale.ROOT, "%s.min %s is outside the sane range [%s, %s]",
                        t.wireName(), num(lo), num(t.saneMin()), num(t.saneMax()));
            }
            if (!t.isSane(hi)) {
                return String.format(Locale.ROOT, "%s.max %s is outside the sane range [%s, %s]",
                        t.wireName(), num(hi), num(t.saneMin()), num(t.saneMax()));
            }
            if (lo > hi) {
                return String.format(Locale.ROOT, "%s.min %s is greater than %s.max %s",
                        t.wireName(), num(lo), t.wireName(), num(hi));
            }
        }
        double rateMax = max[Threshold.RATE_LIMIT_SCORE.ordinal()];
        double quarantineMax = max[Threshold.QUARANTINE_SCORE.ordinal()];
        if (!(quarantineMax > rateMax)) {
            return String.format(Locale.ROOT,
                    "quarantine_score.max %s must be above rate_limit_score.max %s, so quarantine stays above rate-limit",
                    num(quarantineMax), num(rateMax));
        }
        return null;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return Double.toString(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThresholdBounds b && Arrays.equals(min, b.min) && Arrays.equals(max, b.max);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ThresholdBounds{");
        for (Threshold t : Threshold.values()) {
            if (t.ordinal() > 0) {
                sb.append(", ");
            }
            sb.append(t.wireName()).append(" [").append(num(min(t))).append(", ").append(num(max(t))).append(']');
        }
        return sb.append('}').toString();
    }
}
