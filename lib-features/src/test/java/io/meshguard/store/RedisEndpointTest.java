package io.meshguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Defaults, validation, masking and serialization of {@link RedisEndpoint}. */
class RedisEndpointTest {

    @Test
    void defaultsAreLocalhostWithoutDatabaseAuthOrTls() {
        RedisEndpoint e = RedisEndpoint.builder().build();

        assertThat(e.uri()).isEmpty();
        assertThat(e.host()).isEqualTo("localhost");
        assertThat(e.port()).isEqualTo(6379);
        assertThat(e.database()).isEmpty();
        assertThat(e.username()).isEmpty();
        assertThat(e.password()).isEmpty();
        assertThat(e.tls()).isEmpty();
        assertThat(e.verifyPeer()).isTrue();
        assertThat(e.describe()).isEqualTo("localhost:6379");
    }

    @Test
    void settingsOverTheUriAreKeptAndDescribedWithoutThePassword() {
        RedisEndpoint e = RedisEndpoint.builder().uri("rediss://store:6380").database(2).username("enforcer")
                .password("s3cret").tls(false).verifyPeer(false).build();

        assertThat(e.uri()).contains("rediss://store:6380");
        assertThat(e.database()).hasValue(2);
        assertThat(e.username()).contains("enforcer");
        assertThat(e.password()).contains("s3cret");
        assertThat(e.tls()).contains(false);
        assertThat(e.verifyPeer()).isFalse();
        assertThat(e.describe()).isEqualTo("rediss://store:6380 db=2 user=enforcer (auth) tls=false");
        assertThat(e.toString()).doesNotContain("s3cret");
    }

    @Test
    void aPasswordInTheUriIsMasked() {
        assertThat(RedisEndpoint.builder().uri("redis://meshguard:hunter2@cache:6379/2?timeout=5s").build()
                .describe()).isEqualTo("redis://meshguard:*@cache:6379/2?timeout=5s");
        assertThat(RedisEndpoint.builder().uri("redis://hunter2@cache").build().describe())
                .isEqualTo("redis://*@cache");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis://cache", "rediss://cache:6380/1", "redis+tls://cache",
            "redis-socket:///tmp/redis.sock", "redis-sentinel://s1:26379,s2:26379/0#primary"})
    void everySchemeTheClientKnowsIsAccepted(String uri) {
        assertThat(RedisEndpoint.builder().uri(uri).build().uri()).contains(uri);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://cache", "cache:6379", "redis://", "redis://cache name", "redis:cache"})
    void aUriThatIsNotARedisServerIsRefused(String uri) {
        assertThatThrownBy(() -> RedisEndpoint.builder().uri(uri).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> RedisEndpoint.builder().username("u").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a password");
        assertThatThrownBy(() -> RedisEndpoint.builder().host(" ").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> RedisEndpoint.builder().port(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> RedisEndpoint.builder().port(65536).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> RedisEndpoint.builder().database(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database");
    }

    @Test
    void toBuilderKeepsEverySettingAndChangesOnlyWhatIsSet() {
        RedisEndpoint base = RedisEndpoint.builder().host("cache").port(6380).password("p").tls(true).build();

        RedisEndpoint changed = base.toBuilder().database(4).build();

        assertThat(changed.describe()).isEqualTo("cache:6380 db=4 (auth) tls=true");
        assertThat(base.database()).isEmpty();
    }

    @Test
    void survivesJavaSerialization() throws IOException, ClassNotFoundException {
        RedisEndpoint e = RedisEndpoint.builder().uri("redis://cache:6379").username("u").password("p")
                .database(1).tls(true).verifyPeer(false).build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        RedisEndpoint copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (RedisEndpoint) in.readObject();
        }

        assertThat(copy.toString()).isEqualTo(e.toString());
        assertThat(copy.password()).contains("p");
    }
}
