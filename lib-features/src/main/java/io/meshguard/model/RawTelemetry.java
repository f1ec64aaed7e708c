package io.meshguard.model;

/** One raw telemetry record as a source delivered it, with where it came from. A Flink POJO. */
public final class RawTelemetry {
    /** {@link #timestampMillis} when the source did not read an event time from the record. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    /** The record's text, one JSON object. */
    public String line;
    /** Where it came from, e.g. {@code simulator}, {@code file:access.log}, {@code kafka:topic/3@1200}. */
    public String origin;
    /**
     * Event time (ms since the epoch) a source read cheaply from the record ({@code start_time}), so
     * that it can generate watermarks before decoding; {@link #NO_TIMESTAMP} when it did not (most
     * sources) or could not (the record lacks a usable {@code start_time}). The decoder stays the
     * authority on the event's time.
     */
    public long timestampMillis = NO_TIMESTAMP;

    public RawTelemetry() {}

    public RawTelemetry(String line, String origin) {
        this.line = line;
        this.origin = origin;
    }

    public RawTelemetry(String line, String origin, long timestampMillis) {
        this.line = line;
        this.origin = origin;
        this.timestampMillis = timestampMillis;
    }
}
