package io.meshguard.sim;

import io.meshguard.sim.AddressPlan.Asn;

/**
 * One simulated caller with the stable attributes its log lines carry, and the meshguard identity
 * and segment those lines resolve to.
 */
final class Actor {
    final String identity;
    final String segment;
    final boolean eastWest;
    /** North-south: the real client address. East-west: the pod address. */
    final String clientIp;
    /** North-south: the ingress gateway pod the client's connection lands on. */
    final String gatewayIp;
    final String asn;
    final String country;
    final String userId;
    final String spiffe;
    final String namespace;
    final String workload;
    final String userAgent;
    final boolean http2;
    /** Indexes of favourite catalogue entries (north-south) or usual upstream services (east-west). */
    final int[] favourites;

    private Actor(String identity, String segment, boolean eastWest, String clientIp, String gatewayIp,
            String asn, String country, String userId, String spiffe, String namespace, String workload,
            String userAgent, boolean http2, int[] favourites) {
        this.identity = identity;
        this.segment = segment;
        this.eastWest = eastWest;
        this.clientIp = clientIp;
        this.gatewayIp = gatewayIp;
        this.asn = asn;
        this.country = country;
        this.userId = userId;
        this.spiffe = spiffe;
        this.namespace = namespace;
        this.workload = workload;
        this.userAgent = userAgent;
        this.http2 = http2;
        this.favourites = favourites;
    }

    /**
     * A client on the internet. Logged-in clients ({@code userId} set) resolve to {@code user:},
     * anonymous ones to the address that reaches the gateway.
     */
    static Actor northSouth(Asn asn, String clientIp, String gatewayIp, String userId, String userAgent,
            boolean http2, int[] favourites) {
        String identity = userId != null ? "user:" + userId : "ip:" + clientIp;
        return new Actor(identity, asn.segment(), false, clientIp, gatewayIp, asn.numberText(), asn.country(),
                userId, null, null, null, userAgent, http2, favourites);
    }

    /** A mesh workload proven by mTLS; its service account shares the workload's name. */
    static Actor eastWest(String namespace, String workload, String podIp, String userAgent, int[] upstreams) {
        String spiffe = MeshTopology.spiffe(namespace, workload);
        // gRPC needs HTTP/2; the REST callers go through plain HTTP/1.1 keep-alive connections.
        boolean http2 = userAgent.startsWith("grpc");
        return new Actor("peer:" + spiffe, "ns:" + namespace, true, podIp, null, null, null, null, spiffe,
                namespace, workload, userAgent, http2, upstreams);
    }

    /** A user id as the identity provider issues them, e.g. {@code u-004711}. */
    static String userId(long number) {
        String digits = Long.toString(number);
        return "u-" + "000000".substring(Math.min(6, digits.length())) + digits;
    }
}
