package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.job.config.CommandLine;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.sources.TelemetrySources;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Bad options are reported, naming the option, before any cluster starts. */
class RunnerOptionsValidationTest {

    private static Configuration parse(String... args) {
        return CommandLine.parse(args, LocalRunner.allOptions());
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "--duration    | sixty           | duration",
        "--web-port    | abc             | web-port",
        "--web-port    | 70000           | web-port",
        "--parallelism | 0               | parallelism",
        "--duration    | 0               | duration",
        "--rate        | -5              | rate",
        "--source      | bogus           | source",
        "--source      | file:/no/such   | source",
        "--sink        | s3              | unknown sink 's3'",
        "--sink        | ' , '           | sink",
        "--source      | kafka           | kafka.bootstrap-servers is required",
        "--sink        | files,kafka     | kafka.bootstrap-servers is required",
        "--kafka.control.topic | ctl     | kafka.bootstrap-servers is required",
        "--redis.max-batch-size | many   | redis.max-batch-size",
    })
    void badRunnerOptionIsRejectedNamingIt(String flag, String value, String named) {
        Configuration config = parse(flag, value);

        assertThatThrownBy(() -> LocalRunner.validateRunnerOptions(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "--decision.max-reasons    | 0     | decision.*",
        "--baseline.ewma-alpha     | 2     | baseline.*",
        "--scoring.noise-gate      | -1    | scoring.*",
        "--features.short-horizon  | 0 s   | features.*",
        "--identity.max-length     | 5     | identity.*",
    })
    void invalidDetectionOptionIsReportedWithItsGroup(String flag, String value, String group) {
        Configuration config = parse(flag, value);

        assertThatThrownBy(() -> MeshGuardConfig.from(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(group);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "--kafka.starting-offsets  | yesterday   | kafka.starting-offsets",
        "--kafka.delivery-guarantee | twice      | kafka.delivery-guarantee",
        "--kafka.watermark.idleness | 0 s        | kafka.watermark.idleness",
        "--kafka.telemetry.topic-pattern | (      | kafka.telemetry.topic-pattern",
    })
    void badKafkaOptionIsRejectedNamingIt(String flag, String value, String named) {
        Configuration config = parse("--source", "kafka", "--kafka.bootstrap-servers", "localhost:9092", flag, value);

        assertThatThrownBy(() -> LocalRunner.validateRunnerOptions(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source kafka")
                .hasMessageContaining(named);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "--redis.max-batch-size  | 0          | redis.max-batch-size",
        "--redis.max-in-flight   | 0          | redis.max-in-flight",
        "--redis.request-timeout | 0 ms       | redis.request-timeout",
        "--redis.user            | meshguard  | redis.password",
        "--redis.database        | -1         | redis.database",
        "--redis.uri             | http://x   | redis.uri",
    })
    void badRedisOptionIsRejectedNamingIt(String flag, String value, String named) {
        Configuration config = parse("--sink", "redis", flag, value);

        assertThatThrownBy(() -> LocalRunner.validateRunnerOptions(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sink redis")
                .hasMessageContaining(named);
    }

    @Test
    void redisSinkOnlyNeedsRedisOptionsWhenChosen() {
        LocalRunner.validateRunnerOptions(parse("--redis.max-batch-size", "0"));
        Configuration chosen = parse("--sink", "redis", "--redis.max-batch-size", "0");

        assertThatThrownBy(() -> LocalRunner.validateRunnerOptions(chosen))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sink redis: redis.max-batch-size must be at least 1, got 0");
    }

    @Test
    void kafkaInAndRedisAndKafkaOutAreValidWithBrokers() {
        LocalRunner.validateRunnerOptions(parse("--source", "kafka", "--sink", "redis,kafka,files",
                "--kafka.bootstrap-servers", "localhost:9092"));
    }

    @Test
    void defaultsAreValid() {
        Configuration config = parse();

        LocalRunner.validateRunnerOptions(config);
        assertThat(MeshGuardConfig.from(config)).isNotNull();
    }

    @Test
    void byteOrderMarkIsNotPartOfTheFirstRecord() {
        assertThat(TelemetrySources.withoutByteOrderMark("\uFEFF{\"a\":1}")).isEqualTo("{\"a\":1}");
        assertThat(TelemetrySources.withoutByteOrderMark("{\"a\":1}")).isEqualTo("{\"a\":1}");
        assertThat(TelemetrySources.withoutByteOrderMark("")).isEmpty();
    }
}
