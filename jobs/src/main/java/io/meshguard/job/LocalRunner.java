package io.meshguard.job;

import io.meshguard.job.config.CommandLine;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.config.RunnerOptions;
import io.meshguard.job.runner.JobProgressReporter;
import io.meshguard.job.runner.RunSummary;
import io.meshguard.job.sinks.JsonLinesFileSink;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.json.DeadLetterJson;
import io.meshguard.json.DecisionJson;
import io.meshguard.json.SegmentUpdateJson;
import io.meshguard.model.RawTelemetry;
import io.meshguard.sim.LabelsWriter;
import io.meshguard.sim.Scenario;
import io.meshguard.sim.SimulationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs meshguard on an embedded Flink MiniCluster with its web UI: the built-in traffic simulator
 * or a telemetry file in, JSON-lines files out. {@code java -jar jobs/target/meshguard-local.jar}.
 */
public final class LocalRunner {
    public static final String DECISIONS_FILE = "decisions.jsonl";
    public static final String AUDIT_FILE = "audit.jsonl";
    public static final String SEGMENTS_FILE = "segments.jsonl";
    public static final String DEAD_LETTER_FILE = "dead-letter.jsonl";
    public static final String LABELS_FILE = "labels.jsonl";

    private LocalRunner() {}

    public static void main(String[] args) throws Exception {
        Configuration config;
        try {
            config = CommandLine.parse(args, allOptions());
            MeshGuardConfig.from(config);
            validateRunnerOptions(config);
        } catch (IllegalArgumentException e) {
            System.err.println("meshguard: " + e.getMessage());
            System.err.println("usage: java -jar meshguard-local.jar [--source simulator|file:<path>] [--out <dir>]"
                    + " [--duration <s>] [--rate <events/s>] [--web-port <port>] [--config <file>] [--<option> <value>]");
            System.exit(2);
            return;
        }
        RunSummary summary = run(config);
        System.out.println(summary.describe());
    }

    /** Reads every runner option once, so a bad value is reported before anything starts. */
    static void validateRunnerOptions(Configuration config) {
        for (ConfigOption<?> option : RunnerOptions.all()) {
            config.get(option);
        }
        requirePositive(RunnerOptions.PARALLELISM, config.get(RunnerOptions.PARALLELISM));
        requirePositive(RunnerOptions.DURATION, config.get(RunnerOptions.DURATION));
        requirePositive(RunnerOptions.IDENTITIES, config.get(RunnerOptions.IDENTITIES));
        requirePositive(RunnerOptions.PROGRESS_INTERVAL, config.get(RunnerOptions.PROGRESS_INTERVAL));
        if (!(config.get(RunnerOptions.RATE) > 0)) {
            throw new IllegalArgumentException(RunnerOptions.RATE.key() + " must be positive");
        }
        int port = config.get(RunnerOptions.WEB_PORT);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(RunnerOptions.WEB_PORT.key() + " must be a port number, got " + port);
        }
        try {
            Scenario.parseList(config.get(RunnerOptions.SCENARIOS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(RunnerOptions.SCENARIOS.key() + ": " + e.getMessage(), e);
        }
        String source = config.get(RunnerOptions.SOURCE);
        if (source.startsWith("file:")) {
            String path = source.substring("file:".length());
            if (!Files.isReadable(Path.of(path))) {
                throw new IllegalArgumentException("source: cannot read telemetry file " + path);
            }
        } else if (!source.equals("simulator")) {
            throw new IllegalArgumentException("source: unknown source '" + source + "'; use simulator or file:<path>");
        }
    }

    private static void requirePositive(ConfigOption<Integer> option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option.key() + " must be at least 1, got " + value);
        }
    }

    public static List<ConfigOption<?>> allOptions() {
        List<ConfigOption<?>> all = new ArrayList<>(RunnerOptions.all());
        all.addAll(MeshGuardOptions.all());
        return all;
    }

    /** Runs the job to completion and summarises its outputs. */
    public static RunSummary run(Configuration config) throws Exception {
        MeshGuardConfig meshguard = MeshGuardConfig.from(config);
        validateRunnerOptions(config);
        Path out = Path.of(config.get(RunnerOptions.OUT));
        Files.createDirectories(out);

        Configuration cluster = new Configuration();
        cluster.set(RestOptions.PORT, config.get(RunnerOptions.WEB_PORT));
        // The web UI's metric values refresh at this interval; match the progress lines.
        cluster.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL,
                Duration.ofSeconds(Math.max(1, config.get(RunnerOptions.PROGRESS_INTERVAL))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(cluster);
        env.setParallelism(config.get(RunnerOptions.PARALLELISM));
        env.getConfig().enableObjectReuse();
        env.getConfig().setGlobalJobParameters(config);
        // Checkpoints flush the output files, so they can be followed while the job runs.
        env.enableCheckpointing(Duration.ofSeconds(5).toMillis());

        String source = config.get(RunnerOptions.SOURCE);
        DataStream<RawTelemetry> telemetry = telemetry(env, config, source, out);
        DataStream<RawTelemetry> control = meshguard.policyControlDir == null
                ? ControlSources.none(env)
                : ControlSources.directory(env, meshguard.policyControlDir, meshguard.policyControlPollInterval);
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env, telemetry, control, meshguard);
        attachFileSinks(streams, out);

        long started = System.nanoTime();
        JobClient job = env.executeAsync("meshguard (local)");
        System.out.printf("meshguard: job %s running; web UI at http://localhost:%d ; outputs in %s%n",
                job.getJobID(), config.get(RunnerOptions.WEB_PORT), out.toAbsolutePath());
        JobProgressReporter progress = new JobProgressReporter(
                java.net.URI.create("http://localhost:" + config.get(RunnerOptions.WEB_PORT)),
                job.getJobID().toHexString(),
                Duration.ofSeconds(config.get(RunnerOptions.PROGRESS_INTERVAL)), System.out::println);
        progress.start();
        try {
            job.getJobExecutionResult().get();
        } finally {
            progress.stop();
        }
        return RunSummary.of(out, Duration.ofNanos(System.nanoTime() - started));
    }

    /** JSON-lines files: what enforcers act on, the audit trail, segment updates and dead letters. */
    static void attachFileSinks(MeshGuardWorkflow.Streams streams, Path out) {
        JsonLinesFileSink.attach(streams.enforcingDecisions(), out.resolve(DECISIONS_FILE), DecisionJson::decisionLine,
                "decisions-file", "Decisions file");
        JsonLinesFileSink.attach(streams.audit(), out.resolve(AUDIT_FILE), line -> line, "audit-file", "Audit file");
        JsonLinesFileSink.attach(streams.segmentUpdates(), out.resolve(SEGMENTS_FILE), SegmentUpdateJson::line,
                "segments-file", "Segments file");
        JsonLinesFileSink.attach(streams.deadLetters(), out.resolve(DEAD_LETTER_FILE), new DeadLetterJson()::line,
                "dead-letter-file", "Dead-letter file");
    }

    /** The telemetry source named by the (already validated) {@code source} option. */
    private static DataStream<RawTelemetry> telemetry(
            StreamExecutionEnvironment env, Configuration config, String source, Path out) throws IOException {
        if (source.equals("simulator")) {
            SimulationConfig simulation = simulation(config);
            LabelsWriter.write(simulation, out.resolve(LABELS_FILE));
            return TelemetrySources.simulator(env, simulation, config.get(RunnerOptions.PACED));
        }
        return TelemetrySources.file(env, source.substring("file:".length()));
    }

    static SimulationConfig simulation(Configuration config) {
        return SimulationConfig.builder()
                .seed(config.get(RunnerOptions.SEED))
                .durationSeconds(config.get(RunnerOptions.DURATION))
                .eventsPerSecond(config.get(RunnerOptions.RATE))
                .legitIdentities(config.get(RunnerOptions.IDENTITIES))
                .scenarios(Scenario.parseList(config.get(RunnerOptions.SCENARIOS)))
                .build();
    }
}
