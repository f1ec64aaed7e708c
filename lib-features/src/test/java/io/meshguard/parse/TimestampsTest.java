package io.meshguard.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {
    private static final DateTimeFormatter ENVOY_SHAPE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    @Test
    void handWrittenPathAgreesWithJavaTimeOverFourCenturies() {
        SplittableRandom random = new SplittableRandom(7);
        long from = Instant.parse("1800-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2200-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(from, to);
            char[] text = ENVOY_SHAPE.format(Instant.ofEpochMilli(millis)).toCharArray();

            assertThat(Timestamps.parseEnvoyShape(text, 0, text.length)).as(new String(text)).isEqualTo(millis);
        }
    }

    @Test
    void leapDaysAndMonthEndsAreExact() {
        for (String text : new String[] {
            "2000-02-29T00:00:00.000Z", "2024-02-29T12:00:00.500Z", "2026-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000Z"
        }) {
            assertThat(Timestamps.parseMillis(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "2100-02-29T00:00:00.000Z", "2026-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z", "2026-13-01T00:00:00.000Z",
        "2026-00-10T00:00:00.000Z", "2026-11-23T24:00:00.000Z", "2026-11-23T10:60:00.000Z", "2026-11-23T10:15:60.000Z",
        "2026-11-23 10:15:30.123Z", "2026-11-23T10:15:30,123Z", "2026-11-2XT10:15:30.123Z", "+026-11-23T10:15:30.123Z",
        "2026-11-23T10:15:30.123", "", "now"
    })
    void impossibleOrForeignTimesAreInvalid(String text) {
        assertThat(Timestamps.parseMillis(text)).isEqualTo(Timestamps.INVALID);
    }

    @Test
    void otherIsoShapesFallBackToJavaTime() {
        Instant instant = Instant.parse("2026-11-23T10:15:30.123456789Z");
        assertThat(Timestamps.parseMillis("2026-11-23T10:15:30.123456789Z"))
                .isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS).toEpochMilli());
        assertThat(Timestamps.parseMillis("2026-11-23T11:15:30+01:00"))
                .isEqualTo(Instant.parse("2026-11-23T10:15:30Z").toEpochMilli());
    }
}
