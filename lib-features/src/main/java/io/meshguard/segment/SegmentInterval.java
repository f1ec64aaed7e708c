package io.meshguard.segment;

/**
 * One segment's figures for one closed interval of event time (1 s by default), as the
 * aggregating operator counted them. A Flink POJO.
 *
 * <p>What the counts must mean, so that the controller cannot feed on its own actions:
 *
 * <ul>
 *   <li>{@link #errorResponses}: client errors (400-499) <em>other than</em> 429 and the denials
 *       meshguard's own enforcement caused (Envoy flags {@code RL} and {@code UAEX}); otherwise every
 *       rate limit the segment imposes would raise its error share and tighten it further. 5xx are
 *       left out too: an overloaded backend answers 503 to everyone during a flash crowd, which says
 *       nothing about the callers.
 *   <li>{@link #anomalousIdentities}: identities of the interval whose score is at or above the
 *       <em>base</em> rate-limit cut-off (before this segment's tightening), for the same reason.
 * </ul>
 */
public final class SegmentInterval {
    public static final long DEFAULT_DURATION_MILLIS = 1000;

    /** Event time (ms, exclusive) at which the interval closed. */
    public long endMillis;
    /** Length of the interval; rates are per second of it. */
    public long durationMillis = DEFAULT_DURATION_MILLIS;

    public long requests;
    /** Identities with at least one request in the interval. */
    public int distinctIdentities;
    /** Identities seen for the first time (no state before this interval). */
    public int newIdentities;
    /** Requests to signup and login endpoints. */
    public long authRequests;
    public long errorResponses;
    public int anomalousIdentities;
    /** Identities of the segment currently quarantined; reported, and used by the blast-radius guard. */
    public int quarantinedIdentities;

    public SegmentInterval() {}

    /** An interval of the default length (1 s) ending at {@code endMillis}. */
    public static SegmentInterval of(
            long endMillis, long requests, int distinctIdentities, int newIdentities, long authRequests,
            long errorResponses, int anomalousIdentities, int quarantinedIdentities) {
        SegmentInterval i = new SegmentInterval();
        i.endMillis = endMillis;
        i.requests = requests;
        i.distinctIdentities = distinctIdentities;
        i.newIdentities = newIdentities;
        i.authRequests = authRequests;
        i.errorResponses = errorResponses;
        i.anomalousIdentities = anomalousIdentities;
        i.quarantinedIdentities = quarantinedIdentities;
        return i;
    }

    /** @throws IllegalArgumentException naming the first impossible figure */
    public void validate() {
        if (durationMillis <= 0) {
            throw new IllegalArgumentException("interval duration must be positive, got " + durationMillis);
        }
        if (requests < 0 || distinctIdentities < 0 || newIdentities < 0 || authRequests < 0 || errorResponses < 0
                || anomalousIdentities < 0 || quarantinedIdentities < 0) {
            throw new IllegalArgumentException("interval counts must not be negative: " + this);
        }
    }

    @Override
    public String toString() {
        return "SegmentInterval{end=" + endMillis + ", duration=" + durationMillis + ", requests=" + requests
                + ", distinct=" + distinctIdentities + ", new=" + newIdentities + ", auth=" + authRequests
                + ", errors=" + errorResponses + ", anomalous=" + anomalousIdentities
                + ", quarantined=" + quarantinedIdentities + "}";
    }
}
