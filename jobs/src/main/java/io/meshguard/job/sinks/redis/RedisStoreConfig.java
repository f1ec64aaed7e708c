package io.meshguard.job.sinks.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link RedisEnforcementSink} writes: the server (URI or host/port, database, ACL
 * user and password, TLS), the store's naming (key prefix, notification channel, how long a
 * release keeps its version) and the async sink's batching, in-flight, buffering, timeout and
 * retry-backoff limits. Immutable and validated by {@link Builder#build()}; serializable, since it
 * travels inside the sink to the task managers.
 */
public final class RedisStoreConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_KEY_PREFIX = "mg:";
    public static final String DEFAULT_CHANNEL = "mg:updates";
    public static final Duration DEFAULT_RELEASE_RETENTION = Duration.ofHours(1);

    /** A {@code redis://} / {@code rediss://} URI, or null to use {@link #host}/{@link #port}. */
    private final String uri;
    private final String host;
    private final int port;
    /** Null: the URI's database, or 0. */
    private final Integer database;
    private final String username;
    private final String password;
    /** Null: the URI's scheme decides ({@code rediss://}), or off. */
    private final Boolean tls;
    private final boolean verifyPeer;
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

    private RedisStoreConfig(Builder b) {
        this.uri = b.uri;
        this.host = b.host;
        this.port = b.port;
        this.database = b.database;
        this.username = b.username;
        this.password = b.password;
        this.tls = b.tls;
        this.verifyPeer = b.verifyPeer;
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

    /** The Lettuce URI: the configured URI (or host/port) with database, credentials and TLS applied. */
    public RedisURI toRedisUri() {
        RedisURI u = uri != null ? RedisURI.create(uri) : RedisURI.create(host, port);
        if (database != null) {
            u.setDatabase(database);
        }
        if (password != null) {
            if (username != null) {
                u.setAuthentication(username, password.toCharArray());
            } else {
                u.setAuthentication(password.toCharArray());
            }
        }
        if (tls != null) {
            u.setSsl(tls);
        }
        if (u.isSsl()) {
            u.setVerifyPeer(verifyPeer ? SslVerifyMode.FULL : SslVerifyMode.NONE);
        }
        u.setTimeout(requestTimeout());
        u.setClientName("meshguard-enforcement-sink");
        return u;
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
        String where = uri != null ? RedisURI.create(uri).toString() : host + ":" + port;
        return where + (database != null ? " db=" + database : "")
                + (username != null ? " user=" + username : "")
                + (password != null ? " (auth)" : "")
                + (tls != null ? " tls=" + tls : "");
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
        private String uri;
        private String host = "localhost";
        private int port = 6379;
        private Integer database;
        private String username;
        private String password;
        private Boolean tls;
        private boolean verifyPeer = true;
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

        /** {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}; wins over host/port. */
        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder database(int database) {
            this.database = database;
            return this;
        }

        /** The ACL user ({@code AUTH user password}); without it, {@code AUTH password}. */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** With TLS: check the server's certificate and host name (default), or trust any. */
        public Builder verifyPeer(boolean verifyPeer) {
            this.verifyPeer = verifyPeer;
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
            if (uri != null) {
                RedisURI.create(uri); // fails early on a malformed URI
            } else {
                require(host != null && !host.isBlank(), "host must be set (or a URI)");
                require(port > 0 && port <= 65535, "port must be in 1..65535, was " + port);
            }
            require(database == null || database >= 0, "database must be >= 0, was " + database);
            require(username == null || password != null, "an ACL username needs a password");
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
            return new RedisStoreConfig(this);
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
