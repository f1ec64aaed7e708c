package io.meshguard.job.config;

import static io.meshguard.job.config.MeshGuardOptions.*;

import io.meshguard.baseline.BaselineConfig;
import io.meshguard.baseline.ScoringConfig;
import io.meshguard.detect.DecisionConfig;
import io.meshguard.detect.DetectionConfig;
import io.meshguard.features.Feature;
import io.meshguard.features.FeatureConfig;
import io.meshguard.parse.DecoderConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ReadableConfig;

/** The job's configuration, parsed and validated once from {@link MeshGuardOptions}. */
public final class MeshGuardConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public final DecoderConfig decoder;
    public final DetectionConfig detection;
    public final Duration watermarkOutOfOrderness;
    public final Duration watermarkIdleness;
    public final Duration identityIdleTimeout;
    public final Duration identityStateTtl;

    private MeshGuardConfig(ReadableConfig c) {
        this.decoder = inGroup("parse.*, identity.*, segment.*, paths.*, user-agent.*", () -> DecoderConfigs.from(c));
        this.detection = new DetectionConfig(
                inGroup("features.*", () -> features(c)),
                inGroup("baseline.*", () -> baseline(c)),
                inGroup("scoring.*", () -> scoring(c)),
                inGroup("decision.*", () -> decisions(c)));
        this.watermarkOutOfOrderness = c.get(WATERMARK_OUT_OF_ORDERNESS);
        this.watermarkIdleness = c.get(WATERMARK_IDLENESS);
        this.identityIdleTimeout = c.get(IDENTITY_IDLE_TIMEOUT);
        this.identityStateTtl = c.get(IDENTITY_STATE_TTL);
        if (!identityStateTtl.isZero() && identityStateTtl.compareTo(identityIdleTimeout) <= 0) {
            throw new IllegalArgumentException(
                    IDENTITY_STATE_TTL.key() + " must exceed " + IDENTITY_IDLE_TIMEOUT.key() + " (or be 0 to disable it)");
        }
    }

    /** Parses and validates; throws {@link IllegalArgumentException} naming the bad option. */
    public static MeshGuardConfig from(ReadableConfig config) {
        return new MeshGuardConfig(config);
    }

    /** Prefixes a validation error with the option group it came from, so users know where to look. */
    private static <T> T inGroup(String group, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message != null && message.contains("for key '")) {
                throw e; // Flink already named the option.
            }
            throw new IllegalArgumentException("invalid " + group + " options: " + message, e);
        }
    }

    private static FeatureConfig features(ReadableConfig c) {
        return FeatureConfig.builder()
                .shortHorizonMillis(c.get(FEATURES_SHORT_HORIZON).toMillis())
                .mediumHorizonMillis(c.get(FEATURES_MEDIUM_HORIZON).toMillis())
                .longHorizonMillis(c.get(FEATURES_LONG_HORIZON).toMillis())
                .distinctWindowMillis(c.get(FEATURES_DISTINCT_WINDOW).toMillis())
                .newPathGrace(c.get(FEATURES_NEW_PATH_GRACE))
                .minRateAgeMillis(c.get(FEATURES_MIN_RATE_AGE).toMillis())
                .build();
    }

    private static BaselineConfig baseline(ReadableConfig c) {
        return BaselineConfig.builder()
                .sampleIntervalMillis(c.get(BASELINE_SAMPLE_INTERVAL).toMillis())
                .warmupSamples(c.get(BASELINE_WARMUP_SAMPLES))
                .ewmaAlpha(c.get(BASELINE_EWMA_ALPHA))
                .minPeerSamples(c.get(BASELINE_MIN_PEER_SAMPLES))
                .peerGenerationMillis(c.get(BASELINE_PEER_GENERATION).toMillis())
                .peerSamplesPerSecond(c.get(BASELINE_PEER_SAMPLES_PER_SECOND))
                .maxPeerSegments(c.get(BASELINE_MAX_PEER_SEGMENTS))
                .build();
    }

    private static ScoringConfig scoring(ReadableConfig c) {
        ScoringConfig.Builder b = ScoringConfig.builder()
                .noiseGate(c.get(SCORING_NOISE_GATE))
                .deviationCap(c.get(SCORING_DEVIATION_CAP))
                .evidenceRequests(c.get(SCORING_EVIDENCE_REQUESTS));
        for (Map.Entry<String, String> e : c.get(SCORING_WEIGHTS).entrySet()) {
            b.weight(feature(e.getKey(), SCORING_WEIGHTS.key()), number(e, SCORING_WEIGHTS.key()));
        }
        for (Map.Entry<String, String> e : c.get(SCORING_FLOORS).entrySet()) {
            b.absoluteFloor(feature(e.getKey(), SCORING_FLOORS.key()), number(e, SCORING_FLOORS.key()));
        }
        return b.build();
    }

    private static DecisionConfig decisions(ReadableConfig c) {
        return DecisionConfig.builder()
                .rateLimitScore(c.get(DECISION_RATE_LIMIT_SCORE))
                .quarantineScore(c.get(DECISION_QUARANTINE_SCORE))
                .releaseScore(c.get(DECISION_RELEASE_SCORE))
                .releaseHoldMillis(c.get(DECISION_RELEASE_HOLD).toMillis())
                .quarantineTtlSeconds(c.get(DECISION_QUARANTINE_TTL).toSeconds())
                .minLimitRps(c.get(DECISION_MIN_LIMIT_RPS))
                .limitMultiplier(c.get(DECISION_LIMIT_MULTIPLIER))
                .maxReasons(c.get(DECISION_MAX_REASONS))
                .build();
    }

    private static Feature feature(String name, String option) {
        for (Feature f : Feature.values()) {
            if (f.wireName().equals(name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException(option + ": unknown feature '" + name + "'");
    }

    private static double number(Map.Entry<String, String> e, String option) {
        try {
            return Double.parseDouble(e.getValue().trim());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(option + ": '" + e.getValue() + "' is not a number for " + e.getKey());
        }
    }
}
