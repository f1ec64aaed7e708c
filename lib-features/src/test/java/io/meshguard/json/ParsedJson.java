package io.meshguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads written lines back with a strict, independent parser (jackson-core) to check they are valid JSON. */
final class ParsedJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private ParsedJson() {}

    /**
     * Parses {@code line} as exactly one JSON object, going through UTF-8 bytes as a file would, and
     * checks it is a single line. Maps keep key order; numbers become Long or Double.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String line) {
        assertSingleLine(line);
        byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = FACTORY.createParser(utf8)) {
            Object value = read(p, p.nextToken());
            assertThat(p.nextToken()).as("nothing after the top-level value").isNull();
            assertThat(value).isInstanceOf(Map.class);
            return (Map<String, Object>) value;
        } catch (IOException e) {
            throw new UncheckedIOException("not valid JSON: " + abbreviate(line), e);
        }
    }

    static void assertSingleLine(String line) {
        assertThat(line)
                .doesNotContain("\n")
                .doesNotContain("\r")
                .doesNotContain("\u2028")
                .doesNotContain("\u2029");
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT:
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    assertThat(map).as("duplicate key " + name).doesNotContainKey(name);
                    map.put(name, read(p, p.nextToken()));
                }
                return map;
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    list.add(read(p, e));
                }
                return list;
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalStateException("unexpected token " + t);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
