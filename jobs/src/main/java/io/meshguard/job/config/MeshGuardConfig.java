package io.meshguard.job.config;

import static io.meshguard.job.config.MeshGuardOptions.*;

import io.meshguard.baseline.BaselineConfig;
import io.meshguard.baseline.ScoringConfig;
import io.meshguard.cep.PatternConfig;
import io.meshguard.cep.PatternMatch;
import io.meshguard.detect.DecisionConfig;
import io.meshguard.detect.DetectionConfig;
import io.meshguard.enforce.ArbiterConfig;
import io.meshguard.features.Feature;
import io.meshguard.features.FeatureConfig;
import io.meshguard.model.Action;
import io.meshguard.parse.DecoderConfig;
import io.meshguard.policy.PolicyParser;
import io.meshguard.policy.PolicyValidationException;
import io.meshguard.segment.SegmentControllerConfig;
import io.meshguard.segment.SegmentIntervalAggregator;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentThresholds;
import io.meshguard.segment.Threshold;
import io.meshguard.segment.ThresholdBounds;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

/** The job's configuration, parsed and validated once from {@link MeshGuardOptions}. */
public final class MeshGuardConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public final DecoderConfig decoder;
    public final DetectionConfig detection;
    public final Duration watermarkOutOfOrderness;
    public final Duration watermarkIdleness;
    public final Duration identityIdleTimeout;
    public final Duration identityStateTtl;
    /** The segment controller; its base thresholds are the decision.* options, its bounds thresholds.*. */
    public final SegmentControllerConfig segmentController;
    /** How segment traffic is folded into intervals; the interval is the controller's. */
    public final SegmentIntervalAggregator.Config segmentAggregation;
    /** Longest a request waits in its subtask's segment batch ({@code segment.batch.max-delay}). */
    public final Duration segmentBatchMaxDelay;
    /** Distinct identities that send a segment batch at once ({@code segment.batch.max-identities}). */
    public final int segmentBatchMaxIdentities;
    public final PatternConfig patterns;
    /** Path of the policy file loaded at start, or null for none. */
    public final String policyInitial;
    /** The start-up policy document, validated; null without policy.initial. */
    public final String initialPolicyJson;
    public final boolean segmentAdaptive;
    public final ArbiterConfig arbiter;
    /** Directory watched for control files at run time, or null for none. */
    public final String policyControlDir;
    public final Duration policyControlPollInterval;

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
        ThresholdBounds bounds = inGroup("thresholds.*", MeshGuardConfig::boundKeys, () -> bounds(c));
        SegmentLimits limits = limits(detection.decisions, bounds);
        this.segmentController = inGroup("segment.*", CONTROLLER_KEYS, () -> segmentController(c, limits));
        this.segmentAggregation = inGroup("segment.*", AGGREGATION_KEYS, () -> segmentAggregation(c));
        this.segmentBatchMaxDelay = c.get(SEGMENT_BATCH_MAX_DELAY);
        if (segmentBatchMaxDelay.isNegative() || segmentBatchMaxDelay.isZero()) {
            throw new IllegalArgumentException(SEGMENT_BATCH_MAX_DELAY.key() + " ("
                    + TimeUtils.formatWithHighestUnit(segmentBatchMaxDelay) + ") must be positive");
        }
        this.segmentBatchMaxIdentities = c.get(SEGMENT_BATCH_MAX_IDENTITIES);
        if (segmentBatchMaxIdentities < 1) {
            throw new IllegalArgumentException(SEGMENT_BATCH_MAX_IDENTITIES.key() + " ("
                    + segmentBatchMaxIdentities + ") must be at least 1");
        }
        this.patterns = inGroup("cep.*", () -> patterns(c));
        this.segmentAdaptive = c.get(SEGMENT_ADAPTIVE);
        this.arbiter = inGroup("arbiter.*", () -> arbiter(c, detection.decisions, segmentController));
        this.policyInitial = path(c, POLICY_INITIAL);
        this.initialPolicyJson = policyInitial == null ? null : readPolicy(policyInitial, limits);
        this.policyControlDir = path(c, POLICY_CONTROL_DIR);
        this.policyControlPollInterval = c.get(POLICY_CONTROL_POLL_INTERVAL);
        if (policyControlPollInterval.isNegative() || policyControlPollInterval.isZero()) {
            throw new IllegalArgumentException(
                    POLICY_CONTROL_POLL_INTERVAL.key() + " (" + TimeUtils.formatWithHighestUnit(policyControlPollInterval)
                            + ") must be positive");
        }
    }

    /** Parses and validates; throws {@link IllegalArgumentException} naming the bad option. */
    public static MeshGuardConfig from(ReadableConfig config) {
        return new MeshGuardConfig(config);
    }

    private static <T> T inGroup(String group, Supplier<T> parse) {
        return inGroup(group, UnaryOperator.identity(), parse);
    }

    /**
     * Makes a validation error name the option: the library's own names for its settings
     * ({@code segment-control.elevated-hold-millis}) are rewritten to option keys, and a message
     * that still names no option is prefixed with the group it came from, so users know where to look.
     */
    private static <T> T inGroup(String group, UnaryOperator<String> toKeys, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message != null && message.contains("for key '")) {
                throw e; // Flink already named the option.
            }
            String renamed = message == null ? null : toKeys.apply(message);
            if (renamed != null && MeshGuardOptions.all().stream().anyMatch(o -> renamed.contains(o.key()))) {
                throw new IllegalArgumentException(renamed, e);
            }
            throw new IllegalArgumentException("invalid " + group + " options: " + renamed, e);
        }
    }

    // ---- Policy and decisions ----------------------------------------------------------------

    /** Reads and validates the start-up policy, so a bad one stops the job before it starts. */
    private static String readPolicy(String path, SegmentLimits limits) {
        String json;
        try {
            json = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(POLICY_INITIAL.key() + ": cannot read " + path + ": " + e, e);
        }
        try {
            new PolicyParser(limits).parse(json);
        } catch (PolicyValidationException e) {
            throw new IllegalArgumentException(POLICY_INITIAL.key() + ": " + path + " is not a valid policy: "
                    + e.getMessage(), e);
        }
        return json;
    }

    private static ArbiterConfig arbiter(ReadableConfig c, DecisionConfig decisions, SegmentControllerConfig segments) {
        long rateLimitHold = c.get(ARBITER_RATE_LIMIT_HOLD).toMillis();
        ArbiterConfig.Builder b = ArbiterConfig.builder().decisions(decisions).segmentControl(segments)
                .recheckMillis(c.get(ARBITER_RECHECK).toMillis())
                .scoreRateLimitLapseMillis(c.get(ARBITER_SCORE_RATE_LIMIT_LAPSE).toMillis());
        patternAction(b, c, PatternMatch.BURST, ARBITER_BURST_ACTION, rateLimitHold, decisions);
        patternAction(b, c, PatternMatch.SPIKE, ARBITER_SPIKE_ACTION, rateLimitHold, decisions);
        patternAction(b, c, PatternMatch.SCAN, ARBITER_SCAN_ACTION, rateLimitHold, decisions);
        patternAction(b, c, PatternMatch.SENSITIVE_PROBE, ARBITER_SENSITIVE_PROBE_ACTION, rateLimitHold, decisions);
        return b.build();
    }

    private static void patternAction(ArbiterConfig.Builder b, ReadableConfig c, String pattern,
            ConfigOption<String> option, long rateLimitHoldMillis, DecisionConfig decisions) {
        String value = c.get(option).trim().toUpperCase(Locale.ROOT);
        Action action;
        if (value.equals("RATE_LIMIT")) {
            action = Action.RATE_LIMIT;
        } else if (value.equals("QUARANTINE")) {
            action = Action.QUARANTINE;
        } else {
            throw new IllegalArgumentException(option.key() + " must be RATE_LIMIT or QUARANTINE, got '" + c.get(option) + "'");
        }
        long hold = action == Action.QUARANTINE ? decisions.quarantineTtlSeconds * 1000 : rateLimitHoldMillis;
        b.pattern(pattern, action, hold);
    }

    // ---- Adaptive segments -------------------------------------------------------------------

    /** Rewrites the names SegmentControllerConfig gives its settings in errors to option keys. */
    private static final UnaryOperator<String> CONTROLLER_KEYS = renamer("segment-control.", Map.ofEntries(
            Map.entry("interval-millis", SEGMENT_INTERVAL),
            Map.entry("baseline-alpha", SEGMENT_BASELINE_ALPHA),
            Map.entry("warmup-intervals", SEGMENT_WARMUP_INTERVALS),
            Map.entry("smoothing-alpha", SEGMENT_SMOOTHING_ALPHA),
            Map.entry("elevated-enter", SEGMENT_ELEVATED_ENTER),
            Map.entry("elevated-exit", SEGMENT_ELEVATED_EXIT),
            Map.entry("clamped-enter", SEGMENT_CLAMPED_ENTER),
            Map.entry("clamped-exit", SEGMENT_CLAMPED_EXIT),
            Map.entry("elevated-hold-millis", SEGMENT_ELEVATED_HOLD),
            Map.entry("clamped-hold-millis", SEGMENT_CLAMPED_HOLD),
            Map.entry("max-factor-step", SEGMENT_MAX_FACTOR_STEP),
            Map.entry("recovery-half-life-millis", SEGMENT_RECOVERY_HALF_LIFE),
            Map.entry("cap-multiple", SEGMENT_CAP_MULTIPLE),
            Map.entry("cap-floor-rps", SEGMENT_CAP_FLOOR_RPS),
            Map.entry("update-step", SEGMENT_UPDATE_STEP),
            Map.entry("blast-radius-share", SEGMENT_BLAST_RADIUS_SHARE),
            Map.entry("blast-radius-min-count", SEGMENT_BLAST_RADIUS_MIN_COUNT),
            Map.entry("feedback-step", SEGMENT_FEEDBACK_STEP),
            Map.entry("feedback-hold-millis", SEGMENT_FEEDBACK_HOLD),
            Map.entry("false-positive-exempt-millis", SEGMENT_FALSE_POSITIVE_EXEMPTION)));

    /** Rewrites the names SegmentIntervalAggregator.Config gives its settings in errors to option keys. */
    private static final UnaryOperator<String> AGGREGATION_KEYS = renamer("segment-aggregation.", Map.of(
            "interval-millis", SEGMENT_INTERVAL,
            "lookback-millis", SEGMENT_LOOKBACK,
            "allowed-lateness-millis", SEGMENT_ALLOWED_LATENESS,
            "max-zero-intervals", SEGMENT_MAX_ZERO_INTERVALS,
            "distinct-bits", SEGMENT_DISTINCT_BITS,
            "lookback-filter-bits", SEGMENT_LOOKBACK_FILTER_BITS));

    private static final Map<Threshold, ConfigOption<Double>> MIN_BOUND = new EnumMap<>(Map.of(
            Threshold.RATE_LIMIT_SCORE, THRESHOLDS_RATE_LIMIT_SCORE_MIN,
            Threshold.QUARANTINE_SCORE, THRESHOLDS_QUARANTINE_SCORE_MIN,
            Threshold.LIMIT_MULTIPLIER, THRESHOLDS_LIMIT_MULTIPLIER_MIN,
            Threshold.MIN_LIMIT_RPS, THRESHOLDS_MIN_LIMIT_RPS_MIN,
            Threshold.TIGHTENING_FACTOR, THRESHOLDS_TIGHTENING_FACTOR_MIN));

    private static final Map<Threshold, ConfigOption<Double>> MAX_BOUND = new EnumMap<>(Map.of(
            Threshold.RATE_LIMIT_SCORE, THRESHOLDS_RATE_LIMIT_SCORE_MAX,
            Threshold.QUARANTINE_SCORE, THRESHOLDS_QUARANTINE_SCORE_MAX,
            Threshold.LIMIT_MULTIPLIER, THRESHOLDS_LIMIT_MULTIPLIER_MAX,
            Threshold.MIN_LIMIT_RPS, THRESHOLDS_MIN_LIMIT_RPS_MAX,
            Threshold.TIGHTENING_FACTOR, THRESHOLDS_TIGHTENING_FACTOR_MAX));

    /** The decision.* option each per-identity threshold's base value comes from. */
    private static final Map<Threshold, ConfigOption<Double>> BASE = new EnumMap<>(Map.of(
            Threshold.RATE_LIMIT_SCORE, DECISION_RATE_LIMIT_SCORE,
            Threshold.QUARANTINE_SCORE, DECISION_QUARANTINE_SCORE,
            Threshold.LIMIT_MULTIPLIER, DECISION_LIMIT_MULTIPLIER,
            Threshold.MIN_LIMIT_RPS, DECISION_MIN_LIMIT_RPS));

    /** ThresholdBounds names a bound {@code rate_limit_score.min}; its option is {@code thresholds.rate_limit_score.min}. */
    private static final Pattern BOUND_NAME =
            Pattern.compile("(?<!thresholds\\.)\\b(" + Threshold.wireNames().replace(", ", "|") + ")\\.(min|max)\\b");

    private static String boundKeys(String message) {
        return BOUND_NAME.matcher(message).replaceAll("thresholds.$1.$2");
    }

    private static ThresholdBounds bounds(ReadableConfig c) {
        // Every step of with() is validated, and the quarantine ceiling must stay above the rate-limit
        // one: when the quarantine ceiling rises it goes first, so raising both cannot fail half-way.
        ThresholdBounds bounds = ThresholdBounds.defaults();
        List<Threshold> order = new ArrayList<>(List.of(Threshold.values()));
        if (c.get(MAX_BOUND.get(Threshold.QUARANTINE_SCORE)) > bounds.max(Threshold.QUARANTINE_SCORE)) {
            order.remove(Threshold.QUARANTINE_SCORE);
            order.add(0, Threshold.QUARANTINE_SCORE);
        }
        for (Threshold t : order) {
            bounds = bounds.with(t, c.get(MIN_BOUND.get(t)), c.get(MAX_BOUND.get(t)));
        }
        return bounds;
    }

    /**
     * The controller starts from the per-identity detector's cut-offs. One outside its bounds would
     * be clipped silently (and a policy override there is rejected), so it is rejected here too.
     */
    private static SegmentLimits limits(DecisionConfig decisions, ThresholdBounds bounds) {
        SegmentThresholds base = SegmentThresholds.of(decisions);
        for (Map.Entry<Threshold, ConfigOption<Double>> e : BASE.entrySet()) {
            Threshold t = e.getKey();
            double value = base.get(t);
            if (value < bounds.min(t) || value > bounds.max(t)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s (%s) must lie within [%s, %s] set by %s and %s: the segment controller clips every "
                                + "threshold into its bounds",
                        e.getValue().key(), value, bounds.min(t), bounds.max(t),
                        MIN_BOUND.get(t).key(), MAX_BOUND.get(t).key()));
            }
        }
        return new SegmentLimits(base, bounds);
    }

    private static SegmentControllerConfig segmentController(ReadableConfig c, SegmentLimits limits) {
        return SegmentControllerConfig.builder()
                .intervalMillis(c.get(SEGMENT_INTERVAL).toMillis())
                .baselineAlpha(c.get(SEGMENT_BASELINE_ALPHA))
                .warmupIntervals(c.get(SEGMENT_WARMUP_INTERVALS))
                .smoothingAlpha(c.get(SEGMENT_SMOOTHING_ALPHA))
                .elevated(c.get(SEGMENT_ELEVATED_ENTER), c.get(SEGMENT_ELEVATED_EXIT))
                .clamped(c.get(SEGMENT_CLAMPED_ENTER), c.get(SEGMENT_CLAMPED_EXIT))
                .elevatedHoldMillis(c.get(SEGMENT_ELEVATED_HOLD).toMillis())
                .clampedHoldMillis(c.get(SEGMENT_CLAMPED_HOLD).toMillis())
                .maxFactorStep(c.get(SEGMENT_MAX_FACTOR_STEP))
                .recoveryHalfLifeMillis(c.get(SEGMENT_RECOVERY_HALF_LIFE).toMillis())
                .capMultiple(c.get(SEGMENT_CAP_MULTIPLE))
                .capFloorRps(c.get(SEGMENT_CAP_FLOOR_RPS))
                .updateStep(c.get(SEGMENT_UPDATE_STEP))
                .blastRadiusShare(c.get(SEGMENT_BLAST_RADIUS_SHARE))
                .blastRadiusMinCount(c.get(SEGMENT_BLAST_RADIUS_MIN_COUNT))
                .feedbackStep(c.get(SEGMENT_FEEDBACK_STEP))
                .feedbackHoldMillis(c.get(SEGMENT_FEEDBACK_HOLD).toMillis())
                .falsePositiveExemptMillis(c.get(SEGMENT_FALSE_POSITIVE_EXEMPTION).toMillis())
                .limits(limits)
                .build();
    }

    private static SegmentIntervalAggregator.Config segmentAggregation(ReadableConfig c) {
        return SegmentIntervalAggregator.Config.builder()
                .intervalMillis(c.get(SEGMENT_INTERVAL).toMillis())
                .allowedLatenessMillis(c.get(SEGMENT_ALLOWED_LATENESS).toMillis())
                .lookbackMillis(c.get(SEGMENT_LOOKBACK).toMillis())
                .maxZeroIntervals(c.get(SEGMENT_MAX_ZERO_INTERVALS))
                .distinctBits(c.get(SEGMENT_DISTINCT_BITS))
                .lookbackFilterBits(c.get(SEGMENT_LOOKBACK_FILTER_BITS))
                .build();
    }

    /** PatternConfig already names its settings as their options ({@code cep.burst-intervals}). */
    private static PatternConfig patterns(ReadableConfig c) {
        return PatternConfig.builder()
                .burstIntervals(c.get(CEP_BURST_INTERVALS))
                .burstWithin(c.get(CEP_BURST_WITHIN))
                .spikeFactor(c.get(CEP_SPIKE_FACTOR))
                .burstMinRps(c.get(CEP_BURST_MIN_RPS))
                .scanWithin(c.get(CEP_SCAN_WITHIN))
                .scanMinIntervals(c.get(CEP_SCAN_MIN_INTERVALS))
                .scanDistinctPaths(c.get(CEP_SCAN_DISTINCT_PATHS))
                .scanFailureShare(c.get(CEP_SCAN_FAILURE_SHARE))
                .sensitiveHits(c.get(CEP_SENSITIVE_HITS))
                .sensitiveWithin(c.get(CEP_SENSITIVE_WITHIN))
                .build();
    }

    /** A path option; unset or blank (an empty {@code key:} line) means none. */
    private static String path(ReadableConfig c, ConfigOption<String> option) {
        String value = c.get(option);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Rewrites {@code <prefix><name>} in a message to the key of the option registered for the name. */
    private static UnaryOperator<String> renamer(String prefix, Map<String, ? extends ConfigOption<?>> options) {
        Pattern name = Pattern.compile(Pattern.quote(prefix) + "([a-z-]+)");
        return message -> name.matcher(message).replaceAll(m -> {
            ConfigOption<?> option = options.get(m.group(1));
            return Matcher.quoteReplacement(option == null ? m.group() : option.key());
        });
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
