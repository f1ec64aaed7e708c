package io.meshguard.identity;

import io.meshguard.features.Hashing;
import io.meshguard.model.AccessLogRecord;
import io.meshguard.model.IdentityType;
import java.util.Optional;

/**
 * Decides who made a request, in decreasing order of trust: an authenticated user ({@code
 * user_id}), then an mTLS-proven workload ({@code downstream_peer_uri_san}), then the client
 * address. Identity keys are bounded in length whatever the input.
 */
public final class IdentityResolver {
    /** Dead-letter reason for a request nobody can be blamed for. */
    public static final String NO_IDENTITY_REASON = "no caller identity: user_id, downstream_peer_uri_san"
            + " and client address are all missing or invalid";

    /** {@code #} and 16 hex digits of the full key's hash. */
    private static final int HASH_SUFFIX_LENGTH = 17;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int trustedProxyHops;
    private final int maxIdentityLength;

    public IdentityResolver(IdentityConfig config) {
        this.trustedProxyHops = config.trustedProxyHops();
        this.maxIdentityLength = config.maxIdentityLength();
    }

    /** The caller's identity, or empty when nothing identifies it (see {@link #NO_IDENTITY_REASON}). */
    public Optional<Identity> resolve(AccessLogRecord record) {
        String user = trimToNull(record.userId);
        if (user != null) {
            return Optional.of(identity(IdentityType.USER, user));
        }
        String peer = trimToNull(record.downstreamPeerUriSan);
        if (peer != null) {
            return Optional.of(identity(IdentityType.PEER, peer));
        }
        String address = clientAddress(record);
        return address == null ? Optional.empty() : Optional.of(identity(IdentityType.IP, address));
    }

    /**
     * The client's canonical IP address, or null. Only the {@code trustedProxyHops}-th {@code
     * x_forwarded_for} entry from the right is believed: entries further left are whatever the client
     * chose to send. When that entry is unusable the direct peer address is used instead, never
     * another entry.
     */
    public String clientAddress(AccessLogRecord record) {
        String forwarded = record.xForwardedFor;
        if (trustedProxyHops > 0 && forwarded != null) {
            int end = forwarded.length();
            int comma = forwarded.lastIndexOf(',', end - 1);
            for (int hop = 1; hop < trustedProxyHops && comma >= 0; hop++) {
                end = comma;
                comma = forwarded.lastIndexOf(',', end - 1);
            }
            // With fewer entries than hops the loop stops at the leftmost entry.
            String client = IpAddresses.normalize(forwarded, comma + 1, end);
            if (client != null) {
                return client;
            }
        }
        return IpAddresses.normalize(record.downstreamRemoteAddress);
    }

    private Identity identity(IdentityType type, String value) {
        return new Identity(type, bounded(type.prefix() + ':' + value));
    }

    /**
     * Keys become Flink keys, state and enforcement-store entries, so a hostile header must not make
     * them large; the hash of the full key keeps distinct long values distinct.
     */
    private String bounded(String key) {
        if (key.length() <= maxIdentityLength) {
            return key;
        }
        int keep = maxIdentityLength - HASH_SUFFIX_LENGTH;
        if (Character.isHighSurrogate(key.charAt(keep - 1))) {
            keep--;
        }
        StringBuilder out = new StringBuilder(maxIdentityLength).append(key, 0, keep).append('#');
        long hash = Hashing.hash64(key);
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (hash >>> shift) & 0xf]);
        }
        return out.toString();
    }

    private static String trimToNull(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        return trimmed.isEmpty() || trimmed.equals("-") ? null : trimmed;
    }
}
