package io.meshguard.identity;

import java.io.Serializable;

/**
 * How callers are identified.
 *
 * @param trustedProxyHops how many proxies we run in front of the mesh append to {@code
 *     x_forwarded_for}; the client is the entry this many from the right. 0 ignores the header.
 * @param maxIdentityLength longer identity keys are truncated and suffixed with a hash
 */
public record IdentityConfig(int trustedProxyHops, int maxIdentityLength) implements Serializable {
    public static final int DEFAULT_TRUSTED_PROXY_HOPS = 1;
    public static final int DEFAULT_MAX_IDENTITY_LENGTH = 256;
    /** Room for a type prefix, some of the value and the 17-character hash suffix. */
    public static final int MIN_IDENTITY_LENGTH = 32;
    /** Deeper proxy chains than this are a misconfiguration, not a topology. */
    public static final int MAX_TRUSTED_PROXY_HOPS = 32;

    public IdentityConfig {
        if (trustedProxyHops < 0 || trustedProxyHops > MAX_TRUSTED_PROXY_HOPS) {
            throw new IllegalArgumentException(
                    "trustedProxyHops must be within 0.." + MAX_TRUSTED_PROXY_HOPS + ": " + trustedProxyHops);
        }
        if (maxIdentityLength < MIN_IDENTITY_LENGTH) {
            throw new IllegalArgumentException(
                    "maxIdentityLength must be at least " + MIN_IDENTITY_LENGTH + ": " + maxIdentityLength);
        }
    }

    public static IdentityConfig defaults() {
        return new IdentityConfig(DEFAULT_TRUSTED_PROXY_HOPS, DEFAULT_MAX_IDENTITY_LENGTH);
    }

    public IdentityConfig withTrustedProxyHops(int hops) {
        return new IdentityConfig(hops, maxIdentityLength);
    }

    public IdentityConfig withMaxIdentityLength(int length) {
        return new IdentityConfig(trustedProxyHops, length);
    }
}
