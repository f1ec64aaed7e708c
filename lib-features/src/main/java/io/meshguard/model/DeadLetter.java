package io.meshguard.model;

/** An input record that could not be used, kept with the reason so nothing is silently lost. */
public final class DeadLetter {
    /** The raw input, exactly as received (bounded in length by the producer). */
    public String raw;
    /** Human-readable reason, e.g. {@code missing required key 'path'}. */
    public String reason;
    /** Where the record came from, e.g. a file path or {@code topic/partition/offset}. */
    public String origin;
    /** Wall-clock time when the record was rejected. */
    public long rejectedAtMillis;

    public DeadLetter() {}

    public DeadLetter(String raw, String reason, String origin, long rejectedAtMillis) {
        this.raw = raw;
        this.reason = reason;
        this.origin = origin;
        this.rejectedAtMillis = rejectedAtMillis;
    }

    @Override
    public String toString() {
        return "DeadLetter{reason='" + reason + "', raw='" + raw + "'}";
    }
}
