package io.meshguard.store;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The Redis server of the enforcement store, as both its writer (the job's sink) and its readers
 * (enforcers) connect to it: a URI or host/port, and optionally a database, ACL user, password and
 * TLS, each of which wins over what the URI says. Plain Java, so the client library stays the
 * caller's choice; immutable and validated by {@link Builder#build()}; serializable, since the
 * job's sink carries it to the task managers.
 */
public final class RedisEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 6379;

    /** The schemes Lettuce accepts; TLS and sentinel variants included, so no valid URI is refused. */
    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis+ssl", "redis+tls",
            "redis-socket", "redis+socket", "redis-sentinel", "rediss-sentinel");

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

    private RedisEndpoint(Builder b) {
        this.uri = b.uri;
        this.host = b.host;
        this.port = b.port;
        this.database = b.database;
        this.username = b.username;
        this.password = b.password;
        this.tls = b.tls;
        this.verifyPeer = b.verifyPeer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this endpoint's settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.uri = uri;
        b.host = host;
        b.port = port;
        b.database = database;
        b.username = username;
        b.password = password;
        b.tls = tls;
        b.verifyPeer = verifyPeer;
        return b;
    }

    /** The configured URI; empty when the server is given as {@link #host()} and {@link #port()}. */
    public Optional<String> uri() {
        return Optional.ofNullable(uri);
    }

    /** The host when no URI is set. */
    public String host() {
        return host;
    }

    /** The port when no URI is set. */
    public int port() {
        return port;
    }

    /** The database to select, over the URI's; empty: the URI's, or 0. */
    public OptionalInt database() {
        return database == null ? OptionalInt.empty() : OptionalInt.of(database);
    }

    /** The ACL user ({@code AUTH user password}); empty with a password: {@code AUTH password}. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** Whether to use TLS, over the URI's scheme; empty: the scheme decides ({@code rediss://}). */
    public Optional<Boolean> tls() {
        return Optional.ofNullable(tls);
    }

    /** With TLS: whether the server's certificate and host name are checked. */
    public boolean verifyPeer() {
        return verifyPeer;
    }

    /** The server as logs may show it: a URI's password is masked, a configured one only noted. */
    public String describe() {
        String where = uri != null ? withMaskedPassword(parse(uri)) : host + ":" + port;
        return where + (database != null ? " db=" + database : "")
                + (username != null ? " user=" + username : "")
                + (password != null ? " (auth)" : "")
                + (tls != null ? " tls=" + tls : "");
    }

    @Override
    public String toString() {
        return "RedisEndpoint{" + describe() + ", verifyPeer=" + verifyPeer + "}";
    }

    private static URI parse(String uri) {
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed Redis URI: " + e.getMessage(), e);
        }
    }

    /** {@code user:*@} for {@code user:password@}, {@code *@} for a bare password. */
    private static String withMaskedPassword(URI u) {
        String authority = u.getRawAuthority();
        StringBuilder s = new StringBuilder(u.getScheme()).append("://");
        if (authority != null) {
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String userInfo = authority.substring(0, at);
                int colon = userInfo.indexOf(':');
                s.append(colon > 0 ? userInfo.substring(0, colon) + ":*" : "*").append('@');
                authority = authority.substring(at + 1);
            }
            s.append(authority);
        }
        if (u.getRawPath() != null) {
            s.append(u.getRawPath());
        }
        if (u.getRawQuery() != null) {
            s.append('?').append(u.getRawQuery());
        }
        if (u.getRawFragment() != null) {
            s.append('#').append(u.getRawFragment());
        }
        return s.toString();
    }

    /** Defaults: {@code localhost:6379}, the URI's (or no) database, no auth, TLS as the URI says. */
    public static final class Builder {
        private String uri;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Integer database;
        private String username;
        private String password;
        private Boolean tls;
        private boolean verifyPeer = true;

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

        /** Throws {@link IllegalArgumentException} naming the first bad setting. */
        public RedisEndpoint build() {
            if (uri != null) {
                requireRedisUri(parse(uri));
            } else {
                require(host != null && !host.isBlank(), "host must be set (or a URI)");
                require(port > 0 && port <= 65535, "port must be in 1..65535, was " + port);
            }
            require(database == null || database >= 0, "database must be >= 0, was " + database);
            require(username == null || password != null, "an ACL username needs a password");
            return new RedisEndpoint(this);
        }

        private static void requireRedisUri(URI u) {
            String scheme = u.getScheme();
            require(scheme != null && SCHEMES.contains(scheme), "Scheme " + scheme + " not supported");
            // A socket URI names a file path; every other scheme needs a server.
            require(scheme.contains("socket") || u.getRawAuthority() != null,
                    "a Redis URI needs a host: " + withMaskedPassword(u));
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
