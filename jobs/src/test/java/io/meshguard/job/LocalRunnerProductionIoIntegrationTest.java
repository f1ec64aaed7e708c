package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.meshguard.job.kafka.KafkaTestSupport;
import io.meshguard.job.services.KafkaBrokerExtension;
import io.meshguard.job.services.RedisServerExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runner in production mode, as a user starts it: simulated telemetry replayed into a
 * real Kafka topic, {@code --source kafka --sink redis,kafka}; decisions land in a real Redis and
 * the compacted topic, a malformed record in the dead-letter topic, and no files are written.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalRunnerProductionIoIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @RegisterExtension
    @Order(1)
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    @Order(2)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final KafkaTestSupport SUPPORT = new KafkaTestSupport(KAFKA);

    @TempDir
    Path dir;

    @Test
    void kafkaInRedisAndKafkaOutCarryDecisionsAndDeadLetters() throws Exception {
        KAFKA.createTopic("run-telemetry", 2);
        KAFKA.createTopic("run-enforcement", 2, Map.of("cleanup.policy", "compact"));
        KAFKA.createTopic("run-audit", 1);
        KAFKA.createTopic("run-dead-letters", 1);
        ReplayToKafka.Result replayed = ReplayToKafka.replay(LocalRunner.parseCommandLine(new String[] {
            "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "run-telemetry",
            "--source", "simulator", "--seed", "7", "--duration", "90", "--rate", "300", "--paced", "false"
        }, ReplayToKafka.options()));
        assertThat(replayed.records()).isPositive();
        SUPPORT.produce("run-telemetry", "this is not json");

        int webPort = freePort();
        Path out = dir.resolve("out");
        String[] args = {
            "--source", "kafka", "--sink", "redis,kafka", "--out", out.toString(),
            "--web-port", String.valueOf(webPort), "--progress-interval", "1",
            "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
            "--kafka.telemetry.topics", "run-telemetry",
            "--kafka.group-id", "run-test",
            "--kafka.starting-offsets", "earliest",
            "--kafka.enforcement.topic", "run-enforcement",
            "--kafka.audit.topic", "run-audit",
            "--kafka.dead-letters.topic", "run-dead-letters",
            "--kafka.transactional-id-prefix", "run-test",
            "--kafka.watermark.idleness", "1 s",
            "--kafka.client.client.dns.lookup", "use_all_dns_ips",
            "--redis.uri", REDIS.uri(),
            "--redis.key-prefix", "run:",
        };
        // The runner starts its own cluster with a web UI, as it does for users.
        TestStreamEnvironment.unsetAsContext();
        CompletableFuture<Void> runner = CompletableFuture.runAsync(() -> {
            try {
                LocalRunner.run(LocalRunner.parseCommandLine(args));
            } catch (Exception e) {
                // Cancelled below: a Kafka source never ends by itself.
            }
        });
        RedisClient client = RedisClient.create(REDIS.uri());
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            assertThat(await(() -> redis.sync().keys("run:identity:*").stream()
                    .anyMatch(key -> !"ALLOW".equals(redis.sync().hget(key, "action")))))
                    .as("enforced identity decisions in Redis").isTrue();
            for (String key : redis.sync().keys("run:identity:*")) {
                Map<String, String> entry = redis.sync().hgetall(key);
                // A release keeps only its action, version and time (and expires); others say who and why.
                assertThat(entry).as(key).containsKeys("action", "version");
                if (!"ALLOW".equals(entry.get("action"))) {
                    assertThat(entry).as(key).containsEntry("kind", "identity").containsKeys("id", "segment");
                }
            }

            List<ConsumerRecord<String, String>> enforcement = new ArrayList<>();
            assertThat(await(() -> {
                enforcement.addAll(SUPPORT.readToEnd("run-enforcement", IsolationLevel.READ_COMMITTED));
                return enforcement.stream().anyMatch(r -> r.key().startsWith("identity:"));
            })).as("identity entries in the compacted topic").isTrue();

            List<ConsumerRecord<String, String>> deadLetters = new ArrayList<>();
            assertThat(await(() -> {
                deadLetters.addAll(SUPPORT.readToEnd("run-dead-letters", IsolationLevel.READ_COMMITTED));
                return !deadLetters.isEmpty();
            })).as("the malformed record in the dead-letter topic").isTrue();
            assertThat(deadLetters.get(0).value()).contains("this is not json").contains("kafka:run-telemetry/");
        } finally {
            client.shutdown();
            cancelJobs(webPort);
            runner.get(60, TimeUnit.SECONDS);
        }
        assertThat(out.resolve(LocalRunner.DECISIONS_FILE)).as("no files without --sink files").doesNotExist();
    }

    /** Cancels every running job of the runner's cluster through its REST API. */
    private static void cancelJobs(int webPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + webPort;
        String jobs = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f]{32})\"").matcher(jobs);
        while (id.find()) {
            http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id.group(1) + "?mode=cancel"))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        return Conditions.await(condition, WAIT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
