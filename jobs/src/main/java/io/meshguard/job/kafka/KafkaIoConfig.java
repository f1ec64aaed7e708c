package io.meshguard.job.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Everything the Kafka source and sinks need, parsed once from flat string settings (a {@code
 * Map} or {@code Properties}) into an immutable, serializable value. The keys are the constants
 * below; any key under {@value #CLIENT_PREFIX} is handed to the Kafka clients with the prefix
 * removed ({@code kafka.security.protocol=SASL_SSL}, {@code kafka.sasl.jaas.config=...}), so
 * secured clusters need no code. {@value #CONSUMER_PREFIX} and {@value #PRODUCER_PREFIX} narrow a
 * property to the consumers or the producers.
 *
 * <p>Typed {@code ConfigOption}s for these keys are declared with the job's other options; this
 * class only reads the values.
 */
public final class KafkaIoConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    /** Comma-separated telemetry topics; exclusive with {@link #TELEMETRY_TOPIC_PATTERN}. */
    public static final String TELEMETRY_TOPICS = "telemetry.topics";
    /** A Java regex; topics created later that match are picked up by partition discovery. */
    public static final String TELEMETRY_TOPIC_PATTERN = "telemetry.topic-pattern";
    public static final String GROUP_ID = "group-id";
    /** {@code committed-or-earliest} (default), {@code earliest}, {@code latest}, {@code timestamp:<ms or ISO instant>}. */
    public static final String STARTING_OFFSETS = "starting-offsets";
    /** Policies and false-positive reports; empty for no control topic. */
    public static final String CONTROL_TOPIC = "control.topic";
    public static final String DEAD_LETTER_TOPIC = "dead-letters.topic";
    /** Compacted: one live entry per {@code identity:...} / {@code segment:...} key. */
    public static final String ENFORCEMENT_TOPIC = "enforcement.topic";
    public static final String AUDIT_TOPIC = "audit.topic";
    /** {@code exactly-once} (default; needs checkpointing, else at-least-once), {@code at-least-once}, {@code none}. */
    public static final String DELIVERY_GUARANTEE = "delivery-guarantee";
    /** Prefix of the sinks' transactional ids; must be unique per job on a cluster. */
    public static final String TRANSACTIONAL_ID_PREFIX = "transactional-id-prefix";
    public static final String WATERMARK_OUT_OF_ORDERNESS = "watermark.out-of-orderness";
    public static final String WATERMARK_IDLENESS = "watermark.idleness";

    public static final String CLIENT_PREFIX = "kafka.";
    public static final String CONSUMER_PREFIX = "kafka.consumer.";
    public static final String PRODUCER_PREFIX = "kafka.producer.";

    public static final String DEFAULT_TELEMETRY_TOPIC = "meshguard-telemetry";
    public static final String DEFAULT_GROUP_ID = "meshguard";
    public static final String DEFAULT_CONTROL_TOPIC = "meshguard-control";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "meshguard-dead-letters";
    public static final String DEFAULT_ENFORCEMENT_TOPIC = "meshguard-enforcement";
    public static final String DEFAULT_AUDIT_TOPIC = "meshguard-audit";
    public static final String DEFAULT_TRANSACTIONAL_ID_PREFIX = "meshguard";
    public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    public static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(30);

    private static final Set<String> KNOWN_KEYS = Set.of(
            BOOTSTRAP_SERVERS, TELEMETRY_TOPICS, TELEMETRY_TOPIC_PATTERN, GROUP_ID, STARTING_OFFSETS,
            CONTROL_TOPIC, DEAD_LETTER_TOPIC, ENFORCEMENT_TOPIC, AUDIT_TOPIC, DELIVERY_GUARANTEE,
            TRANSACTIONAL_ID_PREFIX, WATERMARK_OUT_OF_ORDERNESS, WATERMARK_IDLENESS);

    /** Where reading starts when the job has no checkpoint to resume from. */
    public enum StartingOffsets {
        /** The group's committed offsets; partitions without one from the earliest. */
        COMMITTED_OR_EARLIEST,
        EARLIEST,
        LATEST,
        /** The first record at or after {@link #startingTimestampMillis()}. */
        TIMESTAMP
    }

    private final String bootstrapServers;
    private final List<String> telemetryTopics;
    private final String telemetryTopicPattern;
    private final String groupId;
    private final StartingOffsets startingOffsets;
    private final long startingTimestampMillis;
    private final String controlTopic;
    private final String deadLetterTopic;
    private final String enforcementTopic;
    private final String auditTopic;
    private final DeliveryGuarantee deliveryGuarantee;
    private final String transactionalIdPrefix;
    private final Duration watermarkOutOfOrderness;
    private final Duration watermarkIdleness;
    private final Map<String, String> consumerProperties;
    private final Map<String, String> producerProperties;

    private KafkaIoConfig(Map<String, String> s) {
        Set<String> unknown = new TreeSet<>();
        for (String key : s.keySet()) {
            if (!KNOWN_KEYS.contains(key) && !key.startsWith(CLIENT_PREFIX)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            // A typo ("bootstrap.servers") would otherwise silently fall back to a default.
            throw new IllegalArgumentException("unknown Kafka I/O settings " + unknown
                    + "; client properties go under '" + CLIENT_PREFIX + "'");
        }
        bootstrapServers = required(s, BOOTSTRAP_SERVERS);
        String topics = s.get(TELEMETRY_TOPICS);
        String pattern = blankToNull(s.get(TELEMETRY_TOPIC_PATTERN));
        if (pattern != null && !isBlank(topics)) {
            throw new IllegalArgumentException(
                    "set either " + TELEMETRY_TOPICS + " or " + TELEMETRY_TOPIC_PATTERN + ", not both");
        }
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(TELEMETRY_TOPIC_PATTERN + ": " + e.getDescription(), e);
            }
            telemetryTopics = List.of();
        } else {
            telemetryTopics = isBlank(topics) ? List.of(DEFAULT_TELEMETRY_TOPIC) : splitList(topics);
        }
        telemetryTopicPattern = pattern;
        groupId = orDefault(s, GROUP_ID, DEFAULT_GROUP_ID);
        String offsets = orDefault(s, STARTING_OFFSETS, "committed-or-earliest").toLowerCase(Locale.ROOT);
        if (offsets.startsWith("timestamp:")) {
            startingOffsets = StartingOffsets.TIMESTAMP;
            startingTimestampMillis = parseTimestamp(offsets.substring("timestamp:".length()).strip());
        } else {
            startingTimestampMillis = -1;
            startingOffsets = switch (offsets) {
                case "committed-or-earliest", "committed" -> StartingOffsets.COMMITTED_OR_EARLIEST;
                case "earliest" -> StartingOffsets.EARLIEST;
                case "latest" -> StartingOffsets.LATEST;
                default -> throw new IllegalArgumentException(STARTING_OFFSETS + ": '" + offsets
                        + "' is none of committed-or-earliest, earliest, latest, timestamp:<ms or ISO instant>");
            };
        }
        controlTopic = s.containsKey(CONTROL_TOPIC) ? s.get(CONTROL_TOPIC).strip() : DEFAULT_CONTROL_TOPIC;
        deadLetterTopic = orDefault(s, DEAD_LETTER_TOPIC, DEFAULT_DEAD_LETTER_TOPIC);
        enforcementTopic = orDefault(s, ENFORCEMENT_TOPIC, DEFAULT_ENFORCEMENT_TOPIC);
        auditTopic = orDefault(s, AUDIT_TOPIC, DEFAULT_AUDIT_TOPIC);
        String guarantee = orDefault(s, DELIVERY_GUARANTEE, "exactly-once").toLowerCase(Locale.ROOT);
        deliveryGuarantee = switch (guarantee.replace('_', '-')) {
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            case "none" -> DeliveryGuarantee.NONE;
            default -> throw new IllegalArgumentException(
                    DELIVERY_GUARANTEE + ": '" + guarantee + "' is none of exactly-once, at-least-once, none");
        };
        transactionalIdPrefix = orDefault(s, TRANSACTIONAL_ID_PREFIX, DEFAULT_TRANSACTIONAL_ID_PREFIX);
        watermarkOutOfOrderness = duration(s, WATERMARK_OUT_OF_ORDERNESS, DEFAULT_OUT_OF_ORDERNESS);
        watermarkIdleness = duration(s, WATERMARK_IDLENESS, DEFAULT_IDLENESS);
        if (watermarkIdleness.isZero()) {
            throw new IllegalArgumentException(WATERMARK_IDLENESS + " must be positive");
        }

        Map<String, String> common = new LinkedHashMap<>();
        Map<String, String> consumer = new LinkedHashMap<>();
        Map<String, String> producer = new LinkedHashMap<>();
        s.forEach((key, value) -> {
            if (key.startsWith(CONSUMER_PREFIX)) {
                consumer.put(key.substring(CONSUMER_PREFIX.length()), value);
            } else if (key.startsWith(PRODUCER_PREFIX)) {
                producer.put(key.substring(PRODUCER_PREFIX.length()), value);
            } else if (key.startsWith(CLIENT_PREFIX)) {
                common.put(key.substring(CLIENT_PREFIX.length()), value);
            }
        });
        consumerProperties = merged(common, consumer);
        producerProperties = merged(common, producer);
    }

    /** Reads the settings; throws {@link IllegalArgumentException} naming the first bad one. */
    public static KafkaIoConfig from(Map<String, String> settings) {
        return new KafkaIoConfig(new LinkedHashMap<>(settings));
    }

    public static KafkaIoConfig from(Properties settings) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : settings.stringPropertyNames()) {
            map.put(name, settings.getProperty(name));
        }
        return new KafkaIoConfig(map);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Empty when a {@link #telemetryTopicPattern()} is set. */
    public List<String> telemetryTopics() {
        return telemetryTopics;
    }

    /** Null when {@link #telemetryTopics()} are named. */
    public Pattern telemetryTopicPattern() {
        return telemetryTopicPattern == null ? null : Pattern.compile(telemetryTopicPattern);
    }

    public String groupId() {
        return groupId;
    }

    public StartingOffsets startingOffsets() {
        return startingOffsets;
    }

    /** For {@link StartingOffsets#TIMESTAMP}; -1 otherwise. */
    public long startingTimestampMillis() {
        return startingTimestampMillis;
    }

    /** The connector's initializer for {@link #startingOffsets()}. */
    public OffsetsInitializer startingOffsetsInitializer() {
        return switch (startingOffsets) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(startingTimestampMillis);
        };
    }

    /** Empty when the job reads no control topic. */
    public String controlTopic() {
        return controlTopic;
    }

    public boolean hasControlTopic() {
        return !controlTopic.isEmpty();
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    public String enforcementTopic() {
        return enforcementTopic;
    }

    public String auditTopic() {
        return auditTopic;
    }

    /** As configured; see {@link KafkaSinks#effectiveGuarantee} for what a job without checkpoints gets. */
    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    public Duration watermarkOutOfOrderness() {
        return watermarkOutOfOrderness;
    }

    public Duration watermarkIdleness() {
        return watermarkIdleness;
    }

    /** Client properties for consumers (common {@code kafka.*} plus {@code kafka.consumer.*}). */
    public Properties consumerProperties() {
        Properties p = new Properties();
        p.putAll(consumerProperties);
        return p;
    }

    /** Client properties for producers (common {@code kafka.*} plus {@code kafka.producer.*}). */
    public Properties producerProperties() {
        Properties p = new Properties();
        p.putAll(producerProperties);
        return p;
    }

    /** Client property names only: their values may hold credentials. */
    @Override
    public String toString() {
        return "KafkaIoConfig{bootstrap=" + bootstrapServers
                + ", telemetry=" + (telemetryTopicPattern != null ? "/" + telemetryTopicPattern + "/" : telemetryTopics)
                + ", group=" + groupId
                + ", start=" + startingOffsets + (startingTimestampMillis >= 0 ? "@" + startingTimestampMillis : "")
                + ", control=" + controlTopic
                + ", deadLetters=" + deadLetterTopic
                + ", enforcement=" + enforcementTopic
                + ", audit=" + auditTopic
                + ", guarantee=" + deliveryGuarantee
                + ", txPrefix=" + transactionalIdPrefix
                + ", outOfOrderness=" + watermarkOutOfOrderness
                + ", idleness=" + watermarkIdleness
                + ", consumerProperties=" + consumerProperties.keySet()
                + ", producerProperties=" + producerProperties.keySet() + "}";
    }

    private static Map<String, String> merged(Map<String, String> common, Map<String, String> specific) {
        Map<String, String> all = new LinkedHashMap<>(common);
        all.putAll(specific);
        return Collections.unmodifiableMap(all);
    }

    private static String required(Map<String, String> s, String key) {
        String value = blankToNull(s.get(key));
        if (value == null) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value;
    }

    private static String orDefault(Map<String, String> s, String key, String fallback) {
        String value = blankToNull(s.get(key));
        return value == null ? fallback : value;
    }

    private static Duration duration(Map<String, String> s, String key, Duration fallback) {
        String value = blankToNull(s.get(key));
        if (value == null) {
            return fallback;
        }
        Duration d = parseDuration(value);
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a duration (e.g. 500ms, 2s, 1min, PT2S)");
        }
        return d;
    }

    /** {@code 500ms}, {@code 2s}, {@code 2 s}, {@code 1min}, {@code 1h}, plain milliseconds, or ISO-8601. */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            int unitAt = 0;
            while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
                unitAt++;
            }
            if (unitAt == 0) {
                return null;
            }
            long amount = Long.parseLong(t.substring(0, unitAt));
            return switch (t.substring(unitAt).strip()) {
                case "", "ms" -> Duration.ofMillis(amount);
                case "s", "sec" -> Duration.ofSeconds(amount);
                case "min", "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> null;
            };
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    private static long parseTimestamp(String text) {
        try {
            return text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                    ? Long.parseLong(text)
                    : Instant.parse(text.toUpperCase(Locale.ROOT)).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    STARTING_OFFSETS + ": timestamp '" + text + "' is neither epoch milliseconds nor an ISO instant", e);
        }
    }

    private static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return List.copyOf(items);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return isBlank(s) ? null : s.strip();
    }
}
