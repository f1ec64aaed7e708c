package io.meshguard.job.sources;

import io.meshguard.model.RawTelemetry;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Sources of control lines (policy documents and false-positive reports, one JSON object per
 * line): a watched directory for run-time changes, or nothing.
 */
public final class ControlSources {
    public static final String SOURCE_UID = "control-source";

    private ControlSources() {}

    /**
     * Every line of every file that appears in {@code directory}, checked every {@code pollInterval}.
     * Drop a new file (write it elsewhere, then move it in) to change the policy at run time. The
     * source never ends, so neither does a job that watches a directory.
     */
    public static DataStream<RawTelemetry> directory(
            StreamExecutionEnvironment env, String directory, Duration pollInterval) {
        FileSource<String> source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(directory))
                .monitorContinuously(pollInterval)
                .build();
        String origin = "control-dir:" + directory;
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Control directory")
                .setParallelism(1)
                .uid(SOURCE_UID)
                .map(line -> new RawTelemetry(TelemetrySources.withoutByteOrderMark(line), origin))
                .returns(RawTelemetry.class)
                .setParallelism(1)
                .uid("control-lines")
                .name("Control lines");
    }

    /** No run-time control: the policy given at start-up stays in force. */
    public static DataStream<RawTelemetry> none(StreamExecutionEnvironment env) {
        // Flink's element and generator sources cannot be empty; one placeholder, filtered out.
        return env.fromData(new RawTelemetry("", "none"))
                .setParallelism(1)
                .uid(SOURCE_UID)
                .name("No control input")
                .filter(placeholder -> false)
                .setParallelism(1)
                .uid("no-control-lines")
                .name("No control lines");
    }
}
