package io.meshguard.enforcer;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how an {@link EnforcerClient} reads the enforcement store: the server (URI or
 * host/port, database, ACL user and password, TLS), the store's naming (key prefix and
 * notification channel, as the job writes them), the cache (size, negative TTL) and the behaviour
 * when the store is unreachable (failure mode, stale tolerance, command timeout, reconnect delay).
 * Immutable; validated by {@link Builder#build()}.
 */
public final class EnforcerClientConfig {
    public static final String DEFAULT_KEY_PREFIX = "mg:";
    public static final String DEFAULT_CHANNEL = "mg:updates";

    private final String uri;
    private final String host;
    private final int port;
    private final Integer database;
    private final String username;
    private final String password;
    private final Boolean tls;
    private final boolean verifyPeer;
    private final String keyPrefix;
    private final String channel;
    private final int maxCacheEntries;
    private final Duration negativeTtl;
    private final FailureMode failureMode;
    private final Duration staleTolerance;
    private final Duration commandTimeout;
    private final Duration reconnectDelayMax;

    private EnforcerClientConfig(Builder b) {
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
        u.setTimeout(commandTimeout);
        u.setClientName("meshguard-enforcer");
        return u;
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
        String where = uri != null ? RedisURI.create(uri).toString() : host + ":" + port;
        return where + (database != null ? " db=" + database : "")
                + (username != null ? " user=" + username : "")
                + (password != null ? " (auth)" : "")
                + (tls != null ? " tls=" + tls : "");
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
        private int maxCacheEntries = 100_000;
        private Duration negativeTtl = Duration.ofSeconds(60);
        private FailureMode failureMode = FailureMode.FAIL_OPEN;
        private Duration staleTolerance = Duration.ofSeconds(30);
        private Duration commandTimeout = Duration.ofMillis(500);
        private Duration reconnectDelayMax = Duration.ofSeconds(2);

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
            require(maxCacheEntries > 0, "maxCacheEntries must be > 0, was " + maxCacheEntries);
            Objects.requireNonNull(failureMode, "failureMode");
            requireNotNegative(negativeTtl, "negativeTtl");
            requireNotNegative(staleTolerance, "staleTolerance");
            requirePositive(commandTimeout, "commandTimeout");
            requirePositive(reconnectDelayMax, "reconnectDelayMax");
            return new EnforcerClientConfig(this);
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
