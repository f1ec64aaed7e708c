package io.meshguard.control;

/**
 * An operator's or enforcer's report that meshguard acted on a caller it should not have: release
 * the identity and loosen its segment. The segment is the one named in the decision being
 * disputed. A Flink POJO.
 */
public final class FalsePositiveReport {
    /** Identity key as it appears in decisions, e.g. {@code user:alice}. */
    public String identity;
    /** Segment of the disputed decision, e.g. {@code asn:64500}. */
    public String segment;
    /** When the false positive was observed (ms since the epoch). */
    public long timestampMillis;
    /** Who reported it and why, for the audit trail; may be null. */
    public String note;

    public FalsePositiveReport() {}

    public static FalsePositiveReport of(String identity, String segment, long timestampMillis, String note) {
        FalsePositiveReport r = new FalsePositiveReport();
        r.identity = identity;
        r.segment = segment;
        r.timestampMillis = timestampMillis;
        r.note = note;
        return r;
    }

    @Override
    public String toString() {
        return "FalsePositiveReport{" + identity + " in " + segment + " @" + timestampMillis + "}";
    }
}
