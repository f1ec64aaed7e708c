package io.meshguard.detect;

import io.meshguard.baseline.OwnBaseline;
import io.meshguard.features.FeatureState;
import io.meshguard.model.Action;

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

    public IdentityState() {}

    /** Event time of the identity's latest request. */
    public long lastSeenMillis() {
        return features.lastUpdateMillis;
    }
}
