package io.meshguard.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFileWriterTest {

    @TempDir Path dir;

    private static final LineFormatter<Integer> AS_JSON = n -> "{\"n\":" + n + "}";

    @Test
    void linesReachTheFileOnlyWhenFlushedAndThenOnlyWhole() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (JsonLinesFileWriter<Integer> writer = new JsonLinesFileWriter<>(file, true, AS_JSON)) {
            writer.write(1, null);
            writer.write(2, null);
            assertThat(file).isEmptyFile(); // buffered: no partial output for a tailing reader

            writer.flush(false);

            assertThat(Files.readString(file)).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
        }
    }

    @Test
    void aFreshStartCreatesParentDirectoriesAndTruncates() throws Exception {
        Path file = dir.resolve("a/b/out.jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "stale line from an earlier run\n");

        try (JsonLinesFileWriter<Integer> writer = new JsonLinesFileWriter<>(file, true, AS_JSON)) {
            writer.write(7, null);
        }

        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":7}");
    }

    @Test
    void aRestoredWriterAppendsSoEarlierOutputIsKept() throws Exception {
        Path file = dir.resolve("out.jsonl");
        Files.writeString(file, "{\"n\":1}\n");

        try (JsonLinesFileWriter<Integer> writer = new JsonLinesFileWriter<>(file, false, AS_JSON)) {
            writer.write(2, null);
            writer.flush(true);
        }

        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void aNullLineWritesNothing() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (JsonLinesFileWriter<Integer> writer =
                new JsonLinesFileWriter<>(file, true, n -> n % 2 == 0 ? null : "odd " + n)) {
            for (int i = 1; i <= 4; i++) {
                writer.write(i, null);
            }
        }

        assertThat(Files.readAllLines(file)).containsExactly("odd 1", "odd 3");
    }

    @Test
    void aMultiLineRecordIsRejectedRatherThanSplit() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (JsonLinesFileWriter<String> writer = new JsonLinesFileWriter<>(file, true, s -> s)) {
            assertThatThrownBy(() -> writer.write("{\"a\":\n1}", null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("multi-line record");
        }
    }

    @Test
    void anUnencodableCharacterDoesNotFailTheWrite() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (JsonLinesFileWriter<String> writer = new JsonLinesFileWriter<>(file, true, s -> s)) {
            writer.write("lone \uD800 surrogate", null);
        }

        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).isEqualTo("lone ? surrogate\n");
    }
}
