package io.meshguard.job.sources;

import io.meshguard.model.RawTelemetry;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The built-in telemetry sources: the traffic simulator and JSON-lines files. */
public final class TelemetrySources {
    public static final String SOURCE_UID = "telemetry-source";

    private TelemetrySources() {}

    /**
     * The simulator as a bounded source, one element per simulated tick. It runs at parallelism 1:
     * ticks are generated in event-time order, so one identity's requests never interleave out of
     * order across readers. When {@code paced}, ticks are released in real time.
     */
    public static DataStream<RawTelemetry> simulator(
            StreamExecutionEnvironment env, SimulationConfig config, boolean paced) {
        RateLimiterStrategy<?> rate = paced
                ? RateLimiterStrategy.perSecond(1000.0 / config.tickMillis())
                : RateLimiterStrategy.noOp();
        DataGeneratorSource<String[]> source = new DataGeneratorSource<>(
                new TickGenerator(config), config.tickCount(), rate, BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO);
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Traffic simulator")
                .setParallelism(1)
                .uid(SOURCE_UID)
                .flatMap((String[] lines, org.apache.flink.util.Collector<RawTelemetry> out) -> {
                    for (String line : lines) {
                        out.collect(new RawTelemetry(line, "simulator"));
                    }
                })
                .returns(RawTelemetry.class)
                .setParallelism(1)
                .uid("simulator-lines")
                .name("Simulator lines");
    }

    /**
     * A JSON-lines file, streamed (never loaded whole) and ending at end of file. A single file is
     * one split, so reading runs at parallelism 1 and decoding fans out behind it.
     */
    public static DataStream<RawTelemetry> file(StreamExecutionEnvironment env, String path) {
        FileSource<String> source =
                FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(path)).build();
        String origin = "file:" + path;
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Telemetry file")
                .setParallelism(1)
                .uid(SOURCE_UID)
                .map(line -> new RawTelemetry(withoutByteOrderMark(line), origin))
                .returns(RawTelemetry.class)
                .setParallelism(1)
                .uid("file-lines")
                .name("File lines");
    }

    /** Files written by some Windows tools start with a byte-order mark, which is not part of the JSON. */
    public static String withoutByteOrderMark(String line) {
        return !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line;
    }

    /** Generates one simulated tick per index; deterministic, so a restored reader resumes exactly. */
    static final class TickGenerator implements GeneratorFunction<Long, String[]> {
        private static final long serialVersionUID = 1L;
        private final SimulationConfig config;
        private transient TrafficSimulator simulator;
        private transient List<String> buffer;

        TickGenerator(SimulationConfig config) {
            this.config = config;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            simulator = new TrafficSimulator(config);
            buffer = new ArrayList<>();
        }

        @Override
        public String[] map(Long tick) {
            buffer.clear();
            simulator.generateTick(tick, buffer::add);
            return buffer.toArray(new String[0]);
        }
    }
}
