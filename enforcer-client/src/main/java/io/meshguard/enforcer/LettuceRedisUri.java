package io.meshguard.enforcer;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.meshguard.store.RedisEndpoint;

/**
 * Turns a {@link RedisEndpoint} into the Lettuce URI that {@link EnforcerClientConfig#toRedisUri()}
 * and the jobs' Redis enforcement sink build on, so reader and writer connect the same way.
 */
public final class LettuceRedisUri {
    private LettuceRedisUri() {}

    /** The endpoint's URI (or host/port) with its database, credentials and TLS applied over it. */
    public static RedisURI of(RedisEndpoint endpoint) {
        RedisURI u = endpoint.uri().map(RedisURI::create)
                .orElseGet(() -> RedisURI.create(endpoint.host(), endpoint.port()));
        endpoint.database().ifPresent(u::setDatabase);
        endpoint.password().ifPresent(password -> {
            if (endpoint.username().isPresent()) {
                u.setAuthentication(endpoint.username().get(), password.toCharArray());
            } else {
                u.setAuthentication(password.toCharArray());
            }
        });
        endpoint.tls().ifPresent(u::setSsl);
        if (u.isSsl()) {
            u.setVerifyPeer(endpoint.verifyPeer() ? SslVerifyMode.FULL : SslVerifyMode.NONE);
        }
        return u;
    }
}
