package io.meshguard.enforcer;

import io.lettuce.core.RedisURI;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.RedisEndpoint;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how an {@link EnforcerClient} reads the enforcement store: the server (a {@link
 * RedisEndpoint}: URI or host/port, database, ACL user and password, TLS), the store's naming (key
 * prefix and notification channel, as the job writes them), the cache (size, negative TTL) and the
 * behaviour when the store is unreachable (failure mode, stale tolerance, command timeout,
 * reconnect delay).
 * Immutable; validated by {@link Builder#build()}.
 */
public final class EnforcerClientConfig {
    public static final String DEFAULT_KEY_PREFIX = EnforcementKeys.DEFAULT_REDIS_PREFIX;
    public static final String DEFAULT_CHANNEL = EnforcementKeys.DEFAULT_UPDATE_CHANNEL;

    private final RedisEndpoint endpoint;
    private final String keyPrefix;
    private final String channel;
    private final int maxCacheEntries;
    private final Duration negativeTtl;
    private final FailureMode failureMode;
    private final Duration staleTolerance;
    private final Duration commandTimeout;
    private final Duration reconnectDelayMax;

    private EnforcerClientConfig(Builder b, RedisEndpoint endpoint) {
        this.endpoint = endpoint;
        this.keyPrefix = b.keyPrefix;
        this.channel = b.channel;
        this.maxCacheEntries = b.maxCacheEntries;
        this.negativeTtl = b.negativeTtl;
        this.failureMode = b.failureMode;
        this.staleTolerance = b.staleTolerance;
        this.commandTimeout = b.commandTimeout;
        this.reconnectDelayMax = b.reconnectDelayMax;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Lettuce URI: the endpoint's, with this client's timeout and name. */
    public RedisURI toRedisUri() {
        RedisURI u = LettuceRedisUri.of(endpoint);
        u.setTimeout(commandTimeout);
        u.setClientName("meshguard-enforcer");
        return u;
    }

    /** The Redis server and how to log in to it. */
    public RedisEndpoint endpoint() {
        return endpoint;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public String channel() {
        return channel;
    }

    public int maxCacheEntries() {
        return maxCacheEntries;
    }

    public Duration negativeTtl() {
        return negativeTtl;
    }

    public FailureMode failureMode() {
        return failureMode;
    }

    public Duration staleTolerance() {
        return staleTolerance;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public Duration reconnectDelayMax() {
        return reconnectDelayMax;
    }

    /** The server as logs may show it: no credentials. */
    public String describeServer() {
        return endpoint.describe();
    }

    @Override
    public String toString() {
        return "EnforcerClientConfig{" + describeServer() + ", keyPrefix='" + keyPrefix + "', channel='" + channel
                + "', maxCacheEntries=" + maxCacheEntries + ", negativeTtl=" + negativeTtl
                + ", failureMode=" + failureMode + ", staleTolerance=" + staleTolerance
                + ", commandTimeout=" + commandTimeout + ", reconnectDelayMax=" + reconnectDelayMax + "}";
    }

    /**
     * Defaults: {@code localhost:6379}, db 0, no auth, no TLS, prefix {@value #DEFAULT_KEY_PREFIX},
     * channel {@value #DEFAULT_CHANNEL}, 100,000 cached entries, negative TTL 60 s, FAIL_OPEN, stale
     * tolerance 30 s, command timeout 500 ms, reconnect delay up to 2 s.
     */
    public static final class Builder {
        private RedisEndpoint.Builder endpoint = RedisEndpoint.builder();
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private String channel = DEFAULT_CHANNEL;
        private int maxCacheEntries = 100_000;
        private Duration negativeTtl = Duration.ofSeconds(60);
        private FailureMode failureMode = FailureMode.FAIL_OPEN;
        private Duration staleTolerance = Duration.ofSeconds(30);
        private Duration commandTimeout = Duration.ofMillis(500);
        private Duration reconnectDelayMax = Duration.ofSeconds(2);

        private Builder() {}

        /** The Redis server: where it is, and the database, login and TLS to use there. */
        public Builder endpoint(RedisEndpoint endpoint) {
            this.endpoint = endpoint.toBuilder();
            return this;
        }

        /** Sets the endpoint's URI: {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}. */
        public Builder uri(String uri) {
            endpoint.uri(uri);
            return this;
        }

        /** Must match the job's Redis key prefix. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Must match the job's notification channel. */
        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        /** Entries (identities and segments) kept; the least recently used go first. */
        public Builder maxCacheEntries(int maxCacheEntries) {
            this.maxCacheEntries = maxCacheEntries;
            return this;
        }

        /** How long "no entry" is cached; present entries stay until a notification or eviction. */
        public Builder negativeTtl(Duration negativeTtl) {
            this.negativeTtl = negativeTtl;
            return this;
        }

        public Builder failureMode(FailureMode failureMode) {
            this.failureMode = failureMode;
            return this;
        }

        /**
         * While the store is unreachable, how long after the subscription was lost a cached entry may
         * still answer (flagged degraded) before the failure mode does. Zero: the failure mode answers
         * at once.
         */
        public Builder staleTolerance(Duration staleTolerance) {
            this.staleTolerance = staleTolerance;
            return this;
        }

        /** The longest a verdict waits for the store; on the request path, so keep it short. */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
            return this;
        }

        /** The longest pause between reconnect attempts (they back off exponentially up to it). */
        public Builder reconnectDelayMax(Duration reconnectDelayMax) {
            this.reconnectDelayMax = reconnectDelayMax;
            return this;
        }

        public EnforcerClientConfig build() {
            RedisEndpoint server = endpoint.build(); // its settings are checked first, as before
            require(keyPrefix != null, "keyPrefix must not be null (use \"\" for none)");
            require(channel != null && !channel.isEmpty(), "channel must be set");
            require(maxCacheEntries > 0, "maxCacheEntries must be > 0, was " + maxCacheEntries);
            Objects.requireNonNull(failureMode, "failureMode");
            requireNotNegative(negativeTtl, "negativeTtl");
            requireNotNegative(staleTolerance, "staleTolerance");
            requirePositive(commandTimeout, "commandTimeout");
            requirePositive(reconnectDelayMax, "reconnectDelayMax");
            return new EnforcerClientConfig(this, server);
        }

        private static void requirePositive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            require(d.toMillis() > 0, name + " must be at least 1 ms, was " + d);
        }

        private static void requireNotNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            require(!d.isNegative(), name + " must not be negative, was " + d);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
