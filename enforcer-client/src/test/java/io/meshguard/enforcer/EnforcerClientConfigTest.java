package io.meshguard.enforcer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.meshguard.store.RedisEndpoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Defaults, validation and the Lettuce URI of {@link EnforcerClientConfig}. */
class EnforcerClientConfigTest {

    @Test
    void defaultsMatchTheJobsStoreAndFailOpen() {
        EnforcerClientConfig c = EnforcerClientConfig.builder().build();

        assertThat(c.keyPrefix()).isEqualTo("mg:");
        assertThat(c.channel()).isEqualTo("mg:updates");
        assertThat(c.failureMode()).isEqualTo(FailureMode.FAIL_OPEN);
        assertThat(c.toRedisUri().getPort()).isEqualTo(6379);
    }

    @Test
    void uriGetsDatabaseCredentialsAndTlsApplied() {
        RedisEndpoint store = RedisEndpoint.builder().uri("redis://store:6380").database(2).username("enforcer")
                .password("s3cret").tls(true).verifyPeer(false).build();
        RedisURI u = EnforcerClientConfig.builder().endpoint(store).commandTimeout(Duration.ofMillis(200))
                .build().toRedisUri();

        assertThat(u.getHost()).isEqualTo("store");
        assertThat(u.getDatabase()).isEqualTo(2);
        assertThat(u.getCredentialsProvider().resolveCredentials().block().getUsername()).isEqualTo("enforcer");
        assertThat(new String(u.getCredentialsProvider().resolveCredentials().block().getPassword()))
                .isEqualTo("s3cret");
        assertThat(u.isSsl()).isTrue();
        assertThat(u.getVerifyMode()).isEqualTo(SslVerifyMode.NONE);
        assertThat(u.getTimeout()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void descriptionNeverShowsThePassword() {
        EnforcerClientConfig c = EnforcerClientConfig.builder()
                .endpoint(RedisEndpoint.builder().password("s3cret").build()).build();

        assertThat(c.toString()).doesNotContain("s3cret").contains("(auth)");
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> EnforcerClientConfig.builder().uri("http://store").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnforcerClientConfig.builder().maxCacheEntries(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnforcerClientConfig.builder().commandTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnforcerClientConfig.builder().staleTolerance(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnforcerClientConfig.builder().channel("").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
