package io.meshguard.job.production;

import static io.meshguard.job.kafka.KafkaTestSupport.header;
import static io.meshguard.job.kafka.KafkaTestSupport.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meshguard.enforcer.EnforcerClient;
import io.meshguard.enforcer.EnforcerClientConfig;
import io.meshguard.enforcer.Verdict;
import io.meshguard.job.Conditions;
import io.meshguard.job.MeshGuardWorkflow;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.kafka.KafkaIoConfig;
import io.meshguard.job.kafka.KafkaSinks;
import io.meshguard.job.kafka.KafkaTelemetrySource;
import io.meshguard.job.kafka.KafkaTestSupport;
import io.meshguard.job.services.KafkaBrokerExtension;
import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.job.sinks.redis.RedisEnforcementSink;
import io.meshguard.job.sinks.redis.RedisStoreConfig;
import io.meshguard.store.EnforcementKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production path end to end against a real broker and a real redis-server: telemetry produced
 * to Kafka in real time, the job (Kafka source, Redis store and compacted Kafka topic,
 * exactly-once, 1-s checkpoints), and what an enforcer reads back: the store's keys, versions and
 * TTLs, and the same entries in the topic. A short quarantine then ends on its own: Redis drops the
 * key at its {@code expires_at}, and the arbiter's expiry release leaves a tombstone in the topic.
 *
 * <p>The enforcer's side is read twice: through the reference {@link EnforcerClient} (verdicts, with
 * its cache invalidated by the update channel), and hash by hash as the contract in {@link
 * RedisEnforcementSink} describes them.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class KafkaToRedisEndToEndIntegrationTest {
    private static final int PARALLELISM = 2;
    // Generous: a loaded CI machine replays the live traffic slowly; the waits end as soon as the condition holds.
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = RedisStoreConfig.DEFAULT_KEY_PREFIX;
    private static final Duration QUARANTINE_TTL = Duration.ofSeconds(8);

    /** A path scanner with a tool user agent: caught from its first requests. */
    private static final String SCANNER_IP = "203.0.113.66";
    /** A credential stuffer logged in under a hostile user id: separators, wildcards, non-ASCII. */
    private static final String STUFFER_USER = "eve ops/*?[x]\u00fc";
    private static final String SCANNER = "ip:" + SCANNER_IP;
    private static final String STUFFER = "user:" + STUFFER_USER;
    private static final int LEGIT_USERS = 40;

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(3)
    static final MiniClusterExtension CLUSTER = KafkaTestSupport.miniCluster(PARALLELISM);

    private static final KafkaTestSupport SUPPORT = new KafkaTestSupport(KAFKA);

    private JobClient job;
    private LiveTraffic traffic;

    @AfterEach
    void stop() throws Exception {
        if (traffic != null) {
            traffic.close();
        }
        KafkaTestSupport.cancelIfRunning(job);
    }

    @Test
    void decisionsReachRedisAndTheCompactedTopicAndAShortQuarantineEndsOnItsOwn() throws Exception {
        String topic = "e2e";
        KafkaIoConfig kafka = createTopics(topic);
        try (Store store = new Store(REDIS.uri());
                EnforcerClient enforcer = EnforcerClient.connect(
                        EnforcerClientConfig.builder().uri(REDIS.uri()).build())) {
            job = startJob(kafka, store.config);

            traffic = LiveTraffic.start(kafka.telemetryTopics().get(0));
            // The attackers start once the legitimate users have a few seconds of history.
            Thread.sleep(3_000);
            traffic.scanning.set(true);
            traffic.stuffing.set(true);

            String scannerKey = EnforcementKeys.identityKey(SCANNER);
            String stufferKey = EnforcementKeys.identityKey(STUFFER);
            assertThat(stufferKey).as("a hostile id becomes a safe key")
                    .isEqualTo("identity:user:eve%20ops/%2A%3F%5Bx%5D%C3%BC");
            // Each attacker stops once acted on, so its quarantine may run out (an identity still
            // abusive when it ends is quarantined again), and is checked at once, within its TTL.
            Map<String, String> scanner = actedOn(SCANNER, Set.of("QUARANTINE"), traffic.scanning, store, enforcer);
            Map<String, String> stuffer = actedOn(STUFFER, Set.of("RATE_LIMIT", "QUARANTINE"), traffic.stuffing, store,
                    enforcer);

            // Legitimate users: no entry, so the enforcer allows them.
            for (int u = 0; u < LEGIT_USERS; u++) {
                String identity = "ip:" + LiveTraffic.legitIp(u);
                assertThat(store.redis.exists(PREFIX + EnforcementKeys.identityKey(identity)))
                        .as("entry of legitimate user %d", u).isZero();
                Verdict verdict = enforcer.verdict(identity);
                assertThat(verdict.outcome()).as("verdict for %s", identity).isEqualTo(Verdict.Outcome.ALLOW);
                assertThat(verdict.reason()).isEqualTo(Verdict.Reason.NO_ENTRY);
            }

            // The same entries in the compacted topic, committed, under the same key and version.
            List<ConsumerRecord<String, String>> committed = readCommitted(kafka.enforcementTopic(),
                    records -> hasVersion(records, scannerKey, scanner) && hasVersion(records, stufferKey, stuffer));
            for (Map<String, String> hash : List.of(scanner, stuffer)) {
                ConsumerRecord<String, String> record = committed.stream()
                        .filter(r -> r.key().equals(hash.get("key"))
                                && hash.get("version").equals(header(r, KafkaSinks.VERSION_HEADER)))
                        .findFirst().orElseThrow();
                JsonNode value = JSON.readTree(record.value());
                assertThat(value.get("key").asText()).isEqualTo(hash.get("key"));
                assertThat(value.get("id").asText()).isEqualTo(hash.get("id"));
                assertThat(value.get("action").asText()).isEqualTo(hash.get("action"));
                assertThat(value.get("version").asLong()).isEqualTo(Long.parseLong(hash.get("version")));
                assertThat(header(record, KafkaSinks.KIND_HEADER)).isEqualTo("identity");
            }
            assertThat(committed).extracting(ConsumerRecord::key).as("no legitimate user in the topic")
                    .noneMatch(k -> k.startsWith(EnforcementKeys.IDENTITY + "ip:" + LiveTraffic.LEGIT_PREFIX));

            // The quarantine ends: the key vanishes by itself at expires_at (Redis' TTL) ...
            Map<String, String> q = scanner;
            String quarantinedKey = q.get("key");
            long quarantineVersion = Long.parseLong(q.get("version"));
            long expiresAt = Instant.parse(q.get("expires_at")).toEpochMilli();
            long goneAt = store.absence(quarantinedKey).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            System.out.printf("[e2e] %s v%d: expires_at %s, seen gone %d ms later%n",
                    quarantinedKey, quarantineVersion, q.get("expires_at"), goneAt - expiresAt);
            assertThat(goneAt).as("gone at its expires_at, not before").isGreaterThanOrEqualTo(expiresAt);
            assertThat(store.notifiedBefore(quarantinedKey, goneAt)).as("no write removed it")
                    .allMatch(v -> v <= quarantineVersion);
            String quarantined = SCANNER;
            assertThat(enforcer.verdict(quarantined).outcome()).as("the enforcer lets %s in again", quarantined)
                    .isEqualTo(Verdict.Outcome.ALLOW);

            // ... and, once event time passes it, the arbiter's expiry release: a tombstone in the
            // topic, and in Redis a short-lived ALLOW entry that keeps the newer version.
            List<ConsumerRecord<String, String>> all = readCommitted(kafka.enforcementTopic(),
                    records -> records.stream().anyMatch(r -> r.key().equals(quarantinedKey) && r.value() == null));
            ConsumerRecord<String, String> tombstone = all.stream()
                    .filter(r -> r.key().equals(quarantinedKey) && r.value() == null).findFirst().orElseThrow();
            assertThat(version(tombstone)).isGreaterThan(quarantineVersion);
            assertThat(header(tombstone, KafkaSinks.KIND_HEADER)).isEqualTo("identity");
            assertThat(await(() -> store.redis.exists(PREFIX + quarantinedKey) == 1)).isTrue();
            assertThat(store.redis.hgetall(PREFIX + quarantinedKey))
                    .containsEntry("action", "ALLOW").containsEntry("version", Long.toString(version(tombstone)));
            assertThat(store.redis.pttl(PREFIX + quarantinedKey)).as("a release lives for the release retention")
                    .isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
            assertThat(await(() -> enforcer.verdict(quarantined).reason() == Verdict.Reason.RELEASED)).isTrue();
            assertThat(enforcer.verdict(quarantined).version()).isEqualTo(version(tombstone));
            JsonNode audit = auditOf(kafka.auditTopic(), quarantinedKey.substring(EnforcementKeys.IDENTITY.length()));
            System.out.printf("[e2e] release audit: %s%n", audit);

            // Every key's versions strictly increase in the topic, once each (exactly-once).
            Map<String, Long> last = new HashMap<>();
            for (ConsumerRecord<String, String> r : all) {
                Long previous = last.put(r.key(), version(r));
                assertThat(version(r)).as("versions of %s", r.key()).isGreaterThan(previous == null ? 0 : previous);
            }
            System.out.printf("[e2e] topic: %d records, %d keys; redis notifications: %d%n", all.size(), last.size(),
                    store.notifications());
        }
    }

    /**
     * Waits until Redis holds one of {@code actions} for {@code identity}, stops its traffic, and
     * checks the entry as an enforcer reads it: hash fields, TTL, and the reference client's verdict.
     */
    private static Map<String, String> actedOn(String identity, Set<String> actions, AtomicBoolean attack,
            Store store, EnforcerClient enforcer) throws InterruptedException {
        String key = PREFIX + EnforcementKeys.identityKey(identity);
        assertThat(await(() -> actions.contains(String.valueOf(store.redis.hget(key, "action")))))
                .as("%s %s in Redis; notified keys: %s", identity, actions, store.updates.keySet()).isTrue();
        attack.set(false);
        // Requests already in flight may still escalate a rate limit to a quarantine.
        Conditions.pause(1_000);
        Map<String, String> hash = store.redis.hgetall(key);
        long pttl = store.redis.pttl(key);
        Verdict verdict = enforcer.verdict(identity);
        System.out.printf("[e2e] %s: %s pttl=%d ms; %s%n", identity, hash, pttl, verdict);

        assertThat(hash).containsEntry("key", EnforcementKeys.identityKey(identity)).containsEntry("id", identity)
                .containsEntry("trigger", "score")
                .containsEntry("kind", "identity").containsKeys("version", "ts", "trigger", "segment");
        assertThat(Long.parseLong(hash.get("version"))).isPositive();
        assertStoredTtl(hash, pttl);
        assertThat(verdict.degraded()).isFalse();
        assertThat(verdict.key()).isEqualTo(hash.get("key"));
        assertThat(verdict.version()).isEqualTo(Long.parseLong(hash.get("version")));
        if ("QUARANTINE".equals(hash.get("action"))) {
            store.watchForAbsence(hash.get("key"));
            assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.DENY);
            assertThat(verdict.expiresAtMillis()).isEqualTo(Instant.parse(hash.get("expires_at")).toEpochMilli());
        } else {
            assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.LIMIT);
            assertThat(verdict.limitRps()).isEqualTo(Double.parseDouble(hash.get("limit_rps")));
        }
        return hash;
    }

    private static void assertStoredTtl(Map<String, String> hash, long pttl) {
        if ("QUARANTINE".equals(hash.get("action"))) {
            long expiresAt = Instant.parse(hash.get("expires_at")).toEpochMilli();
            long ts = Instant.parse(hash.get("ts")).toEpochMilli();
            assertThat(expiresAt - ts).as("quarantine lifetime").isEqualTo(QUARANTINE_TTL.toMillis());
            assertThat(pttl).as("TTL of a quarantine: until expires_at").isPositive()
                    .isLessThanOrEqualTo(QUARANTINE_TTL.toMillis())
                    .isCloseTo(expiresAt - System.currentTimeMillis(), org.assertj.core.data.Offset.offset(1_000L));
        } else {
            assertThat(hash.get("action")).isEqualTo("RATE_LIMIT");
            assertThat(Double.parseDouble(hash.get("limit_rps"))).isPositive();
            assertThat(pttl).as("a rate limit has no TTL").isEqualTo(-1L);
        }
    }

    private static boolean hasVersion(
            List<ConsumerRecord<String, String>> records, String key, Map<String, String> hash) {
        String version = hash.get("version");
        return records.stream().anyMatch(r -> r.key().equals(key) && version.equals(header(r, KafkaSinks.VERSION_HEADER)));
    }

    // ---------------------------------------------------------------------------------------------

    private static KafkaIoConfig createTopics(String name) throws Exception {
        Map<String, String> s = SUPPORT.settings(name, "exactly-once");
        s.put(KafkaIoConfig.WATERMARK_OUT_OF_ORDERNESS, "500ms");
        return SUPPORT.createTopics(s);
    }

    /** The production wiring: Kafka in, the Redis store and the compacted topic out, 1-s checkpoints. */
    private static JobClient startJob(KafkaIoConfig kafka, RedisStoreConfig redis) throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(1000);
        Configuration options = new Configuration();
        options.set(MeshGuardOptions.DECISION_QUARANTINE_TTL, QUARANTINE_TTL);
        options.set(MeshGuardOptions.WATERMARK_OUT_OF_ORDERNESS, Duration.ofMillis(500));
        options.set(MeshGuardOptions.WATERMARK_IDLENESS, Duration.ofSeconds(1));
        // The scanner is to be quarantined by its score alone: a pattern's hold would leave a
        // score-based rate limit in force when it ends instead of the release this test watches for.
        options.set(MeshGuardOptions.CEP_SENSITIVE_HITS, 1_000);
        options.set(MeshGuardOptions.CEP_SCAN_DISTINCT_PATHS, 1_000);
        options.set(MeshGuardOptions.CEP_BURST_MIN_RPS, 1_000.0);
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                KafkaTelemetrySource.telemetry(env, kafka), KafkaTelemetrySource.controlLines(env, kafka),
                MeshGuardConfig.from(options));
        KafkaTestSupport.sinkToProductionOutputs(streams, kafka, redis);
        return env.executeAsync("kafka to redis end to end");
    }

    /** Reads the whole topic with {@code read_committed} until {@code done} holds for what was read. */
    private static List<ConsumerRecord<String, String>> readCommitted(
            String topic, Predicate<List<ConsumerRecord<String, String>>> done) {
        return SUPPORT.readCommitted(topic, WAIT, done);
    }

    private static JsonNode auditOf(String topic, String identity) throws Exception {
        List<ConsumerRecord<String, String>> lines = readCommitted(topic, records -> true);
        for (int i = lines.size() - 1; i >= 0; i--) {
            JsonNode line = JSON.readTree(lines.get(i).value());
            if (identity.equals(line.path("identity").asText(null))) {
                return line;
            }
        }
        return null;
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        return Conditions.await(condition, WAIT);
    }

    /** The test's view of the store: commands, and every version announced on the update channel. */
    private static final class Store implements AutoCloseable {
        final RedisStoreConfig config;
        final RedisClient client;
        final StatefulRedisConnection<String, String> connection;
        final RedisCommands<String, String> redis;
        final StatefulRedisPubSubConnection<String, String> pubSub;
        /** Unprefixed key → (wall-clock ms, version) read right after each notification for it. */
        final Map<String, List<long[]>> updates = new ConcurrentHashMap<>();
        private final StatefulRedisConnection<String, String> reader;
        private final Map<String, CompletableFuture<Long>> absences = new ConcurrentHashMap<>();
        private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();

        Store(String uri) {
            config = RedisStoreConfig.builder().uri(uri).maxTimeInBuffer(Duration.ofMillis(20))
                    .requestTimeout(Duration.ofSeconds(1)).retryBackoffInitial(Duration.ofMillis(50))
                    .retryBackoffMax(Duration.ofMillis(500)).build();
            client = RedisClient.create(uri);
            connection = client.connect();
            redis = connection.sync();
            reader = client.connect();
            pubSub = client.connectPubSub();
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String key) {
                    // Read asynchronously: a sync command on the pub/sub thread would block it.
                    long at = System.currentTimeMillis();
                    reader.async().hget(PREFIX + key, "version").thenAccept(v -> updates
                            .computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(new long[] {at, v == null ? -1L : Long.parseLong(v)}));
                }
            });
            pubSub.sync().subscribe(config.channel());
        }

        /** Versions of the writes to {@code key} announced before {@code millis}. */
        List<Long> notifiedBefore(String key, long millis) {
            List<Long> versions = new ArrayList<>();
            for (long[] u : new ArrayList<>(updates.getOrDefault(key, List.of()))) {
                if (u[0] < millis) {
                    versions.add(u[1]);
                }
            }
            return versions;
        }

        /** Polls {@code key} every 20 ms from now on; see {@link #absence}. */
        void watchForAbsence(String key) {
            CompletableFuture<Long> gone = absences.computeIfAbsent(key, k -> new CompletableFuture<>());
            RedisCommands<String, String> commands = client.connect().sync();
            poller.scheduleWithFixedDelay(() -> {
                if (!gone.isDone() && commands.exists(PREFIX + key) == 0) {
                    gone.complete(System.currentTimeMillis());
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
        }

        /** Completes with the wall-clock time {@code key} was first seen missing, once watched. */
        CompletableFuture<Long> absence(String key) {
            return absences.computeIfAbsent(key, k -> new CompletableFuture<>());
        }

        int notifications() {
            return updates.values().stream().mapToInt(List::size).sum();
        }

        @Override
        public void close() {
            poller.shutdownNow();
            pubSub.close();
            reader.close();
            connection.close();
            client.shutdown();
        }
    }

    /**
     * Telemetry produced as it happens (start times from the wall clock, so the store's TTLs are
     * real): {@value #LEGIT_USERS} browsing users at about 2 req/s each, and, while {@link
     * #scanning} and {@link #stuffing}, a path scanner at 40 req/s and a credential stuffer at 20 req/s. Each client's
     * records are keyed by the client, so they stay in order in one partition.
     */
    static final class LiveTraffic implements AutoCloseable {
        static final String LEGIT_PREFIX = "198.51.100.";
        private static final String BROWSER_UA =
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0";
        private static final String[] PAGES = {"/", "/products/1", "/products/2", "/products/3", "/cart", "/search"};
        private static final String[] PROBES = {"/.env", "/.git/config", "/wp-admin/setup.php", "/backup.sql",
            "/admin/config.php", "/phpmyadmin/index.php", "/server-status", "/.aws/credentials", "/config.json",
            "/debug/pprof", "/actuator/env", "/.svn/entries"};

        final AtomicBoolean scanning = new AtomicBoolean();
        final AtomicBoolean stuffing = new AtomicBoolean();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final KafkaProducer<String, String> producer;
        private final String topic;
        private final Thread thread;
        private long tick;

        private LiveTraffic(String topic) {
            this.producer = SUPPORT.producer();
            this.topic = topic;
            this.thread = new Thread(this::run, "live-traffic");
        }

        static LiveTraffic start(String topic) {
            LiveTraffic t = new LiveTraffic(topic);
            t.thread.start();
            return t;
        }

        static String legitIp(int u) {
            return LEGIT_PREFIX + (10 + u);
        }

        /** Every 50 ms: a tenth of the users browse; each attacker sends one request. */
        private void run() {
            while (running.get()) {
                long now = System.currentTimeMillis();
                for (int u = (int) (tick % 10); u < LEGIT_USERS; u += 10) {
                    String ip = legitIp(u);
                    send(ip, line(now, ip, null, "GET", PAGES[(int) ((tick + u) % PAGES.length)], 200, BROWSER_UA));
                }
                if (scanning.get()) {
                    for (int i = 0; i < 2; i++) {
                        send(SCANNER_IP, line(now, SCANNER_IP, null, "GET", PROBES[(int) ((2 * tick + i) % PROBES.length)]
                                + "?" + tick, 404, "python-requests/2.31"));
                    }
                }
                if (stuffing.get()) {
                    send("198.18.7.7", line(now, "198.18.7.7", STUFFER_USER, "POST", "/api/v1/login", 401,
                            "curl/8.5.0"));
                }
                tick++;
                Conditions.pause(50);
            }
        }

        private void send(String client, String line) {
            producer.send(new ProducerRecord<>(topic, client, line));
        }

        static String line(long startMillis, String clientIp, String userId, String method, String path, int status,
                String userAgent) {
            JsonStringEncoder enc = JsonStringEncoder.getInstance();
            return "{\"start_time\":\"" + Instant.ofEpochMilli(startMillis) + "\",\"method\":\"" + method
                    + "\",\"path\":\"" + new String(enc.quoteAsString(path)) + "\",\"protocol\":\"HTTP/1.1\","
                    + "\"response_code\":" + status + ",\"bytes_received\":120,\"bytes_sent\":1500,\"duration\":12,"
                    + "\"x_forwarded_for\":\"" + clientIp + "\",\"user_agent\":\"" + userAgent + "\","
                    + "\"authority\":\"shop.example.com\",\"upstream_cluster\":\"outbound|8080||web.shop.svc\","
                    + "\"downstream_remote_address\":\"10.244.0.11:51234\",\"client_asn\":\"64500\","
                    + "\"client_country\":\"us\""
                    + (userId == null ? "" : ",\"user_id\":\"" + new String(enc.quoteAsString(userId)) + "\"") + "}";
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5_000);
            producer.close(Duration.ofSeconds(5));
        }
    }
}
