package io.meshguard.detect;

import io.meshguard.features.Hashing;
import io.meshguard.features.UserAgentClass;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;

/** Test-only builder of {@link MeshEvent}s: a plain GET of "/" answered 200 unless told otherwise. */
public final class MeshEvents {
    private final MeshEvent e = new MeshEvent();

    private MeshEvents(long timestampMillis) {
        e.identity = "ip:203.0.113.7";
        e.identityType = IdentityType.IP;
        e.segment = "asn:64500";
        e.timestampMillis = timestampMillis;
        e.method = "GET";
        path("/");
        e.responseCode = 200;
        e.userAgentClass = UserAgentClass.NORMAL.ordinal();
    }

    /** A request at event time {@code timestampMillis}. */
    public static MeshEvents at(long timestampMillis) {
        return new MeshEvents(timestampMillis);
    }

    public MeshEvents identity(String identity, IdentityType type) {
        e.identity = identity;
        e.identityType = type;
        return this;
    }

    public MeshEvents segment(String segment) {
        e.segment = segment;
        return this;
    }

    /** Sets the path and its hash, as the parser would. */
    public MeshEvents path(String path) {
        e.path = path;
        e.pathHash = Hashing.hash64(path);
        return this;
    }

    public MeshEvents flags(int pathFlags) {
        e.pathFlags = pathFlags;
        return this;
    }

    /** Sets the upstream cluster's hash, as the parser would. */
    public MeshEvents upstream(String cluster) {
        e.upstreamHash = (int) Hashing.hash64(cluster);
        return this;
    }

    public MeshEvents code(int responseCode) {
        e.responseCode = responseCode;
        return this;
    }

    public MeshEvents bytes(long received, long sent) {
        e.bytesReceived = received;
        e.bytesSent = sent;
        return this;
    }

    public MeshEvents duration(long millis) {
        e.durationMillis = millis;
        return this;
    }

    public MeshEvents userAgent(UserAgentClass ua) {
        e.userAgentClass = ua.ordinal();
        return this;
    }

    public MeshEvent build() {
        return e;
    }
}
