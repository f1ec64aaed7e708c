package io.meshguard.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every user-facing setting of meshguard, declared once with its default and description. The
 * README's configuration tables are generated from this class ({@link OptionsDoc}), one per group
 * ({@link #sections()}).
 */
public final class MeshGuardOptions {
    private MeshGuardOptions() {}

    // ---- Event time -------------------------------------------------------------------------

    public static final ConfigOption<Duration> WATERMARK_OUT_OF_ORDERNESS = key("watermark.out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("How late (in event time) a request may arrive and still count as in order.");

    public static final ConfigOption<Duration> WATERMARK_IDLENESS = key("watermark.idleness")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("A source partition without data for this long stops holding back event time.");

    // ---- Parsing and identity ----------------------------------------------------------------

    public static final ConfigOption<Integer> PARSE_MAX_LINE_LENGTH = key("parse.max-line-length")
            .intType().defaultValue(65536)
            .withDescription("Longer telemetry records are dead-lettered.");

    public static final ConfigOption<Duration> PARSE_MAX_DURATION = key("parse.max-duration")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Records claiming a longer request duration are dead-lettered as absurd.");

    public static final ConfigOption<Duration> PARSE_MAX_FUTURE_SKEW = key("parse.max-future-skew")
            .durationType().defaultValue(Duration.ofDays(1))
            .withDescription("Records whose start_time lies further ahead of the wall clock are dead-lettered.");

    public static final ConfigOption<Integer> IDENTITY_TRUSTED_PROXY_HOPS = key("identity.trusted-proxy-hops")
            .intType().defaultValue(1)
            .withDescription("Rightmost x_forwarded_for entries written by trusted proxies; the client is the "
                    + "entry this many from the right. 0 ignores x_forwarded_for.");

    public static final ConfigOption<Integer> IDENTITY_MAX_LENGTH = key("identity.max-length")
            .intType().defaultValue(256)
            .withDescription("Longer identity values are truncated and suffixed with a hash.");

    public static final ConfigOption<Duration> IDENTITY_IDLE_TIMEOUT = key("identity.idle-timeout")
            .durationType().defaultValue(Duration.ofMinutes(30))
            .withDescription("Event time without requests after which an identity's state is evicted.");

    public static final ConfigOption<Duration> IDENTITY_STATE_TTL = key("identity.state-ttl")
            .durationType().defaultValue(Duration.ofHours(2))
            .withDescription("Processing-time TTL of identity state: a backstop for when event time stalls. "
                    + "0 turns it off (faster; idle identities are still evicted by event-time timers).");

    public static final ConfigOption<String> SEGMENT_NORTH_SOUTH = key("segment.north-south")
            .stringType().defaultValue("asn")
            .withDescription("Segment dimensions of traffic from outside the mesh, joined by '+'. One of "
                    + "asn, country, ns, workload, route, host, type.");

    public static final ConfigOption<String> SEGMENT_EAST_WEST = key("segment.east-west")
            .stringType().defaultValue("ns")
            .withDescription("Segment dimensions of traffic between mesh workloads, joined by '+'.");

    public static final ConfigOption<String> SEGMENT_DEFAULT = key("segment.default")
            .stringType().defaultValue("default")
            .withDescription("Segment of requests that lack one of the segment dimensions.");

    public static final ConfigOption<List<String>> PATHS_SENSITIVE_SEGMENTS = key("paths.sensitive-segments")
            .stringType().asList().defaultValues()
            .withDescription("Path segments marking sensitive endpoints, added to the built-in list (admin, "
                    + "wp-admin, phpmyadmin, actuator, server-status, debug, console, backup, dotfiles, ...).");

    public static final ConfigOption<List<String>> PATHS_SENSITIVE_SUFFIXES = key("paths.sensitive-suffixes")
            .stringType().asList().defaultValues()
            .withDescription("Path endings marking sensitive files, added to the built-in list (.bak, .sql, .env, "
                    + ".zip, config.php, web.config, ...).");

    public static final ConfigOption<List<String>> PATHS_LOGIN_SEGMENTS = key("paths.login-segments")
            .stringType().asList().defaultValues()
            .withDescription("Path segments of login endpoints, added to the built-in list (login, signin, token, "
                    + "auth, session, password, ...).");

    public static final ConfigOption<List<String>> PATHS_SIGNUP_SEGMENTS = key("paths.signup-segments")
            .stringType().asList().defaultValues()
            .withDescription("Path segments of signup endpoints, added to the built-in list (signup, register, "
                    + "registration, ...).");

    public static final ConfigOption<List<String>> USER_AGENT_TOOL_TOKENS = key("user-agent.tool-tokens")
            .stringType().asList().defaultValues()
            .withDescription("User-agent substrings marking scripts and attack tools, added to the built-in list "
                    + "(curl, python-requests, sqlmap, nikto, zgrab, ...).");

    // ---- Features ----------------------------------------------------------------------------

    public static final ConfigOption<Duration> FEATURES_SHORT_HORIZON = key("features.short-horizon")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Decay horizon of rate_short.");

    public static final ConfigOption<Duration> FEATURES_MEDIUM_HORIZON = key("features.medium-horizon")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("Decay horizon of ratios, byte rates, duration, entropy and endpoint-hit rates.");

    public static final ConfigOption<Duration> FEATURES_LONG_HORIZON = key("features.long-horizon")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("Decay horizon of rate_long.");

    public static final ConfigOption<Duration> FEATURES_DISTINCT_WINDOW = key("features.distinct-window")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("Window of the distinct path and upstream sketches (two rotating windows).");

    public static final ConfigOption<Integer> FEATURES_NEW_PATH_GRACE = key("features.new-path-grace")
            .intType().defaultValue(8)
            .withDescription("An identity's first distinct paths that do not count as new.");

    public static final ConfigOption<Duration> FEATURES_MIN_RATE_AGE = key("features.min-rate-age")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("Rates of young identities are estimated over at least this much history, or a third of "
                    + "the rate's horizon if longer.");

    // ---- Baselines ---------------------------------------------------------------------------

    public static final ConfigOption<Duration> BASELINE_SAMPLE_INTERVAL = key("baseline.sample-interval")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("How often an identity's features are sampled into its own baseline.");

    public static final ConfigOption<Integer> BASELINE_WARMUP_SAMPLES = key("baseline.warmup-samples")
            .intType().defaultValue(4)
            .withDescription("Samples before an identity is judged against its own history instead of its peers.");

    public static final ConfigOption<Double> BASELINE_EWMA_ALPHA = key("baseline.ewma-alpha")
            .doubleType().defaultValue(0.02)
            .withDescription("Weight of each new sample in an identity's own baseline, once warm.");

    public static final ConfigOption<Integer> BASELINE_MIN_PEER_SAMPLES = key("baseline.min-peer-samples")
            .intType().defaultValue(50)
            .withDescription("Samples a segment's peer distribution needs before it is used.");

    public static final ConfigOption<Duration> BASELINE_PEER_GENERATION = key("baseline.peer-generation")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("Age after which a peer distribution is replaced by a fresh one.");

    public static final ConfigOption<Double> BASELINE_PEER_SAMPLES_PER_SECOND = key("baseline.peer-samples-per-second")
            .doubleType().defaultValue(50.0)
            .withDescription("Peer samples accepted per segment and second, per parallel instance.");

    public static final ConfigOption<Integer> BASELINE_MAX_PEER_SEGMENTS = key("baseline.max-peer-segments")
            .intType().defaultValue(512)
            .withDescription("Segments with their own peer distribution per parallel instance; others use "
                    + "peers of the same identity type.");

    // ---- Scoring -----------------------------------------------------------------------------

    public static final ConfigOption<Double> SCORING_NOISE_GATE = key("scoring.noise-gate")
            .doubleType().defaultValue(2.0)
            .withDescription("Deviations (in scales) up to this count as noise.");

    public static final ConfigOption<Double> SCORING_DEVIATION_CAP = key("scoring.deviation-cap")
            .doubleType().defaultValue(20.0)
            .withDescription("Largest deviation a single feature can contribute.");

    public static final ConfigOption<Double> SCORING_EVIDENCE_REQUESTS = key("scoring.evidence-requests")
            .doubleType().defaultValue(10.0)
            .withDescription("Recent requests needed before ratio features count fully.");

    public static final ConfigOption<Map<String, String>> SCORING_WEIGHTS = key("scoring.weights")
            .mapType().defaultValue(Map.of())
            .withDescription("Per-feature weight overrides, e.g. 'ratio_5xx:0.5,ua_anomaly_ratio:0'.");

    public static final ConfigOption<Map<String, String>> SCORING_FLOORS = key("scoring.floors")
            .mapType().defaultValue(Map.of())
            .withDescription("Per-feature absolute scale floor overrides, e.g. 'rate_short:2'.");

    // ---- Decisions ---------------------------------------------------------------------------

    public static final ConfigOption<Double> DECISION_RATE_LIMIT_SCORE = key("decision.rate-limit-score")
            .doubleType().defaultValue(4.0)
            .withDescription("Anomaly score at or above which an identity is rate-limited.");

    public static final ConfigOption<Double> DECISION_QUARANTINE_SCORE = key("decision.quarantine-score")
            .doubleType().defaultValue(10.0)
            .withDescription("Anomaly score at or above which an identity is quarantined.");

    public static final ConfigOption<Double> DECISION_RELEASE_SCORE = key("decision.release-score")
            .doubleType().defaultValue(2.0)
            .withDescription("Score below which a rate limit may be lifted (hysteresis).");

    public static final ConfigOption<Duration> DECISION_RELEASE_HOLD = key("decision.release-hold")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("How long the score must stay below the rate-limit score before a release.");

    public static final ConfigOption<Duration> DECISION_QUARANTINE_TTL = key("decision.quarantine-ttl")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("Lifetime of a quarantine; the enforcement store expires it on its own.");

    public static final ConfigOption<Double> DECISION_MIN_LIMIT_RPS = key("decision.min-limit-rps")
            .doubleType().defaultValue(1.0)
            .withDescription("Lowest requests-per-second limit ever imposed.");

    public static final ConfigOption<Double> DECISION_LIMIT_MULTIPLIER = key("decision.limit-multiplier")
            .doubleType().defaultValue(2.0)
            .withDescription("A rate limit allows this multiple of the baseline's typical rate.");

    public static final ConfigOption<Integer> DECISION_MAX_REASONS = key("decision.max-reasons")
            .intType().defaultValue(4)
            .withDescription("Reasons listed per decision, strongest first.");

    // ---- Adaptive segment thresholds ---------------------------------------------------------
    //
    // The segment controller's base thresholds are the decision.* options above, so the per-identity
    // detector and the controller start from the same cut-offs. Left as code-level constants (see
    // SegmentControllerConfig): each figure's floors, gate, weight, volume adjustment, prior and
    // evidence. They are calibrated together against flash crowds and floods (about forty numbers
    // that only make sense as a set); operators tune how readily segments tighten with the mode
    // levels below and how far with the threshold bounds.

    public static final ConfigOption<Boolean> SEGMENT_ADAPTIVE = key("segment.adaptive")
            .booleanType().defaultValue(true)
            .withDescription("Apply each segment's adaptive thresholds to its identities and patterns. false runs the "
                    + "same pipeline with fixed thresholds (the controller still reports to segments.jsonl), for "
                    + "comparison or for a cautious roll-out.");

    public static final ConfigOption<Duration> SEGMENT_INTERVAL = key("segment.interval")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Length of the event-time intervals each segment's traffic is summed over; the segment "
                    + "controller judges one closed interval at a time. With 1 s a flood registers within two or "
                    + "three intervals.");

    public static final ConfigOption<Duration> SEGMENT_ALLOWED_LATENESS = key("segment.allowed-lateness")
            .durationType().defaultValue(Duration.ofSeconds(3))
            .withDescription("How far behind a segment's latest event a request is still counted in its interval; "
                    + "later ones are counted as late only. 3 s covers watermark.out-of-orderness (2 s) with a "
                    + "margin; at most 63 intervals.");

    public static final ConfigOption<Duration> SEGMENT_LOOKBACK = key("segment.lookback")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("An identity not seen in a segment for about this long (between half of it and all of "
                    + "it) counts as new again: returning users of a session are not new, a fake-signup wave is. "
                    + "At least two intervals.");

    public static final ConfigOption<Integer> SEGMENT_MAX_ZERO_INTERVALS = key("segment.max-zero-intervals")
            .intType().defaultValue(120)
            .withDescription("Empty intervals reported in a row after a segment's traffic stops, before the rest of "
                    + "the idle gap is skipped. 120 is twice what the default holds need to step down from CLAMPED "
                    + "to NORMAL, so a segment recovers before it goes quiet.");

    public static final ConfigOption<Integer> SEGMENT_DISTINCT_BITS = key("segment.distinct-bits")
            .intType().defaultValue(8192)
            .withDescription("Bits of each interval's distinct-identity sketch, a multiple of 64 (memory per "
                    + "segment grows with it): about 1 % error at 5,000 identities per interval, saturating near "
                    + "74,000.");

    public static final ConfigOption<Integer> SEGMENT_LOOKBACK_FILTER_BITS = key("segment.lookback-filter-bits")
            .intType().defaultValue(65536)
            .withDescription("Bits of each of the two Bloom filter generations that recognise returning identities, "
                    + "a multiple of 64 (8 KiB each). False positives under-report new identities, the safe "
                    + "direction: 0.9 % at 5,000 identities per half look-back, 5 % at 10,000.");

    public static final ConfigOption<Duration> SEGMENT_BATCH_MAX_DELAY = key("segment.batch.max-delay")
            .durationType().defaultValue(Duration.ofMillis(200))
            .withDescription("Longest a request waits in its subtask's per-segment batch before the batch is sent to "
                    + "the segment operator (batches also leave with every watermark and checkpoint): the segment "
                    + "operator then reads and writes a segment's state once per batch, not once per request.");

    public static final ConfigOption<Integer> SEGMENT_BATCH_MAX_IDENTITIES = key("segment.batch.max-identities")
            .intType().defaultValue(1024)
            .withDescription("Distinct identities after which a segment batch is sent at once: bounds the memory of "
                    + "one batch (8 bytes per identity) whatever the traffic.");

    public static final ConfigOption<Double> SEGMENT_BASELINE_ALPHA = key("segment.baseline-alpha")
            .doubleType().defaultValue(0.002)
            .withDescription("Least weight of an interval in a segment's baseline (the first 1/alpha intervals are "
                    + "averaged equally): a half-life of about 6 min of 1 s intervals. The baseline learns only "
                    + "while the segment is NORMAL, so an attack never becomes normal.");

    public static final ConfigOption<Integer> SEGMENT_WARMUP_INTERVALS = key("segment.warmup-intervals")
            .intType().defaultValue(60)
            .withDescription("Intervals a segment must learn before its rates are judged: a rate means nothing "
                    + "without the segment's own history. Error and anomalous-caller shares are judged from the "
                    + "first interval, against built-in priors.");

    public static final ConfigOption<Double> SEGMENT_SMOOTHING_ALPHA = key("segment.smoothing-alpha")
            .doubleType().defaultValue(0.5)
            .withDescription("Weight of the newest interval in a segment's smoothed figures (1 = no smoothing). 0.5 "
                    + "is a half-life of one interval: single-second bursts do not count, a flood registers within "
                    + "two or three intervals.");

    public static final ConfigOption<Double> SEGMENT_ELEVATED_ENTER = key("segment.elevated-enter")
            .doubleType().defaultValue(4.0)
            .withDescription("Pressure at which a segment becomes ELEVATED and its thresholds start to tighten. "
                    + "Pressure is the strongest figure's weighted z-score above its gate: a flash crowd that "
                    + "triples volume scores 0, a 12-fold volume flood 4.");

    public static final ConfigOption<Double> SEGMENT_ELEVATED_EXIT = key("segment.elevated-exit")
            .doubleType().defaultValue(2.0)
            .withDescription("Pressure below which an ELEVATED segment may return to NORMAL (after "
                    + "segment.elevated-hold). The gap to the enter level keeps a hovering signal from flapping.");

    public static final ConfigOption<Double> SEGMENT_CLAMPED_ENTER = key("segment.clamped-enter")
            .doubleType().defaultValue(10.0)
            .withDescription("Pressure at which a segment becomes CLAMPED: thresholds at their floors and the "
                    + "segment's volume capped (segment.cap-multiple). A 24-fold volume flood scores 10.");

    public static final ConfigOption<Double> SEGMENT_CLAMPED_EXIT = key("segment.clamped-exit")
            .doubleType().defaultValue(6.0)
            .withDescription("Pressure below which a CLAMPED segment may step down to ELEVATED (after "
                    + "segment.clamped-hold).");

    public static final ConfigOption<Duration> SEGMENT_ELEVATED_HOLD = key("segment.elevated-hold")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("Least time in ELEVATED, and with pressure below its exit level, before stepping down: "
                    + "a signal oscillating around a level changes the mode at most twice per hold.");

    public static final ConfigOption<Duration> SEGMENT_CLAMPED_HOLD = key("segment.clamped-hold")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("Least time in CLAMPED, and with pressure below its exit level, before stepping down. "
                    + "Recovery after an attack takes both holds (60 s) plus the few intervals the smoothed figures "
                    + "need to fall.");

    public static final ConfigOption<Double> SEGMENT_MAX_FACTOR_STEP = key("segment.max-factor-step")
            .doubleType().defaultValue(0.1)
            .withDescription("Largest change of the tightening factor per interval: a flood reaches the factor floor "
                    + "(0.5) in five intervals, and one odd interval moves thresholds by at most 10 %.");

    public static final ConfigOption<Duration> SEGMENT_RECOVERY_HALF_LIFE = key("segment.recovery-half-life")
            .durationType().defaultValue(Duration.ofSeconds(15))
            .withDescription("Half-life of the tightening factor's recovery towards its target when pressure falls: "
                    + "thresholds loosen gradually, not at once.");

    public static final ConfigOption<Double> SEGMENT_CAP_MULTIPLE = key("segment.cap-multiple")
            .doubleType().defaultValue(2.0)
            .withDescription("While CLAMPED, a segment may make this multiple of its baseline volume: its real users "
                    + "keep working while most of a flood is dropped.");

    public static final ConfigOption<Double> SEGMENT_CAP_FLOOR_RPS = key("segment.cap-floor-rps")
            .doubleType().defaultValue(10.0)
            .withDescription("The CLAMPED cap in requests per second is never below this, so a small segment is not "
                    + "cut off by a cap derived from its tiny baseline.");

    public static final ConfigOption<Double> SEGMENT_UPDATE_STEP = key("segment.update-step")
            .doubleType().defaultValue(0.05)
            .withDescription("A segment update is emitted when a threshold or the cap moved by more than this share "
                    + "of its last emitted value (mode changes always are): enforcement sees every real change "
                    + "without an update per interval.");

    public static final ConfigOption<Double> SEGMENT_BLAST_RADIUS_SHARE = key("segment.blast-radius-share")
            .doubleType().defaultValue(0.1)
            .withDescription("At most this share of a segment's active identities may be quarantined at once; "
                    + "beyond it callers are rate-limited instead, so a detector bug or a bad policy cannot lock "
                    + "out a whole segment (the segment cap is the tool for that).");

    public static final ConfigOption<Integer> SEGMENT_BLAST_RADIUS_MIN_COUNT = key("segment.blast-radius-min-count")
            .intType().defaultValue(5)
            .withDescription("Identities a segment may always have quarantined, whatever segment.blast-radius-share "
                    + "allows: small segments can still quarantine a few attackers.");

    public static final ConfigOption<Double> SEGMENT_FEEDBACK_STEP = key("segment.feedback-step")
            .doubleType().defaultValue(0.1)
            .withDescription("A reported false positive raises its segment's tightening factor by this much (up to "
                    + "its ceiling): one step of segment.max-factor-step.");

    public static final ConfigOption<Duration> SEGMENT_FEEDBACK_HOLD = key("segment.feedback-hold")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("After a false positive the segment does not tighten below the raised factor for this "
                    + "long, so the next interval's pressure does not undo the feedback.");

    public static final ConfigOption<Duration> SEGMENT_FALSE_POSITIVE_EXEMPTION = key("segment.false-positive-exemption")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("How long an identity reported as a false positive is exempt from decisions.");

    // Threshold bounds: keys are the policy document's paths (thresholds.<threshold>.min), so a
    // policy's thresholds section reads as an override of these.

    public static final ConfigOption<Double> THRESHOLDS_RATE_LIMIT_SCORE_MIN = key("thresholds.rate_limit_score.min")
            .doubleType().defaultValue(2.0)
            .withDescription("Lowest rate-limit score a segment may tighten to: the scoring.noise-gate level, below "
                    + "which deviations are noise.");

    public static final ConfigOption<Double> THRESHOLDS_RATE_LIMIT_SCORE_MAX = key("thresholds.rate_limit_score.max")
            .doubleType().defaultValue(8.0)
            .withDescription("Highest rate-limit score: decision.rate-limit-score and policy overrides must lie in "
                    + "these bounds. Must stay below thresholds.quarantine_score.max.");

    public static final ConfigOption<Double> THRESHOLDS_QUARANTINE_SCORE_MIN = key("thresholds.quarantine_score.min")
            .doubleType().defaultValue(6.0)
            .withDescription("Lowest quarantine score a segment may tighten to: even under attack a quarantine needs "
                    + "clearly more evidence than a rate limit.");

    public static final ConfigOption<Double> THRESHOLDS_QUARANTINE_SCORE_MAX = key("thresholds.quarantine_score.max")
            .doubleType().defaultValue(20.0)
            .withDescription("Highest quarantine score (for decision.quarantine-score and policy overrides).");

    public static final ConfigOption<Double> THRESHOLDS_LIMIT_MULTIPLIER_MIN = key("thresholds.limit_multiplier.min")
            .doubleType().defaultValue(1.0)
            .withDescription("Lowest limit multiplier a segment may tighten to: 1 keeps a rate limit at or above the "
                    + "identity's own typical rate.");

    public static final ConfigOption<Double> THRESHOLDS_LIMIT_MULTIPLIER_MAX = key("thresholds.limit_multiplier.max")
            .doubleType().defaultValue(10.0)
            .withDescription("Highest limit multiplier (for decision.limit-multiplier and policy overrides).");

    public static final ConfigOption<Double> THRESHOLDS_MIN_LIMIT_RPS_MIN = key("thresholds.min_limit_rps.min")
            .doubleType().defaultValue(0.5)
            .withDescription("Lowest minimum rate limit, in requests per second, a segment may tighten to.");

    public static final ConfigOption<Double> THRESHOLDS_MIN_LIMIT_RPS_MAX = key("thresholds.min_limit_rps.max")
            .doubleType().defaultValue(100.0)
            .withDescription("Highest minimum rate limit (for decision.min-limit-rps and policy overrides).");

    public static final ConfigOption<Double> THRESHOLDS_TIGHTENING_FACTOR_MIN = key("thresholds.tightening_factor.min")
            .doubleType().defaultValue(0.5)
            .withDescription("Floor of the tightening factor all thresholds are multiplied by, reached while "
                    + "CLAMPED: 0.5 at most halves them.");

    public static final ConfigOption<Double> THRESHOLDS_TIGHTENING_FACTOR_MAX = key("thresholds.tightening_factor.max")
            .doubleType().defaultValue(1.0)
            .withDescription("Ceiling of the tightening factor, aimed at while NORMAL: 1 leaves thresholds at their "
                    + "base values.");

    // ---- Behaviour patterns ------------------------------------------------------------------

    public static final ConfigOption<Integer> CEP_BURST_INTERVALS = key("cep.burst-intervals")
            .intType().defaultValue(3)
            .withDescription("One-second intervals over an identity's rate limit that make a burst: one is a page "
                    + "load, three within cep.burst-within are sustained. They need not be consecutive.");

    public static final ConfigOption<Duration> CEP_BURST_WITHIN = key("cep.burst-within")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Window of the burst pattern (first to last interval start); at most 10 min, as every "
                    + "cep window bounds the partial matches kept per identity.");

    public static final ConfigOption<Double> CEP_BURST_MIN_RPS = key("cep.burst-min-rps")
            .doubleType().defaultValue(20.0)
            .withDescription("Lowest per-identity rate (requests/s) an interval is over the limit at, before the "
                    + "segment's tightening factor (10 in a fully clamped segment by default): ordinary browsing "
                    + "reaches 15-21 requests in its busiest second, so slower seconds say nothing about abuse.");

    public static final ConfigOption<Double> CEP_SPIKE_FACTOR = key("cep.spike-factor")
            .doubleType().defaultValue(10.0)
            .withDescription("One interval at this multiple of the rate limit is a spike, which no page load "
                    + "produces: it fires at once instead of waiting for a burst. Used when a summary carries no "
                    + "spike limit of its own.");

    public static final ConfigOption<Duration> CEP_SCAN_WITHIN = key("cep.scan-within")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("Window of the scan pattern: a scanner crawling at 0.7 req/s, far below any rate limit, "
                    + "still collects cep.scan-distinct-paths failing new paths in under a minute. Also how long "
                    + "after an identity's latest failed new-path probe its new paths are passed to the patterns at all.");

    public static final ConfigOption<Integer> CEP_SCAN_MIN_INTERVALS = key("cep.scan-min-intervals")
            .intType().defaultValue(3)
            .withDescription("Least intervals with new paths in a scan: one noisy second is not a scan.");

    public static final ConfigOption<Integer> CEP_SCAN_DISTINCT_PATHS = key("cep.scan-distinct-paths")
            .intType().defaultValue(20)
            .withDescription("New paths a scan must reach in total (CrowdSec's http-probing, made rate-independent). "
                    + "Used when a summary carries no cut-off of its own.");

    public static final ConfigOption<Double> CEP_SCAN_FAILURE_SHARE = key("cep.scan-failure-share")
            .doubleType().defaultValue(0.6)
            .withDescription("Least share of a scan's requests answered 404/403/400 on non-static paths: a crawler "
                    + "whose new paths succeed is not a scanner.");

    public static final ConfigOption<Integer> CEP_SENSITIVE_HITS = key("cep.sensitive-hits")
            .intType().defaultValue(4)
            .withDescription("Hits on sensitive paths within cep.sensitive-within that make a prober, like "
                    + "CrowdSec's http-sensitive-files (capacity 4).");

    public static final ConfigOption<Duration> CEP_SENSITIVE_WITHIN = key("cep.sensitive-within")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("Window of sensitive probing: unlike a leaky bucket, a slow prober does not leak away "
                    + "within it.");

    // ---- Decisions from patterns -------------------------------------------------------------

    public static final ConfigOption<String> ARBITER_BURST_ACTION = key("arbiter.burst-action")
            .stringType().defaultValue("RATE_LIMIT")
            .withDescription("What a burst match does to the identity (RATE_LIMIT or QUARANTINE): a burst may be a "
                    + "legitimate retry storm, so it is slowed down, not shut out.");

    public static final ConfigOption<String> ARBITER_SPIKE_ACTION = key("arbiter.spike-action")
            .stringType().defaultValue("RATE_LIMIT")
            .withDescription("What a spike match does (RATE_LIMIT or QUARANTINE).");

    public static final ConfigOption<String> ARBITER_SCAN_ACTION = key("arbiter.scan-action")
            .stringType().defaultValue("QUARANTINE")
            .withDescription("What a scan match does (RATE_LIMIT or QUARANTINE): a path scan has no legitimate "
                    + "reading.");

    public static final ConfigOption<String> ARBITER_SENSITIVE_PROBE_ACTION = key("arbiter.sensitive-probe-action")
            .stringType().defaultValue("QUARANTINE")
            .withDescription("What a sensitive-probe match does (RATE_LIMIT or QUARANTINE).");

    public static final ConfigOption<Duration> ARBITER_RATE_LIMIT_HOLD = key("arbiter.rate-limit-hold")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("How long a pattern's rate limit holds after its last matched interval: a burst every "
                    + "few minutes stays limited, a one-off retry storm is soon forgotten. Pattern quarantines hold "
                    + "for decision.quarantine-ttl.");

    public static final ConfigOption<Duration> ARBITER_RECHECK = key("arbiter.recheck")
            .durationType().defaultValue(Duration.ofSeconds(60))
            .withDescription("A held identity is looked at again at least this often, which bounds how late the "
                    + "expiry of a manual override is noticed.");

    public static final ConfigOption<Duration> ARBITER_SCORE_RATE_LIMIT_LAPSE = key("arbiter.score-rate-limit-lapse")
            .durationType().defaultValue(Duration.ofHours(24))
            .withDescription("A score-based rate limit without news for this long is presumed stale and lapses "
                    + "(the detector forgets idle identities without releasing them); 0 keeps it until released.");

    // ---- Policy ------------------------------------------------------------------------------

    public static final ConfigOption<String> POLICY_INITIAL = key("policy.initial")
            .stringType().noDefaultValue()
            .withDescription("Path of a policy JSON file loaded at start. Without it the job starts from the "
                    + "configured thresholds and no allowlist.");

    public static final ConfigOption<String> POLICY_CONTROL_DIR = key("policy.control-dir")
            .stringType().noDefaultValue()
            .withDescription("Directory watched at run time for control files: JSON lines, each a policy document or "
                    + "a false-positive report. Without it the policy only changes with a restart.");

    public static final ConfigOption<Duration> POLICY_CONTROL_POLL_INTERVAL = key("policy.control-poll-interval")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("How often policy.control-dir is scanned for new files: an operator's change takes "
                    + "effect within seconds at the cost of one directory listing per interval.");

    /** All options declared above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        return DeclaredOptions.of(MeshGuardOptions.class);
    }

    /**
     * {@link #all()} split into the README's tables: each heading takes the options from the one it
     * names here up to the next heading's, as they are grouped above.
     */
    public static Map<String, List<ConfigOption<?>>> sections() {
        Map<ConfigOption<?>, String> headings = Map.of(
                WATERMARK_OUT_OF_ORDERNESS, "Detection (local runner and cluster job)",
                SEGMENT_ADAPTIVE, "Adaptive segment thresholds (local runner and cluster job)",
                ARBITER_BURST_ACTION, "Decisions from patterns (local runner and cluster job)",
                CEP_BURST_INTERVALS, "Behaviour patterns (local runner and cluster job)",
                POLICY_INITIAL, "Policy and control (local runner and cluster job)");
        Map<String, List<ConfigOption<?>>> sections = new LinkedHashMap<>();
        List<ConfigOption<?>> current = null;
        for (ConfigOption<?> option : all()) {
            String heading = headings.get(option);
            if (heading != null) {
                current = new ArrayList<>();
                sections.put(heading, current);
            }
            if (current == null) {
                throw new IllegalStateException(option.key() + " is declared before the first README section");
            }
            current.add(option);
        }
        return sections;
    }
}
