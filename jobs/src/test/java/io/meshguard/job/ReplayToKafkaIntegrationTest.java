package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.job.kafka.KafkaTestSupport;
import io.meshguard.job.services.KafkaBrokerExtension;
import io.meshguard.sim.TrafficSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The replay command against a real Kafka broker: every line arrives once, keyed by its identity. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReplayToKafkaIntegrationTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final KafkaTestSupport SUPPORT = new KafkaTestSupport(KAFKA);

    @TempDir
    Path dir;

    @Test
    void simulatorRunArrivesLineForLineWithEachIdentityOnOnePartition() throws Exception {
        KAFKA.createTopic("replay-sim", 3);
        Path labels = dir.resolve("labels.jsonl");
        Configuration config = parse("--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "replay-sim",
                "--source", "simulator", "--seed", "7", "--duration", "20", "--rate", "200", "--paced", "false",
                "--labels", labels.toString(), "--kafka.client.compression.type", "none");

        ReplayToKafka.Result result = ReplayToKafka.replay(config);

        List<String> expected = new ArrayList<>();
        TrafficSimulator simulator = new TrafficSimulator(ReplayToKafka.simulation(config));
        for (long tick = 0; tick < simulator.tickCount(); tick++) {
            simulator.generateTick(tick, expected::add);
        }
        assertThat(result.records()).isEqualTo(expected.size()).isGreaterThan(1_000);
        assertThat(Files.readAllLines(labels)).isNotEmpty();

        List<ConsumerRecord<String, String>> records = SUPPORT.readToEnd("replay-sim", IsolationLevel.READ_UNCOMMITTED);
        assertThat(records).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(expected);
        long keyed = records.stream().filter(r -> r.key() != null).count();
        assertThat(keyed).isEqualTo(result.records() - result.withoutKey());
        assertThat(records).filteredOn(r -> r.key() != null)
                .allSatisfy(r -> assertThat(r.key()).matches("(user|peer|ip):.+"));
        Map<String, Integer> partitionOf = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            if (r.key() != null) {
                assertThat(partitionOf.putIfAbsent(r.key(), r.partition()))
                        .as("partition of %s", r.key()).isIn(null, r.partition());
            }
        }
    }

    @Test
    void telemetryFileArrivesLineForLineAndUndecodableLinesHaveNoKey() throws Exception {
        KAFKA.createTopic("replay-file", 1);
        Path file = dir.resolve("access.jsonl");
        String good = TelemetryLines.request(1_795_000_000_000L).clientIp("198.51.100.7").toJson();
        Files.writeString(file, "\uFEFF" + good + "\nnot json\n\n" + good + "\n", StandardCharsets.UTF_8);

        ReplayToKafka.Result result = ReplayToKafka.replay(parse("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "replay-file", "--source", "file:" + file));

        assertThat(result.records()).as("blank lines are skipped").isEqualTo(3);
        assertThat(result.withoutKey()).isEqualTo(1);
        List<ConsumerRecord<String, String>> records =
                SUPPORT.readToEnd("replay-file", IsolationLevel.READ_UNCOMMITTED);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly(good, "not json", good);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("ip:198.51.100.7", null, "ip:198.51.100.7");
    }

    @Test
    void missingBootstrapServersAreReportedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> ReplayToKafka.replay(parse("--topic", "t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap-servers");
    }

    private static Configuration parse(String... args) {
        return LocalRunner.parseCommandLine(args, ReplayToKafka.options());
    }
}
