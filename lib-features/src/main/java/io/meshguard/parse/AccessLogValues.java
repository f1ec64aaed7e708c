package io.meshguard.parse;

import io.meshguard.model.AccessLogRecord;
import java.time.Clock;
import java.time.Instant;

/**
 * How the value of each known access-log key is read, validated and stored, whichever reader found
 * it. The fast {@link FlatJsonReader} and the Jackson fallback both hand over a value as its
 * {@link JsonScalar} kind and its text, so they give the same record and the same dead-letter
 * reasons.
 *
 * <p>The text of a string is its decoded content; of any other scalar, the token as written ({@code
 * 12}, {@code 1.5e3}, {@code true}). It is passed as a range of a String so that the fast reader can
 * point into the line instead of copying every value out of it.
 *
 * <p>Thread-safe: it holds only configuration.
 */
final class AccessLogValues {
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

    private final long maxDurationMillis;
    private final long maxFutureSkewMillis;
    private final Clock clock;

    AccessLogValues(DecoderConfig config, Clock clock) {
        this.maxDurationMillis = config.maxDurationMillis();
        this.maxFutureSkewMillis = config.maxFutureSkewMillis();
        this.clock = clock;
    }

    /** A record to read one line into, its required values marked as not yet seen. */
    static AccessLogRecord newRecord() {
        AccessLogRecord record = new AccessLogRecord();
        record.startTimeMillis = UNSET_TIME;
        record.responseCode = UNSET_STATUS;
        return record;
    }

    /**
     * The outcome once the whole object has been read without a bad value: the record, or which
     * required key is missing.
     *
     * @param seenKeys the {@link AccessLogKey#bit()}s of the keys the line contained
     */
    static ParseResult finish(AccessLogRecord record, long seenKeys) {
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

    /**
     * Reads the value {@code text[from, to)} of a known key into the record; returns the reason it is
     * unusable, or null.
     */
    String read(AccessLogRecord record, AccessLogKey key, JsonScalar type, String text, int from, int to) {
        switch (key.kind()) {
            case TEXT:
                assignText(record, key, isMissing(type, text, from, to) ? null : text.substring(from, to));
                return null;
            case COUNT:
                return readCount(record, key, type, text, from, to);
            case STATUS:
                return readStatus(record, type, text, from, to);
            case TIME:
                return readStartTime(record, type, text, from, to);
            default:
                throw new AssertionError(key.kind());
        }
    }

    private String readCount(AccessLogRecord record, AccessLogKey key, JsonScalar type, String text, int from, int to) {
        long value = readLong(type, text, from, to);
        if (value == MISSING) {
            return null;
        }
        if (value < -MAX_MAGNITUDE) {
            return numberError(key, value, type, text, from, to);
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

    private static String readStatus(AccessLogRecord record, JsonScalar type, String text, int from, int to) {
        long value = readLong(type, text, from, to);
        if (value == MISSING) {
            record.responseCode = UNSET_STATUS;
            return null;
        }
        if (value < -MAX_MAGNITUDE) {
            return numberError(AccessLogKey.RESPONSE_CODE, value, type, text, from, to);
        }
        // Envoy writes 0 when no response was sent (e.g. the client went away first).
        if (value < 0 || value > 999) {
            return "response_code out of range 0..999: " + value;
        }
        record.responseCode = (int) value;
        return null;
    }

    private String readStartTime(AccessLogRecord record, JsonScalar type, String text, int from, int to) {
        long millis;
        if (isMissing(type, text, from, to)) {
            record.startTimeMillis = UNSET_TIME;
            return null;
        } else if (type == JsonScalar.INTEGER) {
            millis = parseDigits(text, from, to);
        } else if (type == JsonScalar.STRING) {
            millis = isDigits(text, from, to) ? parseDigits(text, from, to) : Timestamps.parseMillis(text, from, to);
        } else {
            millis = Timestamps.INVALID;
        }
        if (millis < -MAX_MAGNITUDE) {
            return "unparseable start_time: " + describeValue(type, text, from, to);
        }
        if (millis < AccessLogParser.EARLIEST_START_TIME_MILLIS) {
            return "start_time out of range: " + describeValue(type, text, from, to) + " is before "
                    + AccessLogParser.EARLIEST_START_TIME_TEXT;
        }
        long now = clock.millis();
        if (millis - now > maxFutureSkewMillis) {
            return "start_time out of range: " + describeValue(type, text, from, to) + " is more than "
                    + Reasons.duration(maxFutureSkewMillis) + " ahead of the clock (" + Instant.ofEpochMilli(now) + ")";
        }
        record.startTimeMillis = millis;
        return null;
    }

    /** The integer value of a number or numeric string, or one of the non-number markers. */
    private static long readLong(JsonScalar type, String text, int from, int to) {
        switch (type) {
            case NULL:
                return MISSING;
            case INTEGER:
                // JSON integers have no leading zeros, so more than MAX_DIGITS digits is out of range.
                return parseDigits(text, from, to);
            case DECIMAL:
                return NOT_AN_INTEGER;
            case STRING:
                return isMissingMarker(text, from, to) ? MISSING : parseDigits(text, from, to);
            default:
                return NOT_A_NUMBER;
        }
    }

    /** An optionally negative decimal integer, else {@link #NOT_A_NUMBER} or {@link #TOO_LARGE}. */
    private static long parseDigits(String text, int from, int to) {
        boolean negative = to > from && text.charAt(from) == '-';
        int first = negative ? from + 1 : from;
        if (first == to) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int i = first; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return NOT_A_NUMBER;
            }
            value = value * 10 + digit; // overflows only past MAX_DIGITS digits, and is then not used
        }
        if (to - first > MAX_DIGITS) {
            return TOO_LARGE;
        }
        return negative ? -value : value;
    }

    private static boolean isDigits(String text, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isMissing(JsonScalar type, String text, int from, int to) {
        return type == JsonScalar.NULL || (type == JsonScalar.STRING && isMissingMarker(text, from, to));
    }

    /** {@code ""} and {@code "-"}: how Envoy (and careless producers) say "no value". */
    private static boolean isMissingMarker(String text, int from, int to) {
        return from == to || (to - from == 1 && text.charAt(from) == '-');
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

    private static String numberError(AccessLogKey key, long marker, JsonScalar type, String text, int from, int to) {
        String problem = marker == NOT_AN_INTEGER ? "is not an integer"
                : marker == TOO_LARGE ? "is out of range"
                : "is not a number";
        return "key '" + key.wireName() + "' " + problem + ": " + describeValue(type, text, from, to);
    }

    /** Strings quoted, other scalars as written; bounded either way. */
    private static String describeValue(JsonScalar type, String text, int from, int to) {
        String value = text.substring(from, to);
        return type == JsonScalar.STRING ? Reasons.quote(value) : Reasons.printable(value, Reasons.MAX_QUOTED_LENGTH);
    }

    private static ParseResult missing(AccessLogKey key, long seenKeys) {
        boolean present = (seenKeys & key.bit()) != 0;
        return ParseResult.failure(
                (present ? "missing value for required key '" : "missing required key '") + key.wireName() + "'");
    }
}
