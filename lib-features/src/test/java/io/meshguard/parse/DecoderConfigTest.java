package io.meshguard.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.meshguard.features.PathClass;
import io.meshguard.features.PathRules;
import io.meshguard.features.UserAgentRules;
import io.meshguard.identity.IdentityConfig;
import io.meshguard.identity.SegmentSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class DecoderConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        DecoderConfig config = DecoderConfig.defaults();

        assertThat(config.identity()).isEqualTo(IdentityConfig.defaults());
        assertThat(config.segments()).isEqualTo(SegmentSpec.defaults());
        assertThat(config.pathRules()).isSameAs(PathRules.defaults());
        assertThat(config.userAgentRules()).isEqualTo(UserAgentRules.defaults());
        assertThat(config.maxLineLength()).isEqualTo(64 * 1024);
        assertThat(config.maxDurationMillis()).isEqualTo(3_600_000L);
        assertThat(config.maxFutureSkewMillis()).isEqualTo(86_400_000L);
    }

    @Test
    void withersChangeOneSettingAndLeaveTheRest() {
        DecoderConfig changed = DecoderConfig.defaults().withMaxLineLength(1024).withMaxDurationMillis(5_000);

        assertThat(changed.maxLineLength()).isEqualTo(1024);
        assertThat(changed.maxDurationMillis()).isEqualTo(5_000);
        assertThat(changed.withMaxLineLength(65_536)).isEqualTo(DecoderConfig.defaults().withMaxDurationMillis(5_000));
    }

    @Test
    void nonsenseLimitsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> DecoderConfig.defaults().withMaxLineLength(0));
        assertThatIllegalArgumentException().isThrownBy(() -> DecoderConfig.defaults().withMaxDurationMillis(0));
        assertThatIllegalArgumentException().isThrownBy(() -> DecoderConfig.defaults().withMaxFutureSkewMillis(-1));
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsItToTasks() throws Exception {
        DecoderConfig config = DecoderConfig.defaults()
                .withSegments(SegmentSpec.parse("asn+country", "ns+workload", "other"))
                .withPathRules(PathRules.defaults().toBuilder().segments(PathClass.LOGIN, "logon").build())
                .withUserAgentRules(UserAgentRules.defaults().withToolTokens("headless"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        DecoderConfig copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (DecoderConfig) in.readObject();
        }

        assertThat(copy.segments()).isEqualTo(config.segments());
        assertThat(copy.userAgentRules()).isEqualTo(config.userAgentRules());
        assertThat(copy.pathRules().segmentFlags()).isEqualTo(config.pathRules().segmentFlags());
        assertThat(new TelemetryDecoder(copy).decode("{}").error()).isEqualTo("missing required key 'start_time'");
    }
}
