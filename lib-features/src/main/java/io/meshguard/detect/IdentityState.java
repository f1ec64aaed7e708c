package io.meshguard.detect;

import io.meshguard.baseline.OwnBaseline;
import io.meshguard.features.FeatureState;
import io.meshguard.model.Action;
import io.meshguard.model.IdentityType;

/**
 * Everything meshguard keeps about one identity, in one object so keyed state costs one lookup per
 * request. The identity itself is the state's key and is not stored again. A Flink POJO.
 */
public final class IdentityState {
    public FeatureState features = new FeatureState();
    public OwnBaseline baseline = new OwnBaseline();

    public Action action = Action.ALLOW;
    public double limitRps;
    public long actionSinceMillis;
    /** Last event time the score was at or above the release score; releases wait a hold after it. */
    public long lastUncalmMillis;
    public long quarantineUntilMillis;
    /** Version of the last decision emitted for this identity. */
    public long version;
    /** Event time of the pending idle-cleanup timer, 0 when none. */
    public long cleanupTimerMillis;

    // The ring of the latest 1-s intervals, kept by IntervalTracker: 36 bytes here, and the slots
    // array (104 bytes for the usual 3 slots, more only while the watermark lags).
    /** Start of the newest interval in the ring, {@link IntervalTracker#NONE} when the ring is empty. */
    public long intervalNewestStartMillis = IntervalTracker.NONE;
    /**
     * No interval of the ring closes before this event time ({@link IntervalTracker#NONE}: each at
     * its end): set when an interval closes early, so that the rest never leave before it.
     */
    public long intervalHoldMillis = IntervalTracker.NONE;
    /**
     * The ring's counts, {@link IntervalTracker#slots()} slots (up to {@link
     * IntervalTracker#maxSlots()}) of seven ints each; null until the identity's first request. One
     * primitive array: the cheapest layout on the heap and on the wire.
     */
    public int[] intervalSlots;
    /** Bit i: slot i is interesting and its summary timer is pending. */
    public int intervalPending;
    /** Typical rate of the identity's baseline at its latest request; NaN when not judged yet. */
    public float intervalTypicalRps = Float.NaN;
    public IdentityType intervalIdentityType;
    /**
     * Segment of the latest request while an interval is pending (a summary timer is set), else
     * null: only identities that may need a summary keep the string.
     */
    public String intervalSegment;
    /**
     * Start of the latest interval with a failed probe of a new path, where a scan may start
     * ({@link IntervalTracker#NONE}: none yet); new paths matter to the patterns only for a scan
     * window after it. Outlives the ring.
     */
    public long scanStartMillis = IntervalTracker.NONE;

    public IdentityState() {}

    /** Event time of the identity's latest request. */
    public long lastSeenMillis() {
        return features.lastUpdateMillis;
    }
}
