package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoTimestampsTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void formatsLikeJavaTimeAcrossCenturiesLeapDaysAndTheEpoch() {
        long[] fixed = {0L, -1L, 951_782_400_000L, 4_107_542_399_999L, SimulationConfig.DEFAULT_START_EPOCH_MILLIS};
        for (long millis : fixed) {
            assertThat(IsoTimestamps.format(millis)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis)));
        }
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            long millis = r.nextLong(-2_000_000_000_000L, 7_000_000_000_000L);
            assertThat(IsoTimestamps.format(millis)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void reusedFormatterKeepsUpWithChangingSeconds() {
        IsoTimestamps ts = new IsoTimestamps();
        StringBuilder sb = new StringBuilder();
        long base = SimulationConfig.DEFAULT_START_EPOCH_MILLIS;
        for (long m = base; m < base + 5_000; m += 37) {
            sb.setLength(0);
            ts.append(sb, m);
            assertThat(sb.toString()).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(m)));
        }
    }
}
