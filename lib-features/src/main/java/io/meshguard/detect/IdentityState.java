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

    // The open 1-s interval, accumulated by IntervalTracker (48 bytes).
    /** Start of the open interval, {@link IntervalTracker#NONE} when none is open. */
    public long intervalStartMillis = IntervalTracker.NONE;
    /** Upstream clusters reached in the open interval, one bit per hashed cluster. */
    public long intervalUpstreams;
    public int intervalRequests;
    public int interval4xx;
    public int intervalNotFound;
    public int intervalSensitive;
    public int intervalNewPaths;
    /** Typical rate of the identity's baseline at its latest request; NaN when not judged yet. */
    public float intervalTypicalRps = Float.NaN;
    public IdentityType intervalIdentityType;
    /**
     * Segment of the open interval once it is interesting (a summary timer is pending), else null:
     * only identities that may need a summary keep the string.
     */
    public String intervalSegment;

    public IdentityState() {}

    /** Event time of the identity's latest request. */
    public long lastSeenMillis() {
        return features.lastUpdateMillis;
    }
}
