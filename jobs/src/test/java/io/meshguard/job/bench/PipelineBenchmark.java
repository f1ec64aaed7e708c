package io.meshguard.job.bench;

import io.meshguard.job.MeshGuardWorkflow;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.model.RawTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Sustained throughput of the whole pipeline (in-memory telemetry → decode → event time → keyBy
 * identity → detection → decisions), and of the telemetry generator alone so its share can be
 * subtracted. Prints events/s in total and per core. Run through {@code scripts/benchmark.sh};
 * {@code --set key=value} sets any meshguard option, {@code --flink key=value} any Flink option (for
 * example {@code state.backend.type=rocksdb}).
 */
public final class PipelineBenchmark {
    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        long events = 20_000_000L;
        Configuration options = new Configuration();
        Configuration flink = new Configuration();
        int parallelism = 2;
        List<Long> identityCounts = new ArrayList<>(List.of(100_000L, 1_000_000L));
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--events" -> events = Long.parseLong(args[i + 1]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[i + 1]);
                case "--set" -> {
                    String[] kv = args[i + 1].split("=", 2);
                    options.setString(kv[0], kv[1]);
                }
                case "--flink" -> {
                    String[] kv = args[i + 1].split("=", 2);
                    flink.setString(kv[0], kv[1]);
                }
                case "--identities" -> {
                    identityCounts.clear();
                    for (String n : args[i + 1].split(",")) {
                        identityCounts.add(Long.parseLong(n.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "machine: %d cores, %s, %s, max heap %d MiB%n", cores,
                System.getProperty("os.arch"), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        for (long identities : identityCounts) {
            double generatorOnly = run(identities, events, parallelism, false, options, flink);
            double pipeline = run(identities, events, parallelism, true, options, flink);
            int usedCores = Math.min(parallelism, cores);
            System.out.printf(Locale.ROOT,
                    "identities=%,d events=%,d parallelism=%d: pipeline %,.0f events/s (%,.0f per core); "
                            + "generator alone %,.0f events/s; pipeline excluding generation %,.0f events/s per core%n",
                    identities, events, parallelism, pipeline, pipeline / usedCores, generatorOnly,
                    excludingGeneration(pipeline, generatorOnly) / usedCores);
        }
    }

    /** Time per event minus the generator's time per event, as a rate. */
    static double excludingGeneration(double pipelineRate, double generatorRate) {
        double seconds = 1 / pipelineRate - 1 / generatorRate;
        return seconds <= 0 ? Double.POSITIVE_INFINITY : 1 / seconds;
    }

    private static double run(long identities, long events, int parallelism, boolean detect, Configuration options,
            Configuration flink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
        env.getConfig().enableObjectReuse();
        DataGeneratorSource<RawTelemetry> source = new DataGeneratorSource<>(
                new SyntheticTelemetry(identities, events, parallelism, 50_000),
                events, RateLimiterStrategy.noOp(), TypeInformation.of(RawTelemetry.class));
        DataStream<RawTelemetry> telemetry =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "Synthetic telemetry").uid("bench-source");
        if (detect) {
            MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(
                    env, telemetry, ControlSources.none(env), MeshGuardConfig.from(options));
            streams.decisions().sinkTo(new DiscardingSink<>()).name("discard-decisions");
            streams.audit().sinkTo(new DiscardingSink<>()).name("discard-audit");
            streams.segmentUpdates().sinkTo(new DiscardingSink<>()).name("discard-segment-updates");
            streams.deadLetters().sinkTo(new DiscardingSink<>()).name("discard-dead-letters");
        } else {
            telemetry.sinkTo(new DiscardingSink<>()).name("discard-telemetry");
        }
        JobExecutionResult result = env.execute(detect ? "benchmark pipeline" : "benchmark generator");
        double seconds = result.getNetRuntime() / 1000.0;
        return events / seconds;
    }
}
