package io.meshguard.parse;

import io.meshguard.model.AccessLogRecord;
import java.time.Clock;

/**
 * Parses one line of Istio's JSON access log into an {@link AccessLogRecord}, or says exactly why
 * the line cannot be used. Never throws for bad input.
 *
 * <p>Envoy writes {@code "-"} or {@code null} for missing values (and {@code ""} is taken the same
 * way); numbers may arrive as JSON numbers or as strings. Unknown keys are skipped, whatever they
 * hold. Every request in the mesh passes through here, so a String line is first read by the
 * {@link FlatJsonReader}, a single pass over its chars that covers the flat objects Envoy writes;
 * lines outside that subset (escapes, nested values, malformed JSON) and byte input are read by
 * Jackson's streaming parser. Both hand values to {@link AccessLogValues}, so they agree on every
 * line the fast reader accepts.
 *
 * <p>{@code start_time} must lie between {@value #EARLIEST_START_TIME_TEXT} and the configured
 * skew ahead of the supplied clock: earlier times are broken clocks or epoch seconds mistaken for
 * milliseconds, later ones would drag event time (and every window) into the future.
 *
 * <p>The line is read front to back and the first problem found is the reason given; required keys
 * are checked once the whole object has been read.
 *
 * <p>Thread-safe: it holds configuration and a {@link KeyOrder}, a guess that is safe to share.
 */
public final class AccessLogParser {
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
    public static final long DEFAULT_MAX_DURATION_MILLIS = 3_600_000L;
    public static final long DEFAULT_MAX_FUTURE_SKEW_MILLIS = 86_400_000L;
    public static final long EARLIEST_START_TIME_MILLIS = 946_684_800_000L;
    static final String EARLIEST_START_TIME_TEXT = "2000-01-01T00:00:00Z";

    static final ParseResult TRAILING_CONTENT = ParseResult.failure("trailing content after the JSON object");
    private static final ParseResult BLANK = ParseResult.failure("blank line");

    /**
     * Longer lines (possible only with a raised maximum) go to Jackson, which bounds strings at 20
     * million characters: the fast reader stays well clear of every Jackson limit.
     */
    private static final int MAX_FLAT_READ_LENGTH = 1 << 20;

    private final int maxLineLength;
    private final AccessLogValues values;
    private final JacksonAccessLogReader jackson;
    private final KeyOrder keyOrder = new KeyOrder();

    /** Default limits, judging {@code start_time} against the system clock. */
    public AccessLogParser() {
        this(DecoderConfig.defaults(), Clock.systemUTC());
    }

    /** Limits from the config; {@code start_time} is judged against {@code clock}. */
    public AccessLogParser(DecoderConfig config, Clock clock) {
        this.maxLineLength = config.maxLineLength();
        this.values = new AccessLogValues(config, clock);
        this.jackson = new JacksonAccessLogReader(values);
    }

    public ParseResult parse(String line) {
        ParseResult unread = rejectUnread(line);
        if (unread != null) {
            return unread;
        }
        ParseResult flat = line.length() <= MAX_FLAT_READ_LENGTH ? parseFlat(line) : null;
        return flat != null ? flat : jackson.read(line);
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
        return jackson.read(line);
    }

    /**
     * The fast reading alone: the result, or null when the line is outside the flat subset and only
     * Jackson may judge it. For {@link #parse(String)}, and for tests that compare both readers.
     */
    ParseResult parseFlat(String line) {
        FlatJsonReader reader = new FlatJsonReader(line, keyOrder);
        if (!reader.openObject()) {
            return null;
        }
        AccessLogRecord record = AccessLogValues.newRecord();
        long seenKeys = 0;
        for (FlatJsonReader.Step step = reader.next(); step != FlatJsonReader.Step.END; step = reader.next()) {
            if (step == FlatJsonReader.Step.UNSUPPORTED) {
                return null;
            }
            AccessLogKey key = reader.key();
            if (key != null) {
                seenKeys |= key.bit();
                String error = values.read(record, key, reader.type(), line, reader.valueStart(), reader.valueEnd());
                if (error != null) {
                    return ParseResult.failure(error);
                }
            }
        }
        return reader.atEndOfLine() ? AccessLogValues.finish(record, seenKeys) : TRAILING_CONTENT;
    }

    /** The line read by Jackson alone, as every line was before the fast reader: for tests and benchmarks. */
    ParseResult parseWithJackson(String line) {
        ParseResult unread = rejectUnread(line);
        return unread != null ? unread : jackson.read(line);
    }

    /** The reason a line is refused without reading it, or null. */
    private ParseResult rejectUnread(String line) {
        if (line == null) {
            return BLANK;
        }
        if (line.length() > maxLineLength) {
            return tooLong(line.length(), "chars");
        }
        if (line.isBlank()) {
            return BLANK;
        }
        return null;
    }

    private ParseResult tooLong(int length, String unit) {
        return ParseResult.failure("line too long: " + length + " " + unit + ", maximum is " + maxLineLength);
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
