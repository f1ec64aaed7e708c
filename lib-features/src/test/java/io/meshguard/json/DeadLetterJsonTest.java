package io.meshguard.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.model.DeadLetter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterJsonTest {

    private static final long REJECTED_AT = 1_714_564_800_000L;

    @Test
    void writesTheExactKeysAndKeepsAShortRawLineVerbatim() {
        String raw = "{\"path\": \"/x\",\n \"status\": \"oops\"}\r\n\ttrailing \\ junk";
        DeadLetter d = new DeadLetter(raw, "missing required key 'identity'", "file:/logs/a.jsonl:17", REJECTED_AT);

        Map<String, Object> json = ParsedJson.object(new DeadLetterJson().line(d));

        assertThat(json.keySet()).containsExactly("ts", "reason", "origin", "raw", "raw_truncated");
        assertThat(json)
                .containsEntry("ts", "2024-05-01T12:00:00.000Z")
                .containsEntry("reason", "missing required key 'identity'")
                .containsEntry("origin", "file:/logs/a.jsonl:17")
                .containsEntry("raw", raw)
                .containsEntry("raw_truncated", false);
    }

    @Test
    void aMultiMegabyteRawLineIsCappedAndMarkedTruncated() {
        String raw = "\"\n\\".repeat(1_000_000); // 3 M characters that all need escaping
        DeadLetter d = new DeadLetter(raw, "line too long", "stdin", REJECTED_AT);

        String line = new DeadLetterJson().line(d);
        Map<String, Object> json = ParsedJson.object(line);

        assertThat((String) json.get("raw")).isEqualTo(raw.substring(0, DeadLetterJson.DEFAULT_MAX_RAW_CHARS));
        assertThat(json).containsEntry("raw_truncated", true);
        assertThat(line.length()).isLessThan(3 * DeadLetterJson.DEFAULT_MAX_RAW_CHARS);
    }

    @Test
    void rawExactlyAtTheCapIsNotTruncated() {
        DeadLetter d = new DeadLetter("abcd", "r", "o", REJECTED_AT);
        assertThat(ParsedJson.object(new DeadLetterJson(4).line(d))).containsEntry("raw", "abcd").containsEntry("raw_truncated", false);
        assertThat(ParsedJson.object(new DeadLetterJson(3).line(d))).containsEntry("raw", "abc").containsEntry("raw_truncated", true);
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        DeadLetter d = new DeadLetter("ab\uD83D\uDE00cd", "r", "o", REJECTED_AT);

        Map<String, Object> json = ParsedJson.object(new DeadLetterJson(3).line(d));

        assertThat(json).containsEntry("raw", "ab").containsEntry("raw_truncated", true);
    }

    @Test
    void invalidUtf16AndControlCharactersStillGiveOneValidLine() {
        String raw = "\uDC00bad\u0000\u001b[31m\u2028\uD800";
        DeadLetter d = new DeadLetter(raw, "not JSON", "o", REJECTED_AT);

        Map<String, Object> json = ParsedJson.object(new DeadLetterJson().line(d));

        assertThat(json).containsEntry("raw", "\uFFFDbad\u0000\u001b[31m\u2028\uFFFD");
    }

    @Test
    void missingFieldsAreWrittenAsNull() {
        Map<String, Object> json = ParsedJson.object(new DeadLetterJson().line(new DeadLetter()));

        assertThat(json.keySet()).containsExactly("ts", "reason", "origin", "raw", "raw_truncated");
        assertThat(json)
                .containsEntry("ts", "1970-01-01T00:00:00.000Z")
                .containsEntry("reason", null)
                .containsEntry("origin", null)
                .containsEntry("raw", null)
                .containsEntry("raw_truncated", false);
    }

    @Test
    void rejectsANegativeCap() {
        assertThatThrownBy(() -> new DeadLetterJson(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
