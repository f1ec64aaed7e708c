package io.meshguard.job.sinks;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Writes one line per element to a single local file, for the outputs of local runs.
 *
 * <p>One file has one writer, so the sink must run with parallelism 1: use {@link #attach}, and a
 * writer started with more subtasks fails the job with a message saying so. Lines are buffered and
 * flushed to the OS at every checkpoint and at end of input, so a reader tailing the file sees only
 * whole lines once a flush has happened.
 *
 * <p>Delivery is at-least-once, which is enough for these files: a fresh start truncates the file,
 * while a restore from a checkpoint or savepoint, or a failover restart, appends, so lines written
 * after the last checkpoint appear again.
 * Production outputs go to Kafka and Redis, which have their own delivery guarantees.
 */
public final class JsonLinesFileSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** Kept as text: {@link Path} is not serializable. */
    private final String file;

    private final LineFormatter<T> formatter;

    public JsonLinesFileSink(Path file, LineFormatter<T> formatter) {
        this.file = file.toAbsolutePath().toString();
        this.formatter = Objects.requireNonNull(formatter, "formatter");
    }

    /** Sends {@code stream} to {@code file} through one writer, with a stable uid and a readable name. */
    public static <T> DataStreamSink<T> attach(
            DataStream<T> stream, Path file, LineFormatter<T> formatter, String uid, String name) {
        return stream.sinkTo(new JsonLinesFileSink<>(file, formatter)).setParallelism(1).uid(uid).name(name);
    }

    public Path file() {
        return Paths.get(file);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        int subtasks = context.getTaskInfo().getNumberOfParallelSubtasks();
        if (subtasks != 1) {
            // Several writers on one file would interleave partial lines and truncate each other's output.
            throw new IllegalStateException("JsonLinesFileSink writing " + file + " must run with parallelism 1"
                    + " (one file, one writer) but runs with parallelism " + subtasks
                    + "; attach it with JsonLinesFileSink.attach(...)");
        }
        // A failover restart of this stateless writer reports no restored checkpoint; only its
        // attempt number tells it apart from a fresh start, which must not wipe what was written.
        boolean freshStart = context.getRestoredCheckpointId().isEmpty()
                && context.getTaskInfo().getAttemptNumber() == 0;
        return new JsonLinesFileWriter<>(Paths.get(file), freshStart, formatter);
    }
}
