package io.meshguard.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.meshguard.model.AccessLogRecord;
import java.io.IOException;

/**
 * Reads an access-log line with Jackson's streaming parser: the general reader, for byte input and
 * for every line the {@link FlatJsonReader} leaves alone (escapes, nested values under unknown
 * keys, anything malformed). Jackson's error messages are what dead-lettered malformed lines carry.
 *
 * <p>Thread-safe: it holds only a shared, thread-safe {@link JsonFactory} and configuration.
 */
final class JacksonAccessLogReader {
    /**
     * One factory for all parsers: building one is expensive, and its symbol table lets every line
     * reuse the key names seen before. Interning is off because key names are attacker-controlled and
     * must not pile up in the JVM's string table.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private final AccessLogValues values;

    JacksonAccessLogReader(AccessLogValues values) {
        this.values = values;
    }

    ParseResult read(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            return readObject(p);
        } catch (IOException e) {
            return jsonFailure(e);
        }
    }

    ParseResult read(byte[] line) {
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
        AccessLogRecord record = AccessLogValues.newRecord();
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
            return AccessLogParser.TRAILING_CONTENT;
        }
        return AccessLogValues.finish(record, seenKeys);
    }

    /** Reads the value of a known key into the record; returns the reason it is unusable, or null. */
    private String readValue(JsonParser p, AccessLogKey key, AccessLogRecord record) throws IOException {
        JsonToken token = p.nextToken();
        if (token.isStructStart()) {
            return "key '" + key.wireName() + "' must be a scalar, found "
                    + (token == JsonToken.START_OBJECT ? "an object" : "an array");
        }
        String text = p.getText();
        return values.read(record, key, scalar(token), text, 0, text.length());
    }

    private static JsonScalar scalar(JsonToken token) {
        switch (token) {
            case VALUE_STRING:
                return JsonScalar.STRING;
            case VALUE_NUMBER_INT:
                return JsonScalar.INTEGER;
            case VALUE_NUMBER_FLOAT:
                return JsonScalar.DECIMAL;
            case VALUE_TRUE:
            case VALUE_FALSE:
                return JsonScalar.BOOLEAN;
            case VALUE_NULL:
                return JsonScalar.NULL;
            default:
                throw new AssertionError(token);
        }
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
}
