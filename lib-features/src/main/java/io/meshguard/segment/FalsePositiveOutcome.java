package io.meshguard.segment;

import io.meshguard.model.Action;

/**
 * What follows from a reported false positive: the identity is released and exempt for a while,
 * and the segment may have loosened. Immutable.
 */
public final class FalsePositiveOutcome {
    public final String identity;
    /** Always {@link Action#ALLOW}: the identity is released at once. */
    public final Action action;
    /** Until this event time the identity should not be limited again by the detector. */
    public final long exemptUntilMillis;
    /** The segment's new thresholds, or null when they did not change (already untightened). */
    public final SegmentUpdate update;

    public FalsePositiveOutcome(String identity, Action action, long exemptUntilMillis, SegmentUpdate update) {
        this.identity = identity;
        this.action = action;
        this.exemptUntilMillis = exemptUntilMillis;
        this.update = update;
    }

    @Override
    public String toString() {
        return "FalsePositiveOutcome{" + identity + " -> " + action + " until " + exemptUntilMillis + ", update="
                + update + "}";
    }
}
