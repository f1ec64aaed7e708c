package io.meshguard.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.meshguard.job.kafka.KafkaIoConfig;
import io.meshguard.job.sinks.redis.RedisStoreConfig;
import io.meshguard.store.RedisEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Options of production I/O: which outputs a run writes ({@link #SINK}), the Kafka topics and
 * clients ({@code kafka.*}) and the Redis enforcement store ({@code redis.*}). {@link #kafka} and
 * {@link #redis} read them into the connectors' own config objects, so the keys of those objects
 * are spelled in one place.
 */
public final class IoOptions {
    private IoOptions() {}

    /** The outputs {@link #SINK} can name. */
    public enum Sink {
        FILES, REDIS, KAFKA;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final ConfigOption<String> SINK = key("sink")
            .stringType().defaultValue("files")
            .withDescription("Where results go, comma-separated: 'files' (JSON lines in the out directory), "
                    + "'redis' (identity decisions and segment updates to the enforcement store, redis.*), "
                    + "'kafka' (the same entries to the compacted enforcement topic, audit lines and dead letters "
                    + "to their topics, kafka.*). Several may be combined, e.g. 'redis,kafka'.");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS = key("kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka brokers (host:port, comma-separated); required by --source kafka and --sink kafka.");

    public static final ConfigOption<String> KAFKA_TELEMETRY_TOPICS = key("kafka.telemetry.topics")
            .stringType().defaultValue(KafkaIoConfig.DEFAULT_TELEMETRY_TOPIC)
            .withDescription("Telemetry topics, comma-separated (ignored when kafka.telemetry.topic-pattern is set).");

    public static final ConfigOption<String> KAFKA_TELEMETRY_TOPIC_PATTERN = key("kafka.telemetry.topic-pattern")
            .stringType().noDefaultValue()
            .withDescription("A Java regex of telemetry topics, instead of kafka.telemetry.topics; topics created "
                    + "later that match are picked up.");

    public static final ConfigOption<String> KAFKA_GROUP_ID = key("kafka.group-id")
            .stringType().defaultValue(KafkaIoConfig.DEFAULT_GROUP_ID)
            .withDescription("Consumer group of the telemetry and control readers (offsets are committed on "
                    + "checkpoints, for monitoring; a restore uses the checkpoint's own offsets).");

    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS = key("kafka.starting-offsets")
            .stringType().defaultValue("committed-or-earliest")
            .withDescription("Where a job without a checkpoint starts reading telemetry: committed-or-earliest, "
                    + "earliest, latest, or timestamp:<epoch ms or ISO instant>.");

    public static final ConfigOption<String> KAFKA_CONTROL_TOPIC = key("kafka.control.topic")
            .stringType().noDefaultValue()
            .withDescription("Topic of policy documents and false-positive reports (one JSON document per record), "
                    + "read from its start, with any source; when set it takes the place of policy.control-dir. "
                    + "Needs kafka.bootstrap-servers.");

    public static final ConfigOption<String> KAFKA_DEAD_LETTERS_TOPIC = key("kafka.dead-letters.topic")
            .stringType().defaultValue(KafkaIoConfig.DEFAULT_DEAD_LETTER_TOPIC)
            .withDescription("Topic of rejected records (raw text, reason, origin topic/partition@offset).");

    public static final ConfigOption<String> KAFKA_ENFORCEMENT_TOPIC = key("kafka.enforcement.topic")
            .stringType().defaultValue(KafkaIoConfig.DEFAULT_ENFORCEMENT_TOPIC)
            .withDescription("Compacted topic of enforcement entries, keyed identity:<id> / segment:<id>; a "
                    + "released identity is a tombstone. Create it with cleanup.policy=compact.");

    public static final ConfigOption<String> KAFKA_AUDIT_TOPIC = key("kafka.audit.topic")
            .stringType().defaultValue(KafkaIoConfig.DEFAULT_AUDIT_TOPIC)
            .withDescription("Topic of the audit lines (every decision with its explanation, policy verdicts).");

    public static final ConfigOption<String> KAFKA_DELIVERY_GUARANTEE = key("kafka.delivery-guarantee")
            .stringType().defaultValue("exactly-once")
            .withDescription("exactly-once (Kafka transactions committed with each checkpoint; readers use "
                    + "isolation.level=read_committed), at-least-once or none.");

    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX = key("kafka.transactional-id-prefix")
            .stringType().defaultValue(KafkaIoConfig.DEFAULT_TRANSACTIONAL_ID_PREFIX)
            .withDescription("Prefix of the sinks' transactional ids; must be unique per job on a Kafka cluster.");

    public static final ConfigOption<Duration> KAFKA_WATERMARK_OUT_OF_ORDERNESS = key("kafka.watermark.out-of-orderness")
            .durationType().defaultValue(KafkaIoConfig.DEFAULT_OUT_OF_ORDERNESS)
            .withFallbackKeys(MeshGuardOptions.WATERMARK_OUT_OF_ORDERNESS.key())
            .withDescription("How late a request may arrive within its partition and still count as in order. "
                    + "Kafka telemetry keeps the source's per-partition event time, so this replaces "
                    + "watermark.out-of-orderness (used when this is not set).");

    public static final ConfigOption<Duration> KAFKA_WATERMARK_IDLENESS = key("kafka.watermark.idleness")
            .durationType().defaultValue(KafkaIoConfig.DEFAULT_IDLENESS)
            .withFallbackKeys(MeshGuardOptions.WATERMARK_IDLENESS.key())
            .withDescription("A telemetry partition without records for this long stops holding back event "
                    + "time; replaces watermark.idleness (used when this is not set).");

    public static final ConfigOption<Map<String, String>> KAFKA_CLIENT = key("kafka.client")
            .mapType().defaultValue(Map.of())
            .withDescription("Kafka client properties, one per key: kafka.client.<property> (e.g. "
                    + "kafka.client.security.protocol: SSL, kafka.client.sasl.jaas.config: ...); "
                    + "kafka.client.consumer.<property> and kafka.client.producer.<property> apply to one side only.");

    public static final ConfigOption<String> REDIS_URI = key("redis.uri")
            .stringType().defaultValue("redis://localhost:6379")
            .withDescription("The enforcement store: redis://host:port[/db] or rediss://... for TLS.");

    public static final ConfigOption<Integer> REDIS_DATABASE = key("redis.database")
            .intType().noDefaultValue()
            .withDescription("Database number; without it the URI's, else 0.");

    public static final ConfigOption<String> REDIS_USER = key("redis.user")
            .stringType().noDefaultValue()
            .withDescription("ACL user (AUTH user password); needs redis.password.");

    public static final ConfigOption<String> REDIS_PASSWORD = key("redis.password")
            .stringType().noDefaultValue()
            .withDescription("Password (AUTH password, or with redis.user). The local runner masks it in the web UI.");

    public static final ConfigOption<Boolean> REDIS_TLS = key("redis.tls")
            .booleanType().noDefaultValue()
            .withDescription("TLS on or off; without it the URI's scheme decides (rediss:// is TLS).");

    public static final ConfigOption<String> REDIS_KEY_PREFIX = key("redis.key-prefix")
            .stringType().defaultValue(RedisStoreConfig.DEFAULT_KEY_PREFIX)
            .withDescription("Prefix of every key meshguard writes (mg:identity:<id>, mg:segment:<id>).");

    public static final ConfigOption<String> REDIS_CHANNEL = key("redis.channel")
            .stringType().defaultValue(RedisStoreConfig.DEFAULT_CHANNEL)
            .withDescription("Pub/sub channel on which every accepted write publishes its key, so enforcers "
                    + "refresh their caches within a second.");

    public static final ConfigOption<Duration> REDIS_RELEASE_RETENTION = key("redis.release-retention")
            .durationType().defaultValue(RedisStoreConfig.DEFAULT_RELEASE_RETENTION)
            .withDescription("How long a released identity keeps its entry (and version), so a replayed older "
                    + "decision cannot come back.");

    public static final ConfigOption<Integer> REDIS_MAX_BATCH_SIZE = key("redis.max-batch-size")
            .intType().defaultValue(200)
            .withDescription("Entries written per Redis round trip (pipelined).");

    public static final ConfigOption<Integer> REDIS_MAX_IN_FLIGHT = key("redis.max-in-flight")
            .intType().defaultValue(8)
            .withDescription("Batches in flight per sink subtask; beyond it (and a full buffer) the job is "
                    + "backpressured rather than dropping entries.");

    public static final ConfigOption<Duration> REDIS_REQUEST_TIMEOUT = key("redis.request-timeout")
            .durationType().defaultValue(Duration.ofSeconds(2))
            .withDescription("Timeout of each Redis command (and connect); a timed-out batch is retried with backoff.");

    /** All options declared above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        return DeclaredOptions.of(IoOptions.class);
    }

    /** The sinks named by {@link #SINK}, in the order given, each once. */
    public static List<Sink> sinks(ReadableConfig config) {
        List<Sink> sinks = new ArrayList<>();
        for (String name : config.get(SINK).split(",")) {
            String wire = name.strip().toLowerCase(Locale.ROOT);
            if (wire.isEmpty()) {
                continue;
            }
            Sink sink = null;
            for (Sink s : Sink.values()) {
                if (s.wireName().equals(wire)) {
                    sink = s;
                }
            }
            if (sink == null) {
                throw new IllegalArgumentException(SINK.key() + ": unknown sink '" + name.strip()
                        + "'; use files, redis or kafka (comma-separated)");
            }
            if (!sinks.contains(sink)) {
                sinks.add(sink);
            }
        }
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException(SINK.key() + ": name at least one of files, redis, kafka");
        }
        return List.copyOf(sinks);
    }

    /**
     * The Kafka settings: {@code kafka.<key>} becomes the {@link KafkaIoConfig} key {@code <key>},
     * {@code kafka.client.<property>} the client property {@code kafka.<property>}. Throws {@link
     * IllegalArgumentException} naming the option when one is missing or bad.
     */
    public static KafkaIoConfig kafka(ReadableConfig config) {
        if (config.getOptional(KAFKA_BOOTSTRAP_SERVERS).map(String::isBlank).orElse(true)) {
            throw new IllegalArgumentException(KAFKA_BOOTSTRAP_SERVERS.key() + " is required for Kafka input or output");
        }
        Map<String, String> s = new LinkedHashMap<>();
        s.put(KafkaIoConfig.BOOTSTRAP_SERVERS, config.get(KAFKA_BOOTSTRAP_SERVERS));
        config.getOptional(KAFKA_TELEMETRY_TOPIC_PATTERN).ifPresentOrElse(
                pattern -> s.put(KafkaIoConfig.TELEMETRY_TOPIC_PATTERN, pattern),
                () -> s.put(KafkaIoConfig.TELEMETRY_TOPICS, config.get(KAFKA_TELEMETRY_TOPICS)));
        s.put(KafkaIoConfig.GROUP_ID, config.get(KAFKA_GROUP_ID));
        s.put(KafkaIoConfig.STARTING_OFFSETS, config.get(KAFKA_STARTING_OFFSETS));
        // Empty means "no control topic" to KafkaIoConfig; absent would mean its default topic.
        s.put(KafkaIoConfig.CONTROL_TOPIC, config.getOptional(KAFKA_CONTROL_TOPIC).orElse(""));
        s.put(KafkaIoConfig.DEAD_LETTER_TOPIC, config.get(KAFKA_DEAD_LETTERS_TOPIC));
        s.put(KafkaIoConfig.ENFORCEMENT_TOPIC, config.get(KAFKA_ENFORCEMENT_TOPIC));
        s.put(KafkaIoConfig.AUDIT_TOPIC, config.get(KAFKA_AUDIT_TOPIC));
        s.put(KafkaIoConfig.DELIVERY_GUARANTEE, config.get(KAFKA_DELIVERY_GUARANTEE));
        s.put(KafkaIoConfig.TRANSACTIONAL_ID_PREFIX, config.get(KAFKA_TRANSACTIONAL_ID_PREFIX));
        s.put(KafkaIoConfig.WATERMARK_OUT_OF_ORDERNESS, config.get(KAFKA_WATERMARK_OUT_OF_ORDERNESS).toMillis() + "ms");
        s.put(KafkaIoConfig.WATERMARK_IDLENESS, config.get(KAFKA_WATERMARK_IDLENESS).toMillis() + "ms");
        config.get(KAFKA_CLIENT).forEach((property, value) ->
                s.put(KafkaIoConfig.CLIENT_PREFIX + property, value));
        try {
            return KafkaIoConfig.from(s);
        } catch (IllegalArgumentException e) {
            // KafkaIoConfig names its own keys; users know them with the kafka. prefix.
            throw new IllegalArgumentException("kafka." + e.getMessage(), e);
        }
    }

    /** The Redis enforcement store settings; throws {@link IllegalArgumentException} naming a bad one. */
    public static RedisStoreConfig redis(ReadableConfig config) {
        int batch = config.get(REDIS_MAX_BATCH_SIZE);
        requireAtLeastOne(REDIS_MAX_BATCH_SIZE, batch);
        requireAtLeastOne(REDIS_MAX_IN_FLIGHT, config.get(REDIS_MAX_IN_FLIGHT));
        requirePositive(REDIS_REQUEST_TIMEOUT, config.get(REDIS_REQUEST_TIMEOUT));
        requirePositive(REDIS_RELEASE_RETENTION, config.get(REDIS_RELEASE_RETENTION));
        config.getOptional(REDIS_DATABASE).ifPresent(db -> {
            if (db < 0) {
                throw new IllegalArgumentException(REDIS_DATABASE.key() + " must not be negative, got " + db);
            }
        });
        if (config.get(REDIS_CHANNEL).isEmpty()) {
            throw new IllegalArgumentException(REDIS_CHANNEL.key() + " must not be empty");
        }
        if (config.getOptional(REDIS_USER).isPresent() && config.getOptional(REDIS_PASSWORD).isEmpty()) {
            throw new IllegalArgumentException(REDIS_USER.key() + " needs " + REDIS_PASSWORD.key());
        }
        RedisEndpoint.Builder server = RedisEndpoint.builder().uri(config.get(REDIS_URI));
        config.getOptional(REDIS_DATABASE).ifPresent(server::database);
        config.getOptional(REDIS_USER).ifPresent(server::username);
        config.getOptional(REDIS_PASSWORD).ifPresent(server::password);
        config.getOptional(REDIS_TLS).ifPresent(server::tls);
        RedisEndpoint endpoint;
        try {
            endpoint = server.build();
        } catch (RuntimeException e) {
            // Everything else is checked above: what is left to fail is the URI.
            throw new IllegalArgumentException(REDIS_URI.key() + ": " + e.getMessage(), e);
        }
        return RedisStoreConfig.builder()
                .endpoint(endpoint)
                .keyPrefix(config.get(REDIS_KEY_PREFIX))
                .channel(config.get(REDIS_CHANNEL))
                .releaseRetention(config.get(REDIS_RELEASE_RETENTION))
                .maxBatchSize(batch)
                // The async sink base needs a buffer larger than a batch; keep the default's headroom.
                .maxBufferedRequests(Math.max(10_000, batch * 10))
                .maxInFlightRequests(config.get(REDIS_MAX_IN_FLIGHT))
                .requestTimeout(config.get(REDIS_REQUEST_TIMEOUT))
                .build();
    }

    private static void requireAtLeastOne(ConfigOption<Integer> option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option.key() + " must be at least 1, got " + value);
        }
    }

    private static void requirePositive(ConfigOption<Duration> option, Duration value) {
        if (value.toMillis() < 1) {
            throw new IllegalArgumentException(option.key() + " must be at least 1 ms, got " + value);
        }
    }
}
