package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.job.config.CommandLine;
import io.meshguard.job.config.IoOptions;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.config.RunnerOptions;
import io.meshguard.job.kafka.KafkaIoConfig;
import io.meshguard.job.sinks.redis.RedisStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The local runner's command line: flags and config files become options, mistakes are named. */
class LocalRunnerCommandLineTest {
    @TempDir
    Path dir;

    private static Configuration parse(String... args) {
        return CommandLine.parse(args, LocalRunner.allOptions());
    }

    private Path configFile(String content) throws IOException {
        Path file = dir.resolve("meshguard.yaml");
        Files.writeString(file, content);
        return file;
    }

    @Nested
    class Flags {
        @Test
        void durationAndRateFlagsSetTheirOptionsAndLeaveTheRestAtDefaults() {
            Configuration config = parse("--duration", "60", "--rate", "500");

            assertThat(config.get(RunnerOptions.DURATION)).isEqualTo(60);
            assertThat(config.get(RunnerOptions.RATE)).isEqualTo(500.0);
            assertThat(config.get(RunnerOptions.SOURCE)).isEqualTo("simulator");
            assertThat(config.get(MeshGuardOptions.DECISION_RATE_LIMIT_SCORE)).isEqualTo(4.0);
        }

        @Test
        void detectionOptionsAreSetByTheirFullKey() {
            Configuration config = parse(
                    "--decision.rate-limit-score", "5", "--features.short-horizon", "15 s", "--paced", "false");

            assertThat(config.get(MeshGuardOptions.DECISION_RATE_LIMIT_SCORE)).isEqualTo(5.0);
            assertThat(config.get(MeshGuardOptions.FEATURES_SHORT_HORIZON)).isEqualTo(Duration.ofSeconds(15));
            assertThat(config.get(RunnerOptions.PACED)).isFalse();
        }

        @Test
        void noArgumentsMeanAllDefaults() {
            Configuration config = parse();

            assertThat(config.keySet()).isEmpty();
            assertThat(config.get(RunnerOptions.OUT)).isEqualTo("./out");
            assertThatCode(() -> MeshGuardConfig.from(config)).doesNotThrowAnyException();
        }

        @Test
        void aLaterFlagWinsOverAnEarlierOne() {
            assertThat(parse("--rate", "100", "--rate", "200").get(RunnerOptions.RATE)).isEqualTo(200.0);
        }
    }

    @Nested
    class ConfigFile {
        @Test
        void fileSetsOptionsAndALaterFlagOverridesIt() throws IOException {
            Path file = configFile("""
                    # a local experiment
                    duration: 90
                    rate: 250

                    decision.rate-limit-score: 5
                    source: file:/var/log/istio/access.jsonl
                    """);

            Configuration config = parse("--config", file.toString(), "--duration", "30");

            assertThat(config.get(RunnerOptions.DURATION)).isEqualTo(30);
            assertThat(config.get(RunnerOptions.RATE)).isEqualTo(250.0);
            assertThat(config.get(MeshGuardOptions.DECISION_RATE_LIMIT_SCORE)).isEqualTo(5.0);
            assertThat(config.get(RunnerOptions.SOURCE))
                    .as("only the first colon separates key and value")
                    .isEqualTo("file:/var/log/istio/access.jsonl");
        }

        @Test
        void flagsOverrideTheFileWhereverTheyStand() throws IOException {
            Path file = configFile("duration: 90\n");

            Configuration config = parse("--duration", "30", "--config", file.toString());

            assertThat(config.get(RunnerOptions.DURATION)).isEqualTo(30);
        }

        @Test
        void unknownKeyInTheFileIsRejectedNamingIt() throws IOException {
            Path file = configFile("duration: 90\ndecision.rate-limt-score: 5\n");

            assertThatThrownBy(() -> parse("--config", file.toString()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'decision.rate-limt-score'");
        }

        @Test
        void lineWithoutAColonIsRejectedNamingTheFileAndTheLine() throws IOException {
            Path file = configFile("duration 90\n");

            assertThatThrownBy(() -> parse("--config", file.toString()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("'duration 90'");
        }

        @Test
        void missingFileIsRejectedNamingIt() {
            Path missing = dir.resolve("absent.yaml");

            assertThatThrownBy(() -> parse("--config", missing.toString()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot read config file " + missing);
        }
    }

    @Nested
    class Mistakes {
        @ParameterizedTest(name = "--{0}")
        @ValueSource(strings = {"durration", "web_port", "decision.rate-limit", "Duration"})
        void unknownOptionIsRejectedNamingIt(String option) {
            assertThatThrownBy(() -> parse("--duration", "60", "--" + option, "1"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown option '" + option + "'");
        }

        @Test
        void optionWithoutAValueIsRejectedNamingIt() {
            assertThatThrownBy(() -> parse("--duration", "60", "--rate"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("option --rate needs a value");
        }

        @Test
        void configWithoutAFileIsRejectedNamingIt() {
            assertThatThrownBy(() -> parse("--duration", "60", "--config"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("option --config needs a value");
        }

        @Test
        void bareArgumentIsRejected() {
            assertThatThrownBy(() -> parse("--duration", "60", "500"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unexpected argument '500'");
        }

        @Test
        void malformedDetectionValueIsRejectedNamingTheOption() {
            Configuration config = parse("--decision.rate-limit-score", "high");

            assertThatThrownBy(() -> MeshGuardConfig.from(config))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("decision.rate-limit-score")
                    .hasMessageContaining("high");
        }
    }

    @Nested
    class InvalidCombinations {
        @Test
        void releaseScoreAboveTheRateLimitScoreIsRejectedStatingTheRuleAndTheValues() {
            Configuration config = parse("--decision.release-score", "5");

            assertThatThrownBy(() -> MeshGuardConfig.from(config))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("release score < rate-limit score < quarantine score")
                    .hasMessageContaining("5.0, 4.0, 10.0");
        }

        @Test
        void rateLimitScoreAboveTheQuarantineScoreIsRejected() {
            Configuration config = parse("--decision.rate-limit-score", "12");

            assertThatThrownBy(() -> MeshGuardConfig.from(config))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rate-limit score < quarantine score")
                    .hasMessageContaining("12.0");
        }

        @Test
        void stateTtlNotAboveTheIdleTimeoutIsRejectedNamingBothOptions() {
            Configuration config = parse("--identity.idle-timeout", "3 h", "--identity.state-ttl", "2 h");

            assertThatThrownBy(() -> MeshGuardConfig.from(config))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("identity.state-ttl must exceed identity.idle-timeout (or be 0 to disable it)");
        }

        @Test
        void zeroStateTtlTurnsTheBackstopOff() {
            Configuration config = parse("--identity.idle-timeout", "3 h", "--identity.state-ttl", "0 s");

            assertThat(MeshGuardConfig.from(config).identityStateTtl).isZero();
        }

        @Test
        void consistentThresholdsAreAccepted() {
            Configuration config = parse(
                    "--decision.release-score", "3", "--decision.rate-limit-score", "6",
                    "--decision.quarantine-score", "12");

            assertThat(MeshGuardConfig.from(config).detection.decisions.rateLimitScore).isEqualTo(6.0);
        }
    }

    @Nested
    class ProductionIo {
        private Configuration parseWithClientProperties(String... args) {
            return LocalRunner.parseCommandLine(args);
        }

        @Test
        void defaultsWriteFilesOnly() {
            assertThat(IoOptions.sinks(parse())).containsExactly(IoOptions.Sink.FILES);
        }

        @Test
        void sinkListIsReadInOrderOnceEachIgnoringCaseAndSpaces() {
            assertThat(IoOptions.sinks(parse("--sink", "Redis, kafka,redis")))
                    .containsExactly(IoOptions.Sink.REDIS, IoOptions.Sink.KAFKA);
        }

        @Test
        void kafkaOptionsBecomeTheConnectorSettings() {
            KafkaIoConfig kafka = IoOptions.kafka(parse(
                    "--kafka.bootstrap-servers", "broker-1:9092,broker-2:9092",
                    "--kafka.telemetry.topics", "mesh-a,mesh-b",
                    "--kafka.group-id", "meshguard-prod",
                    "--kafka.starting-offsets", "latest",
                    "--kafka.enforcement.topic", "enf",
                    "--kafka.delivery-guarantee", "at-least-once",
                    "--kafka.watermark.idleness", "5 s"));

            assertThat(kafka.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
            assertThat(kafka.telemetryTopics()).containsExactly("mesh-a", "mesh-b");
            assertThat(kafka.groupId()).isEqualTo("meshguard-prod");
            assertThat(kafka.startingOffsets()).isEqualTo(KafkaIoConfig.StartingOffsets.LATEST);
            assertThat(kafka.enforcementTopic()).isEqualTo("enf");
            assertThat(kafka.auditTopic()).isEqualTo(KafkaIoConfig.DEFAULT_AUDIT_TOPIC);
            assertThat(kafka.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
            assertThat(kafka.watermarkIdleness()).isEqualTo(Duration.ofSeconds(5));
            assertThat(kafka.hasControlTopic()).as("no control topic unless named").isFalse();
        }

        @Test
        void aNamedControlTopicIsRead() {
            KafkaIoConfig kafka = IoOptions.kafka(parse(
                    "--kafka.bootstrap-servers", "b:9092", "--kafka.control.topic", "meshguard-control"));

            assertThat(kafka.controlTopic()).isEqualTo("meshguard-control");
        }

        @Test
        void kafkaWatermarksFallBackToTheDetectionWatermarkOptions() {
            KafkaIoConfig fallback = IoOptions.kafka(parse(
                    "--kafka.bootstrap-servers", "b:9092", "--watermark.out-of-orderness", "5 s"));
            KafkaIoConfig own = IoOptions.kafka(parse("--kafka.bootstrap-servers", "b:9092",
                    "--watermark.out-of-orderness", "5 s", "--kafka.watermark.out-of-orderness", "1 s"));

            assertThat(fallback.watermarkOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
            assertThat(own.watermarkOutOfOrderness()).isEqualTo(Duration.ofSeconds(1));
        }

        @Test
        void clientPropertiesFromFlagsAndTheConfigFileReachTheClients() throws IOException {
            Path file = configFile("""
                    kafka.bootstrap-servers: b:9093
                    kafka.client.sasl.mechanism: SCRAM-SHA-512
                    kafka.client.producer.linger.ms: 20
                    """);

            Configuration config = parseWithClientProperties(
                    "--config", file.toString(), "--kafka.client.security.protocol", "SASL_SSL");
            KafkaIoConfig kafka = IoOptions.kafka(config);

            assertThat(kafka.consumerProperties())
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .doesNotContainKey("linger.ms");
            assertThat(kafka.producerProperties())
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("linger.ms", "20");
        }

        @Test
        void aMistypedKafkaOptionIsStillRejected() {
            assertThatThrownBy(() -> parseWithClientProperties("--kafka.bootstrap-server", "b:9092"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown option 'kafka.bootstrap-server'");
        }

        @Test
        void redisOptionsBecomeTheStoreSettings() {
            RedisStoreConfig redis = IoOptions.redis(parse(
                    "--redis.uri", "redis://cache:6380", "--redis.database", "3", "--redis.user", "meshguard",
                    "--redis.password", "s3cret", "--redis.key-prefix", "prod:", "--redis.channel", "prod:updates",
                    "--redis.release-retention", "2 h", "--redis.max-batch-size", "50",
                    "--redis.max-in-flight", "4", "--redis.request-timeout", "500 ms"));

            assertThat(redis.toRedisUri().getHost()).isEqualTo("cache");
            assertThat(redis.toRedisUri().getPort()).isEqualTo(6380);
            assertThat(redis.toRedisUri().getDatabase()).isEqualTo(3);
            assertThat(redis.describeServer()).contains("user=meshguard", "(auth)");
            assertThat(redis.toRedisUri().isSsl()).isFalse();
            assertThat(redis.keyPrefix()).isEqualTo("prod:");
            assertThat(redis.channel()).isEqualTo("prod:updates");
            assertThat(redis.releaseRetention()).isEqualTo(Duration.ofHours(2));
            assertThat(redis.maxBatchSize()).isEqualTo(50);
            assertThat(redis.maxInFlightRequests()).isEqualTo(4);
            assertThat(redis.requestTimeout()).isEqualTo(Duration.ofMillis(500));
            assertThat(redis.describeServer()).doesNotContain("s3cret");
        }

        @Test
        void tlsFollowsTheUriSchemeUnlessSet() {
            assertThat(IoOptions.redis(parse("--redis.uri", "rediss://cache:6380")).toRedisUri().isSsl()).isTrue();
            assertThat(IoOptions.redis(parse("--redis.tls", "true")).toRedisUri().isSsl()).isTrue();
            assertThat(IoOptions.redis(parse()).toRedisUri().isSsl()).isFalse();
        }

        @Test
        void secretsAreMaskedInTheParametersTheWebUiShows() {
            Configuration config = parseWithClientProperties(
                    "--redis.password", "s3cret", "--redis.uri", "redis://meshguard:hunter2@cache:6379/2",
                    "--kafka.client.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                            + " required username=\"u\" password=\"p\";",
                    "--kafka.bootstrap-servers", "b:9092");

            Configuration shown = LocalRunner.withoutSecrets(config);

            assertThat(shown.toMap().toString()).doesNotContain("s3cret", "hunter2", "PlainLoginModule");
            assertThat(shown.toMap()).containsEntry("redis.uri", "redis://meshguard:******@cache:6379/2")
                    .containsEntry("kafka.bootstrap-servers", "b:9092");
        }
    }
}
