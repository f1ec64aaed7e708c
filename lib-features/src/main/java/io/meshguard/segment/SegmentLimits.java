package io.meshguard.segment;

import java.io.Serializable;
import java.util.Objects;

/**
 * What the policy layer hands the controller for one segment: the base thresholds (configuration,
 * or the policy's override for the segment) and the bounds every tightened value is clipped into.
 * Immutable.
 */
public final class SegmentLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final SegmentLimits DEFAULTS =
            new SegmentLimits(SegmentThresholds.defaults(), ThresholdBounds.defaults());

    public final SegmentThresholds base;
    public final ThresholdBounds bounds;

    public SegmentLimits(SegmentThresholds base, ThresholdBounds bounds) {
        this.base = Objects.requireNonNull(base, "base");
        this.bounds = Objects.requireNonNull(bounds, "bounds");
    }

    /** The per-identity detector's default cut-offs within {@link ThresholdBounds#defaults()}. */
    public static SegmentLimits defaults() {
        return DEFAULTS;
    }

    /** Thresholds in force at a tightening factor (itself clipped into its bounds). */
    public SegmentThresholds inForce(double factor) {
        return base.scaled(bounds.clamp(Threshold.TIGHTENING_FACTOR, factor), bounds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentLimits l && l.base.equals(base) && l.bounds.equals(bounds);
    }

    @Override
    public int hashCode() {
        return 31 * base.hashCode() + bounds.hashCode();
    }

    @Override
    public String toString() {
        return "SegmentLimits{" + base + ", " + bounds + "}";
    }
}
