package io.meshguard.model;

/**
 * The slim, resolved form of one request that crosses the network to the per-identity operator:
 * identity and segment are resolved and the path is pre-classified, so the keyed operator does no
 * string work. A Flink POJO (public fields, no-arg constructor).
 */
public final class MeshEvent {
    /** Identity key, e.g. {@code user:alice}, {@code peer:spiffe://...}, {@code ip:203.0.113.7}. */
    public String identity;

    public IdentityType identityType;
    /** Segment id, e.g. {@code asn:64512} or {@code ns:payments}. */
    public String segment;

    public long timestampMillis;
    /** Wall-clock time (ms) the request's record was decoded, for the decision-latency metric; 0 = unknown. */
    public long arrivalMillis;
    public String method;
    /** Request path without query string, truncated to a bounded length. */
    public String path;
    /** Stable 64-bit hash of {@link #path}. */
    public long pathHash;
    /** Bit set of {@link io.meshguard.features.PathClass} flags. */
    public int pathFlags;
    /** Stable hash of the upstream cluster (0 when unknown). */
    public int upstreamHash;

    public int responseCode;
    public long bytesReceived;
    public long bytesSent;
    public long durationMillis;
    /** One of {@link io.meshguard.features.UserAgentClass}'s ordinals. */
    public int userAgentClass;

    public MeshEvent() {}
}
