package io.meshguard.job.sinks.redis;

import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.rateLimit;
import static io.meshguard.job.sinks.redis.RedisSinkTestSupport.runJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.job.sinks.redis.RedisSinkTestSupport.Store;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.RedisEndpoint;
import java.time.Duration;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink as a least-privilege ACL user on a numbered database. The server gets an ACL user that
 * may only touch {@code mg:*} keys, publish on {@code mg:updates} and run the commands the script
 * needs; the default user stays password-less because the extension's readiness probe is an
 * unauthenticated PING.
 */
class RedisEnforcementSinkAuthIntegrationTest {
    private static final String USER = "meshguard-sink";
    private static final String PASSWORD = "s3cret-for-tests";

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension().withServerArguments(
            "--user", USER, "on", ">" + PASSWORD, "~mg:*", "&mg:updates", "+@connection", "+select",
            "+evalsha", "+eval", "+script|load", "+hget", "+hset", "+del", "+pexpire", "+pexpireat",
            "+publish", "+time");

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension CLUSTER = RedisSinkTestSupport.miniCluster(2);

    @BeforeEach
    void emptyStore() {
        RedisSinkTestSupport.flushAll(REDIS);
    }

    /** The test server, logged in to as the ACL user. */
    private static RedisEndpoint.Builder asAclUser() {
        return RedisSinkTestSupport.endpoint(REDIS).toBuilder().username(USER).password(PASSWORD);
    }

    @Test
    void aclUserWritesIntoTheConfiguredDatabase() throws Exception {
        RedisStoreConfig config = RedisSinkTestSupport.config(REDIS).endpoint(asAclUser().database(3).build())
                .build();

        runJob(List.of(rateLimit("user:acl", 4, 7)), config, 2);

        String key = "mg:" + EnforcementKeys.identityKey("user:acl");
        try (Store store = new Store(REDIS.uri() + "/3")) {
            assertThat(store.redis.hgetall(key)).contains(entry("version", "4"), entry("limit_rps", "7.00"));
        }
        try (Store db0 = new Store(REDIS.uri())) {
            assertThat(db0.redis.exists(key)).isZero();
        }
    }

    @Test
    void credentialsAndDatabaseCanComeFromTheUri() throws Exception {
        RedisStoreConfig config = RedisSinkTestSupport.config(REDIS)
                .uri("redis://" + USER + ":" + PASSWORD + "@" + REDIS.host() + ":" + REDIS.port() + "/5")
                .build();

        runJob(List.of(rateLimit("user:uri", 2, 1)), config, 1);

        try (Store store = new Store(REDIS.uri() + "/5")) {
            assertThat(store.redis.hget("mg:" + EnforcementKeys.identityKey("user:uri"), "version")).isEqualTo("2");
        }
        assertThat(config.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void theAclUserCannotWriteOutsideItsPrefix() {
        // Proves the ACL above is real, so the test before it shows the sink authenticates as the user.
        RedisURI uri = RedisSinkTestSupport.config(REDIS).endpoint(asAclUser().build()).build().toRedisUri();
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThatThrownBy(() -> c.sync().hset("other:key", "a", "b"))
                    .isInstanceOf(RedisException.class)
                    .hasMessageContaining("NOPERM");
        } finally {
            client.shutdown();
        }
    }
}
