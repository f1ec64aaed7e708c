package io.meshguard.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads one line of a control file or topic. A line holding an object with the single key {@code
 * false_positive} is a {@link FalsePositiveReport}:
 *
 * <pre>{@code {"false_positive": {"identity": "user:alice", "segment": "asn:64500",
 *                     "ts": "2026-11-23T12:00:00Z", "note": "ticket 42"}}}</pre>
 *
 * ({@code ts} as an ISO-8601 instant or epoch milliseconds). Anything else is taken to be a policy
 * document: the policy gate validates it and reports a bad one in the audit output. A malformed
 * false-positive report is an {@link IllegalArgumentException} naming the problem, for the
 * dead-letter output.
 */
public final class ControlLines {
    static final String FALSE_POSITIVE = "false_positive";
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ControlLines() {}

    /**
     * The control message of one line; blank lines give null.
     *
     * @throws IllegalArgumentException for a malformed false-positive report, saying what is wrong
     */
    public static Control parse(String line, String origin) {
        if (line == null || line.isBlank()) {
            return null;
        }
        String trimmed = line.strip();
        if (!isFalsePositive(trimmed)) {
            return Control.policy(trimmed, origin);
        }
        try {
            return Control.feedback(readReport(trimmed), origin);
        } catch (IOException e) {
            throw new IllegalArgumentException("false_positive: not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static boolean isFalsePositive(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            return p.nextToken() == JsonToken.START_OBJECT
                    && p.nextToken() == JsonToken.FIELD_NAME
                    && FALSE_POSITIVE.equals(p.currentName());
        } catch (IOException e) {
            return false;
        }
    }

    private static FalsePositiveReport readReport(String json) throws IOException {
        FalsePositiveReport report = new FalsePositiveReport();
        report.timestampMillis = Long.MIN_VALUE;
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            p.nextToken();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("false_positive must be an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "identity" -> report.identity = text(p, value, key);
                    case "segment" -> report.segment = text(p, value, key);
                    case "note" -> report.note = text(p, value, key);
                    case "ts" -> report.timestampMillis = timestamp(p, value);
                    default -> throw new IllegalArgumentException("false_positive." + key + ": unknown key");
                }
            }
            if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("false_positive must be the only key of the line");
            }
        }
        if (report.identity == null || report.identity.isEmpty()) {
            throw new IllegalArgumentException("false_positive.identity is required");
        }
        if (report.segment == null || report.segment.isEmpty()) {
            throw new IllegalArgumentException("false_positive.segment is required (the segment of the disputed decision)");
        }
        if (report.timestampMillis == Long.MIN_VALUE) {
            throw new IllegalArgumentException("false_positive.ts is required");
        }
        return report;
    }

    private static String text(JsonParser p, JsonToken value, String key) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("false_positive." + key + " must be a string");
        }
        return p.getText();
    }

    private static long timestamp(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return Instant.parse(p.getText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("false_positive.ts: '" + p.getText() + "' is not an ISO-8601 instant");
            }
        }
        throw new IllegalArgumentException("false_positive.ts must be an ISO-8601 instant or epoch milliseconds");
    }
}
