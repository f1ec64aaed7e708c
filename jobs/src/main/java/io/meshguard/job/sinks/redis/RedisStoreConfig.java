package io.meshguard.job.sinks.redis;

import io.lettuce.core.RedisURI;
import io.meshguard.enforcer.LettuceRedisUri;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.RedisEndpoint;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link RedisEnforcementSink} writes: the server (a {@link RedisEndpoint}: URI or
 * host/port, database, ACL user and password, TLS), the store's naming (key prefix, notification
 * channel, how long a release keeps its version) and the async sink's batching, in-flight,
 * buffering, timeout and retry-backoff limits. Immutable and validated by {@link Builder#build()};
 * serializable, since it travels inside the sink to the task managers.
 */
public final class RedisStoreConfig implements Serializable {
    private static final long serialVersionUID = 2L;

    public static final String DEFAULT_KEY_PREFIX = EnforcementKeys.DEFAULT_REDIS_PREFIX;
    public static final String DEFAULT_CHANNEL = EnforcementKeys.DEFAULT_UPDATE_CHANNEL;
    public static final Duration DEFAULT_RELEASE_RETENTION = Duration.ofHours(1);

    private final RedisEndpoint endpoint;
    private final String keyPrefix;
    private final String channel;
    private final long releaseRetentionMillis;
    private final int maxBatchSize;
    private final int maxInFlightRequests;
    private final int maxBufferedRequests;
    private final long maxTimeInBufferMillis;
    private final long requestTimeoutMillis;
    private final long retryBackoffInitialMillis;
    private final long retryBackoffMaxMillis;

    private RedisStoreConfig(Builder b, RedisEndpoint endpoint) {
        this.endpoint = endpoint;
        this.keyPrefix = b.keyPrefix;
        this.channel = b.channel;
        this.releaseRetentionMillis = b.releaseRetention.toMillis();
        this.maxBatchSize = b.maxBatchSize;
        this.maxInFlightRequests = b.maxInFlightRequests;
        this.maxBufferedRequests = b.maxBufferedRequests;
        this.maxTimeInBufferMillis = b.maxTimeInBuffer.toMillis();
        this.requestTimeoutMillis = b.requestTimeout.toMillis();
        this.retryBackoffInitialMillis = b.retryBackoffInitial.toMillis();
        this.retryBackoffMaxMillis = b.retryBackoffMax.toMillis();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Lettuce URI: the endpoint's, with this client's timeout and name. */
    public RedisURI toRedisUri() {
        RedisURI u = LettuceRedisUri.of(endpoint);
        u.setTimeout(requestTimeout());
        u.setClientName("meshguard-enforcement-sink");
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

    public Duration releaseRetention() {
        return Duration.ofMillis(releaseRetentionMillis);
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    public int maxBufferedRequests() {
        return maxBufferedRequests;
    }

    public Duration maxTimeInBuffer() {
        return Duration.ofMillis(maxTimeInBufferMillis);
    }

    /** Per Redis command (Lettuce's command timeout); also the connect timeout. */
    public Duration requestTimeout() {
        return Duration.ofMillis(requestTimeoutMillis);
    }

    public Duration retryBackoffInitial() {
        return Duration.ofMillis(retryBackoffInitialMillis);
    }

    public Duration retryBackoffMax() {
        return Duration.ofMillis(retryBackoffMaxMillis);
    }

    /** The server as logs may show it: no credentials. */
    public String describeServer() {
        return endpoint.describe();
    }

    @Override
    public String toString() {
        return "RedisStoreConfig{" + describeServer() + ", keyPrefix='" + keyPrefix + "', channel='" + channel
                + "', releaseRetention=" + releaseRetention() + ", maxBatchSize=" + maxBatchSize
                + ", maxInFlightRequests=" + maxInFlightRequests + ", maxBufferedRequests=" + maxBufferedRequests
                + ", maxTimeInBuffer=" + maxTimeInBuffer() + ", requestTimeout=" + requestTimeout()
                + ", retryBackoff=" + retryBackoffInitial() + ".." + retryBackoffMax() + "}";
    }

    /** Defaults: {@code localhost:6379}, db 0, no auth, no TLS, prefix {@value #DEFAULT_KEY_PREFIX}. */
    public static final class Builder {
        private RedisEndpoint.Builder endpoint = RedisEndpoint.builder();
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private String channel = DEFAULT_CHANNEL;
        private Duration releaseRetention = DEFAULT_RELEASE_RETENTION;
        private int maxBatchSize = 200;
        private int maxInFlightRequests = 8;
        private int maxBufferedRequests = 10_000;
        private Duration maxTimeInBuffer = Duration.ofMillis(50);
        private Duration requestTimeout = Duration.ofSeconds(2);
        private Duration retryBackoffInitial = Duration.ofMillis(100);
        private Duration retryBackoffMax = Duration.ofSeconds(5);

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

        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        /** How long a released (ALLOW) entry keeps its version to turn away replays of older ones. */
        public Builder releaseRetention(Duration releaseRetention) {
            this.releaseRetention = releaseRetention;
            return this;
        }

        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public Builder maxInFlightRequests(int maxInFlightRequests) {
            this.maxInFlightRequests = maxInFlightRequests;
            return this;
        }

        public Builder maxBufferedRequests(int maxBufferedRequests) {
            this.maxBufferedRequests = maxBufferedRequests;
            return this;
        }

        public Builder maxTimeInBuffer(Duration maxTimeInBuffer) {
            this.maxTimeInBuffer = maxTimeInBuffer;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder retryBackoffInitial(Duration retryBackoffInitial) {
            this.retryBackoffInitial = retryBackoffInitial;
            return this;
        }

        public Builder retryBackoffMax(Duration retryBackoffMax) {
            this.retryBackoffMax = retryBackoffMax;
            return this;
        }

        public RedisStoreConfig build() {
            RedisEndpoint server = endpoint.build(); // its settings are checked first, as before
            require(keyPrefix != null, "keyPrefix must not be null (use \"\" for none)");
            require(channel != null && !channel.isEmpty(), "channel must be set");
            requirePositive(releaseRetention, "releaseRetention");
            require(maxBatchSize > 0, "maxBatchSize must be > 0");
            require(maxInFlightRequests > 0, "maxInFlightRequests must be > 0");
            require(maxBufferedRequests > maxBatchSize,
                    "maxBufferedRequests must be greater than maxBatchSize (the async sink base requires it)");
            requirePositive(maxTimeInBuffer, "maxTimeInBuffer");
            requirePositive(requestTimeout, "requestTimeout");
            requirePositive(retryBackoffInitial, "retryBackoffInitial");
            requirePositive(retryBackoffMax, "retryBackoffMax");
            require(retryBackoffMax.compareTo(retryBackoffInitial) >= 0,
                    "retryBackoffMax must be >= retryBackoffInitial");
            return new RedisStoreConfig(this, server);
        }

        private static void requirePositive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            require(!d.isNegative() && !d.isZero() && d.toMillis() > 0, name + " must be at least 1 ms, was " + d);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
