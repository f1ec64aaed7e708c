package io.meshguard.sim;

/**
 * meshguard's identity and segment resolution, restated independently of the simulator so tests
 * can check that lines resolve to the identities the labels name.
 */
final class IdentityRule {
    private IdentityRule() {}

    static boolean missing(String value) {
        return value == null || value.isEmpty() || value.equals("-");
    }

    /** {@code user_id}, else the mTLS peer, else the last X-Forwarded-For hop, else the TCP peer. */
    static String identity(String userId, String peerSan, String forwardedFor, String remoteAddress) {
        if (!missing(userId)) {
            return "user:" + userId;
        }
        if (!missing(peerSan)) {
            return "peer:" + peerSan;
        }
        if (!missing(forwardedFor)) {
            String[] hops = forwardedFor.split(",");
            return "ip:" + hops[hops.length - 1].trim();
        }
        if (!missing(remoteAddress)) {
            int colon = remoteAddress.lastIndexOf(':');
            return "ip:" + (colon > 0 ? remoteAddress.substring(0, colon) : remoteAddress);
        }
        return null;
    }

    /** {@code asn:<client_asn>} for internet traffic, {@code ns:<source_namespace>} inside the mesh. */
    static String segment(String clientAsn, String sourceNamespace) {
        if (!missing(clientAsn)) {
            return "asn:" + clientAsn;
        }
        if (!missing(sourceNamespace)) {
            return "ns:" + sourceNamespace;
        }
        return "unknown";
    }
}
