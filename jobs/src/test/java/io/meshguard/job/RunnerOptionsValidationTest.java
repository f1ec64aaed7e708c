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
