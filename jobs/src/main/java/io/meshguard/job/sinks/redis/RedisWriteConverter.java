package io.meshguard.job.sinks.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.meshguard.store.EnforcementJson;
import io.meshguard.store.EnforcementRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * Turns an {@link EnforcementRecord} into a {@link RedisWrite}. The hash fields are taken from
 * {@link EnforcementJson#value} itself (top-level fields, nulls left out, numbers as their JSON
 * text), so Redis and the compacted topic cannot drift apart in field names or number formats.
 */
final class RedisWriteConverter implements ElementConverter<EnforcementRecord, RedisWrite> {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public RedisWrite apply(EnforcementRecord r, SinkWriter.Context context) {
        return toWrite(r);
    }

    static RedisWrite toWrite(EnforcementRecord r) {
        if (r.key == null || r.key.isEmpty()) {
            throw new IllegalArgumentException("enforcement record without a key: " + r);
        }
        if (r.version < 0) {
            // The script compares versions as non-negative decimals; a negative one is a bug upstream.
            throw new IllegalArgumentException("enforcement record with a negative version: " + r);
        }
        List<String> fields = new ArrayList<>(28);
        String ts = null;
        try (JsonParser p = JSON.createParser(EnforcementJson.value(r))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("EnforcementJson did not write an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (value.isStructStart()) {
                    p.skipChildren(); // not written today; a hash holds flat strings only
                    continue;
                }
                String text = p.getText();
                fields.add(name);
                fields.add(text);
                if (name.equals("ts")) {
                    ts = text;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back EnforcementJson of " + r, e);
        }
        RedisWrite.Expiry expiry = r.isRelease()
                ? RedisWrite.Expiry.RELEASE
                : r.expiresAtMillis() > 0 ? RedisWrite.Expiry.AT : RedisWrite.Expiry.PERSIST;
        return new RedisWrite(r.key, r.version, expiry, r.expiresAtMillis(), ts == null ? "" : ts,
                fields.toArray(new String[0]));
    }
}
