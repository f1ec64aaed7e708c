package io.meshguard.parse;

import io.meshguard.model.AccessLogRecord;
import io.meshguard.model.MeshEvent;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of decoding one telemetry line: a {@link MeshEvent}, or the dead-letter reason. The
 * parsed record is kept when parsing got that far, for debugging and explanations.
 */
public final class DecodeResult {
    private final MeshEvent event;
    private final AccessLogRecord record;
    private final String error;

    private DecodeResult(MeshEvent event, AccessLogRecord record, String error) {
        this.event = event;
        this.record = record;
        this.error = error;
    }

    public static DecodeResult ok(MeshEvent event, AccessLogRecord record) {
        return new DecodeResult(Objects.requireNonNull(event, "event"), record, null);
    }

    /** A failure; {@code record} is null when the line did not even parse. */
    public static DecodeResult failure(String reason, AccessLogRecord record) {
        return new DecodeResult(null, record, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isOk() {
        return event != null;
    }

    /** @throws IllegalStateException when decoding failed */
    public MeshEvent event() {
        if (event == null) {
            throw new IllegalStateException("no event, decoding failed: " + error);
        }
        return event;
    }

    /** @throws IllegalStateException when decoding succeeded */
    public String error() {
        if (error == null) {
            throw new IllegalStateException("no error, decoding succeeded");
        }
        return error;
    }

    /** The parsed access-log record, present whenever the line parsed (even if it was then rejected). */
    public Optional<AccessLogRecord> record() {
        return Optional.ofNullable(record);
    }

    @Override
    public String toString() {
        return isOk() ? "DecodeResult{ok " + event.identity + "}" : "DecodeResult{error='" + error + "'}";
    }
}
