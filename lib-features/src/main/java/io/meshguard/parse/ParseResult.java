package io.meshguard.parse;

import io.meshguard.model.AccessLogRecord;
import java.util.Objects;

/** The outcome of parsing one access-log line: a record, or the reason there is none. */
public final class ParseResult {
    private final AccessLogRecord record;
    private final String error;

    private ParseResult(AccessLogRecord record, String error) {
        this.record = record;
        this.error = error;
    }

    public static ParseResult ok(AccessLogRecord record) {
        return new ParseResult(Objects.requireNonNull(record, "record"), null);
    }

    public static ParseResult failure(String reason) {
        return new ParseResult(null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isOk() {
        return record != null;
    }

    /** @throws IllegalStateException when parsing failed */
    public AccessLogRecord record() {
        if (record == null) {
            throw new IllegalStateException("no record, parsing failed: " + error);
        }
        return record;
    }

    /** @throws IllegalStateException when parsing succeeded */
    public String error() {
        if (error == null) {
            throw new IllegalStateException("no error, parsing succeeded");
        }
        return error;
    }

    @Override
    public String toString() {
        return isOk() ? "ParseResult{ok}" : "ParseResult{error='" + error + "'}";
    }
}
