package io.meshguard.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.meshguard.model.AccessLogRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

/**
 * Parses one line of Istio's JSON access log into an {@link AccessLogRecord}, or says exactly why
 * the line cannot be used. Never throws for bad input.
 *
 * <p>Envoy writes {@code "-"} or {@code null} for missing values (and {@code ""} is taken the same
 * way); numbers may arrive as JSON numbers or as strings. Unknown keys are skipped, whatever they
 * hold. The line is read with Jackson's streaming parser, without exceptions or regex on the good
 * path, because every request in the mesh passes through here.
 *
 * <p>{@code start_time} must lie between {@value #EARLIEST_START_TIME_TEXT} and the configured
 * skew ahead of the supplied clock: earlier times are broken clocks or epoch seconds mistaken for
 * milliseconds, later ones would drag event time (and every window) into the future.
 *
 * <p>The line is read front to back and the first problem found is the reason given; required keys
 * are checked once the whole object has been read.
 *
 * <p>Thread-safe: it holds only configuration and a shared, thread-safe {@link JsonFactory}.
 */
public final class AccessLogParser {
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
    public static final long DEFAULT_MAX_DURATION_MILLIS = 3_600_000L;
    public static final long DEFAULT_MAX_FUTURE_SKEW_MILLIS = 86_400_000L;
    public static final long EARLIEST_START_TIME_MILLIS = 946_684_800_000L;
    static final String EARLIEST_START_TIME_TEXT = "2000-01-01T00:00:00Z";

    /**
     * One factory for all parsers: building one is expensive, and its symbol table lets every line
     * reuse the key names seen before. Interning is off because key names are attacker-controlled and
     * must not pile up in the JVM's string table.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private static final ParseResult BLANK = ParseResult.failure("blank line");
    private static final ParseResult TRAILING = ParseResult.failure("trailing content after the JSON object");

    // Values of readLong() that are not numbers; real values stay within +-MAX_MAGNITUDE.
    private static final long MISSING = Long.MIN_VALUE;
    private static final long NOT_A_NUMBER = Long.MIN_VALUE + 1;
    private static final long NOT_AN_INTEGER = Long.MIN_VALUE + 2;
    private static final long TOO_LARGE = Long.MIN_VALUE + 3;
    private static final long MAX_MAGNITUDE = 999_999_999_999_999_999L;
    private static final int MAX_DIGITS = 18;

    // Placeholders while a line is read, so that 0 (a legal response code) is not mistaken for absent.
    private static final long UNSET_TIME = Long.MIN_VALUE;
    private static final int UNSET_STATUS = Integer.MIN_VALUE;

    private final int maxLineLength;
    private final long maxDurationMillis;
    private final long maxFutureSkewMillis;
    private final Clock clock;

    /** Default limits, judging {@code start_time} against the system clock. */
    public AccessLogParser() {
        this(DecoderConfig.defaults(), Clock.systemUTC());
    }

    /** Limits from the config; {@code start_time} is judged against {@code clock}. */
    public AccessLogParser(DecoderConfig config, Clock clock) {
        this.maxLineLength = config.maxLineLength();
        this.maxDurationMillis = config.maxDurationMillis();
        this.maxFutureSkewMillis = config.maxFutureSkewMillis();
        this.clock = clock;
    }

    public ParseResult parse(String line) {
        if (line == null) {
            return BLANK;
        }
        if (line.length() > maxLineLength) {
            return tooLong(line.length(), "chars");
        }
        if (line.isBlank()) {
            return BLANK;
        }
        try (JsonParser p = JSON.createParser(line)) {
            return readObject(p);
        } catch (IOException e) {
            return jsonFailure(e);
        }
    }

    /** The line as UTF-8 bytes, as it arrives from Kafka or a file, without decoding it to a String first. */
    public ParseResult parse(byte[] line) {
        if (line == null) {
            return BLANK;
        }
        if (line.length > maxLineLength) {
            return tooLong(line.length, "bytes");
        }
        if (isBlank(line)) {
            return BLANK;
        }
        try (JsonParser p = JSON.createParser(line)) {
            return readObject(p);
        } catch (IOException e) {
            return jsonFailure(e);
        }
    }

    private ParseResult readObject(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            // Read the value to its end first: Envoy's text format starts with '[' too, and is not an array.
            if (first != null && first.isStructStart()) {
                p.skipChildren();
            }
            return ParseResult.failure("not a JSON object: found " + describe(first));
        }
        AccessLogRecord record = new AccessLogRecord();
        record.startTimeMillis = UNSET_TIME;
        record.responseCode = UNSET_STATUS;
        long seenKeys = 0;
        String name;
        while ((name = p.nextFieldName()) != null) {
            AccessLogKey key = AccessLogKey.byWireName(name);
            if (key == null) {
                if (p.nextToken().isStructStart()) {
                    p.skipChildren();
                }
                continue;
            }
            seenKeys |= key.bit();
            String error = readValue(p, key, record);
            if (error != null) {
                return ParseResult.failure(error);
            }
        }
        if (hasTrailingContent(p)) {
            return TRAILING;
        }
        if (record.startTimeMillis == UNSET_TIME) {
            return missing(AccessLogKey.START_TIME, seenKeys);
        }
        if (record.path == null) {
            return missing(AccessLogKey.PATH, seenKeys);
        }
        if (record.responseCode == UNSET_STATUS) {
            return missing(AccessLogKey.RESPONSE_CODE, seenKeys);
        }
        return ParseResult.ok(record);
    }

    /** Reads the value of a known key into the record; returns the reason it is unusable, or null. */
    private String readValue(JsonParser p, AccessLogKey key, AccessLogRecord record) throws IOException {
        JsonToken token = p.nextToken();
        if (token.isStructStart()) {
            return "key '" + key.wireName() + "' must be a scalar, found "
                    + (token == JsonToken.START_OBJECT ? "an object" : "an array");
        }
        switch (key.kind()) {
            case TEXT:
                assignText(record, key, text(p, token));
                return null;
            case COUNT:
                return readCount(p, token, key, record);
            case STATUS:
                return readStatus(p, token, record);
            case TIME:
                return readStartTime(p, token, record);
            default:
                throw new AssertionError(key.kind());
        }
    }

    private String readCount(JsonParser p, JsonToken token, AccessLogKey key, AccessLogRecord record)
            throws IOException {
        long value = readLong(p, token);
        if (value == MISSING) {
            return null;
        }
        if (value < -MAX_MAGNITUDE) {
            return numberError(p, token, key, value);
        }
        if (value < 0) {
            return "negative " + key.wireName() + ": " + value;
        }
        switch (key) {
            case BYTES_RECEIVED:
                record.bytesReceived = value;
                break;
            case BYTES_SENT:
                record.bytesSent = value;
                break;
            case DURATION:
                if (value > maxDurationMillis) {
                    return "duration too long: " + value + " ms, maximum is " + maxDurationMillis + " ms";
                }
                record.durationMillis = value;
                break;
            case UPSTREAM_SERVICE_TIME:
                record.upstreamServiceTimeMillis = value;
                break;
            default:
                throw new AssertionError(key);
        }
        return null;
    }

    private String readStatus(JsonParser p, JsonToken token, AccessLogRecord record) throws IOException {
        long value = readLong(p, token);
        if (value == MISSING) {
            record.responseCode = UNSET_STATUS;
            return null;
        }
        if (value < -MAX_MAGNITUDE) {
            return numberError(p, token, AccessLogKey.RESPONSE_CODE, value);
        }
        // Envoy writes 0 when no response was sent (e.g. the client went away first).
        if (value < 0 || value > 999) {
            return "response_code out of range 0..999: " + value;
        }
        record.responseCode = (int) value;
        return null;
    }

    private String readStartTime(JsonParser p, JsonToken token, AccessLogRecord record) throws IOException {
        long millis;
        if (token == JsonToken.VALUE_NULL) {
            record.startTimeMillis = UNSET_TIME;
            return null;
        } else if (token == JsonToken.VALUE_NUMBER_INT) {
            millis = readLong(p, token);
        } else if (token == JsonToken.VALUE_STRING) {
            char[] chars = p.getTextCharacters();
            int offset = p.getTextOffset();
            int length = p.getTextLength();
            if (isMissingMarker(chars, offset, length)) {
                record.startTimeMillis = UNSET_TIME;
                return null;
            }
            millis = isDigits(chars, offset, length)
                    ? parseDigits(chars, offset, length)
                    : Timestamps.parseMillis(chars, offset, length);
        } else {
            millis = Timestamps.INVALID;
        }
        if (millis < -MAX_MAGNITUDE) {
            return "unparseable start_time: " + describeValue(p, token);
        }
        if (millis < EARLIEST_START_TIME_MILLIS) {
            return "start_time out of range: " + describeValue(p, token) + " is before " + EARLIEST_START_TIME_TEXT;
        }
        long now = clock.millis();
        if (millis - now > maxFutureSkewMillis) {
            return "start_time out of range: " + describeValue(p, token) + " is more than "
                    + Reasons.duration(maxFutureSkewMillis) + " ahead of the clock (" + Instant.ofEpochMilli(now) + ")";
        }
        record.startTimeMillis = millis;
        return null;
    }

    /** The integer value of a number or numeric string, or one of the non-number markers. */
    private static long readLong(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_NULL:
                return MISSING;
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return TOO_LARGE;
                }
                long value = p.getLongValue();
                return value > MAX_MAGNITUDE || value < -MAX_MAGNITUDE ? TOO_LARGE : value;
            case VALUE_NUMBER_FLOAT:
                return NOT_AN_INTEGER;
            case VALUE_STRING:
                char[] chars = p.getTextCharacters();
                int offset = p.getTextOffset();
                int length = p.getTextLength();
                return isMissingMarker(chars, offset, length) ? MISSING : parseDigits(chars, offset, length);
            default:
                return NOT_A_NUMBER;
        }
    }

    /** An optionally negative decimal integer, else {@link #NOT_A_NUMBER} or {@link #TOO_LARGE}. */
    private static long parseDigits(char[] chars, int offset, int length) {
        boolean negative = length > 0 && chars[offset] == '-';
        int first = negative ? offset + 1 : offset;
        int end = offset + length;
        if (first == end || !isDigits(chars, first, end - first)) {
            return NOT_A_NUMBER;
        }
        if (end - first > MAX_DIGITS) {
            return TOO_LARGE;
        }
        long value = 0;
        for (int i = first; i < end; i++) {
            value = value * 10 + (chars[i] - '0');
        }
        return negative ? -value : value;
    }

    private static boolean isDigits(char[] chars, int offset, int length) {
        if (length == 0) {
            return false;
        }
        for (int i = offset; i < offset + length; i++) {
            if (chars[i] < '0' || chars[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code ""} and {@code "-"}: how Envoy (and careless producers) say "no value". */
    private static boolean isMissingMarker(char[] chars, int offset, int length) {
        return length == 0 || (length == 1 && chars[offset] == '-');
    }

    private static String text(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_STRING && isMissingMarker(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
            return null;
        }
        return p.getText();
    }

    private static void assignText(AccessLogRecord r, AccessLogKey key, String value) {
        switch (key) {
            case ROUTE_NAME -> r.routeName = value;
            case METHOD -> r.method = value;
            case PATH -> r.path = value;
            case PROTOCOL -> r.protocol = value;
            case RESPONSE_FLAGS -> r.responseFlags = value;
            case RESPONSE_CODE_DETAILS -> r.responseCodeDetails = value;
            case CONNECTION_TERMINATION_DETAILS -> r.connectionTerminationDetails = value;
            case X_FORWARDED_FOR -> r.xForwardedFor = value;
            case USER_AGENT -> r.userAgent = value;
            case REQUEST_ID -> r.requestId = value;
            case AUTHORITY -> r.authority = value;
            case UPSTREAM_HOST -> r.upstreamHost = value;
            case UPSTREAM_CLUSTER -> r.upstreamCluster = value;
            case UPSTREAM_LOCAL_ADDRESS -> r.upstreamLocalAddress = value;
            case DOWNSTREAM_LOCAL_ADDRESS -> r.downstreamLocalAddress = value;
            case DOWNSTREAM_REMOTE_ADDRESS -> r.downstreamRemoteAddress = value;
            case REQUESTED_SERVER_NAME -> r.requestedServerName = value;
            case UPSTREAM_TRANSPORT_FAILURE_REASON -> r.upstreamTransportFailureReason = value;
            case DOWNSTREAM_PEER_URI_SAN -> r.downstreamPeerUriSan = value;
            case USER_ID -> r.userId = value;
            case SOURCE_NAMESPACE -> r.sourceNamespace = value;
            case SOURCE_WORKLOAD -> r.sourceWorkload = value;
            case CLIENT_ASN -> r.clientAsn = value;
            case CLIENT_COUNTRY -> r.clientCountry = value;
            default -> throw new AssertionError(key);
        }
    }

    private static String numberError(JsonParser p, JsonToken token, AccessLogKey key, long marker)
            throws IOException {
        String problem = marker == NOT_AN_INTEGER ? "is not an integer"
                : marker == TOO_LARGE ? "is out of range"
                : "is not a number";
        return "key '" + key.wireName() + "' " + problem + ": " + describeValue(p, token);
    }

    /** Strings quoted, other scalars as written; bounded either way. */
    private static String describeValue(JsonParser p, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_STRING
                ? Reasons.quote(p.getText())
                : Reasons.printable(p.getText(), Reasons.MAX_QUOTED_LENGTH);
    }

    /**
     * Anything but whitespace after the object means the line was not one record: two records glued
     * together, or a record followed by junk.
     */
    private static boolean hasTrailingContent(JsonParser p) throws IOException {
        try {
            return p.nextToken() != null;
        } catch (JsonProcessingException e) {
            return true;
        }
    }

    private static ParseResult missing(AccessLogKey key, long seenKeys) {
        boolean present = (seenKeys & key.bit()) != 0;
        return ParseResult.failure(
                (present ? "missing value for required key '" : "missing required key '") + key.wireName() + "'");
    }

    private ParseResult tooLong(int length, String unit) {
        return ParseResult.failure("line too long: " + length + " " + unit + ", maximum is " + maxLineLength);
    }

    private static ParseResult jsonFailure(IOException e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        String kind = e instanceof JsonEOFException ? "truncated JSON: " : "malformed JSON: ";
        return ParseResult.failure(kind + Reasons.printable(withoutLocation(message), Reasons.MAX_MESSAGE_LENGTH));
    }

    /** Jackson names a "source" and a position that say nothing about a one-line record. */
    private static String withoutLocation(String message) {
        int source = message == null ? -1 : message.indexOf("[Source");
        if (source < 0) {
            return message;
        }
        int aside = message.lastIndexOf(" (", source);
        return message.substring(0, aside >= 0 ? aside : source).strip();
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        switch (token) {
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return token.asString() == null ? token.name() : token.asString();
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
