package io.meshguard.model;

/** One raw telemetry record as a source delivered it, with where it came from. A Flink POJO. */
public final class RawTelemetry {
    /** The record's text, one JSON object. */
    public String line;
    /** Where it came from, e.g. {@code simulator}, {@code file:access.log}, {@code topic/3/1200}. */
    public String origin;

    public RawTelemetry() {}

    public RawTelemetry(String line, String origin) {
        this.line = line;
        this.origin = origin;
    }
}
