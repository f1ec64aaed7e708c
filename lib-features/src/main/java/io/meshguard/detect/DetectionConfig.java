package io.meshguard.detect;

import io.meshguard.baseline.BaselineConfig;
import io.meshguard.baseline.ScoringConfig;
import io.meshguard.features.FeatureConfig;
import java.io.Serializable;

/** Everything the per-identity detector needs, parsed once and immutable. */
public final class DetectionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public final FeatureConfig features;
    public final BaselineConfig baseline;
    public final ScoringConfig scoring;
    public final DecisionConfig decisions;

    public DetectionConfig(
            FeatureConfig features, BaselineConfig baseline, ScoringConfig scoring, DecisionConfig decisions) {
        this.features = features;
        this.baseline = baseline;
        this.scoring = scoring;
        this.decisions = decisions;
    }

    public static DetectionConfig defaults() {
        return new DetectionConfig(
                FeatureConfig.defaults(), BaselineConfig.defaults(), ScoringConfig.defaults(), DecisionConfig.defaults());
    }
}
