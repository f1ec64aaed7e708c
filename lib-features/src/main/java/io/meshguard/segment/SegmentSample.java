package io.meshguard.segment;

import io.meshguard.features.Hashing;
import io.meshguard.features.PathClass;
import io.meshguard.model.MeshEvent;

/**
 * What {@link SegmentIntervalAggregator} needs from one request, and nothing else: the job projects
 * every {@link MeshEvent} to one of these before shuffling by segment, so the segment operator's
 * network traffic is a few dozen bytes per request instead of the whole event (path, method, byte
 * counts). A Flink POJO (public fields, no-arg constructor).
 */
public final class SegmentSample {
    /** Segment id, e.g. {@code asn:64512}: the key of the segment operator. */
    public String segment;

    public long timestampMillis;
    /** Whether the request had an identity; {@link #identityHash} means nothing without one. */
    public boolean hasIdentity;
    /** {@link Hashing#hash64} of the identity key: all the aggregator's sketches need of it. */
    public long identityHash;
    /** A login or signup request ({@link PathClass#AUTH}). */
    public boolean authRequest;
    /** A response the segment's error share counts ({@link SegmentIntervalAggregator#isCountedError}). */
    public boolean countedError;

    public SegmentSample() {}

    public static SegmentSample of(MeshEvent e) {
        SegmentSample s = new SegmentSample();
        s.segment = e.segment;
        s.timestampMillis = e.timestampMillis;
        s.hasIdentity = e.identity != null;
        s.identityHash = s.hasIdentity ? Hashing.hash64(e.identity) : 0;
        s.authRequest = PathClass.has(e.pathFlags, PathClass.AUTH);
        s.countedError = SegmentIntervalAggregator.isCountedError(e.responseCode);
        return s;
    }

    @Override
    public String toString() {
        return "SegmentSample{" + segment + " @" + timestampMillis
                + (hasIdentity ? " id#" + Long.toHexString(identityHash) : " no identity")
                + (authRequest ? " auth" : "") + (countedError ? " error" : "") + "}";
    }
}
