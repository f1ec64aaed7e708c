package io.meshguard.job.sinks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** The single writer behind {@link JsonLinesFileSink}: formats, buffers and appends lines to the file. */
final class JsonLinesFileWriter<T> implements SinkWriter<T> {
    private static final int BUFFER_CHARS = 64 * 1024;

    private final Path file;
    private final LineFormatter<T> formatter;
    private final Writer out;

    JsonLinesFileWriter(Path file, boolean truncate, LineFormatter<T> formatter) throws IOException {
        this.file = file;
        this.formatter = formatter;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        StandardOpenOption mode = truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
        // OutputStreamWriter replaces unencodable characters instead of throwing: an odd character
        // in one line must not fail the job.
        this.out = new BufferedWriter(
                new OutputStreamWriter(
                        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode),
                        StandardCharsets.UTF_8),
                BUFFER_CHARS);
    }

    @Override
    public void write(T element, Context context) throws IOException {
        String line = formatter.format(element);
        if (line == null) {
            return;
        }
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            // A line break inside a record would split it into two broken records for every reader.
            throw new IllegalArgumentException("formatter produced a multi-line record for " + file + ": " + abbreviate(line));
        }
        out.write(line);
        out.write('\n');
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }
}
