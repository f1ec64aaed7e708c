package io.meshguard.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every user-facing setting of meshguard, declared once with its default and description. The
 * README's configuration table is generated from this class ({@link OptionsDoc}).
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

    /** All options declared above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        return DeclaredOptions.of(MeshGuardOptions.class);
    }
}
