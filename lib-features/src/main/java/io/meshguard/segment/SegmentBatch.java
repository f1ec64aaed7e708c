package io.meshguard.segment;

import java.util.Arrays;

/**
 * The requests of one segment in one interval, pre-aggregated ({@link SegmentBatcher}) before the
 * job shuffles them by segment: counts and the distinct identity hashes, so the segment operator
 * reads and writes its state once per batch instead of once per request. {@link
 * SegmentIntervalAggregator#add(SegmentAggregationState, SegmentBatch, java.util.function.Consumer)}
 * counts a batch exactly as it would count its requests one by one. A Flink POJO.
 */
public final class SegmentBatch {
    /** Segment id: the key of the segment operator. */
    public String segment;
    /** Start of the interval every request of the batch falls in. */
    public long intervalStartMillis;
    /** Latest request time of the batch: it moves the segment's clock as that request would have. */
    public long latestMillis;
    public long requests;
    public long authRequests;
    public long errorResponses;
    /** Distinct {@link SegmentSample#identityHash}es of the requests that had an identity. */
    public long[] identityHashes = new long[0];

    public SegmentBatch() {}

    @Override
    public String toString() {
        return "SegmentBatch{" + segment + " @" + intervalStartMillis + " latest " + latestMillis + ", " + requests
                + " req, " + authRequests + " auth, " + errorResponses + " errors, " + identityHashes.length
                + " identities" + (identityHashes.length <= 4 ? " " + Arrays.toString(identityHashes) : "") + "}";
    }
}
