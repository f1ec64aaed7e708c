package io.meshguard.job;

import io.meshguard.job.config.CommandLine;
import io.meshguard.job.config.IoOptions;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.config.RunnerOptions;
import io.meshguard.job.kafka.KafkaIoConfig;
import io.meshguard.job.kafka.KafkaSinks;
import io.meshguard.job.kafka.KafkaTelemetrySource;
import io.meshguard.job.runner.JobProgressReporter;
import io.meshguard.job.runner.RunSummary;
import io.meshguard.job.sinks.JsonLinesFileSink;
import io.meshguard.job.sinks.redis.RedisEnforcementSink;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.json.DeadLetterJson;
import io.meshguard.json.DecisionJson;
import io.meshguard.json.SegmentUpdateJson;
import io.meshguard.model.Decision;
import io.meshguard.model.RawTelemetry;
import io.meshguard.sim.LabelsWriter;
import io.meshguard.sim.Scenario;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.store.EnforcementRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs meshguard on an embedded Flink MiniCluster with its web UI: by default the built-in traffic
 * simulator or a telemetry file in, JSON-lines files out; {@code --source kafka} and {@code --sink
 * redis,kafka} switch to production I/O. {@code java -jar jobs/target/meshguard-local.jar}.
 */
public final class LocalRunner {
    public static final String DECISIONS_FILE = "decisions.jsonl";
    public static final String AUDIT_FILE = "audit.jsonl";
    public static final String SEGMENTS_FILE = "segments.jsonl";
    public static final String DEAD_LETTER_FILE = "dead-letter.jsonl";
    public static final String LABELS_FILE = "labels.jsonl";

    public static final String SOURCE_KAFKA = "kafka";
    public static final String REDIS_SINK_UID = "redis-enforcement-sink";

    private LocalRunner() {}

    public static void main(String[] args) throws Exception {
        Configuration config;
        try {
            config = parseCommandLine(args);
            MeshGuardConfig.from(config);
            validateRunnerOptions(config);
        } catch (IllegalArgumentException e) {
            System.err.println("meshguard: " + e.getMessage());
            System.err.println("usage: java -jar meshguard-local.jar [--source simulator|file:<path>|kafka]"
                    + " [--sink files,redis,kafka] [--out <dir>] [--duration <s>] [--rate <events/s>]"
                    + " [--kafka.bootstrap-servers <host:port>] [--redis.uri <uri>] [--web-port <port>]"
                    + " [--config <file>] [--<option> <value>]");
            System.exit(2);
            return;
        }
        RunSummary summary = run(config);
        if (IoOptions.sinks(config).contains(IoOptions.Sink.FILES)) {
            System.out.println(summary.describe());
        } else {
            System.out.printf("meshguard: finished in %.1f s; outputs went to %s%n",
                    summary.elapsed.toMillis() / 1000.0, config.get(IoOptions.SINK));
        }
    }

    /**
     * The command line with every option the runner knows, plus the Kafka client properties ({@code
     * kafka.client.<property>}) it finds in the flags or the config file: those are open-ended, so
     * they are accepted by prefix rather than declared one by one.
     */
    public static Configuration parseCommandLine(String[] args) {
        return parseCommandLine(args, allOptions());
    }

    /** As {@link #parseCommandLine(String[])} for another command's options. */
    public static Configuration parseCommandLine(String[] args, List<ConfigOption<?>> options) {
        List<ConfigOption<?>> known = new ArrayList<>(options);
        for (String key : clientPropertyKeys(args)) {
            known.add(ConfigOptions.key(key).stringType().noDefaultValue());
        }
        return CommandLine.parse(args, known);
    }

    private static Set<String> clientPropertyKeys(String[] args) {
        String prefix = IoOptions.KAFKA_CLIENT.key() + ".";
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--" + prefix) && args[i].length() > prefix.length() + 2) {
                keys.add(args[i].substring(2));
            } else if (args[i].equals("--config") && i + 1 < args.length) {
                try {
                    for (String line : Files.readAllLines(Path.of(args[i + 1]))) {
                        int colon = line.indexOf(':');
                        String key = colon > 0 ? line.substring(0, colon).strip() : "";
                        if (key.startsWith(prefix) && key.length() > prefix.length()) {
                            keys.add(key);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // CommandLine.parse reports an unreadable file, naming it.
                }
            }
        }
        return keys;
    }

    /** Reads every runner option once, so a bad value is reported before anything starts. */
    static void validateRunnerOptions(Configuration config) {
        List<ConfigOption<?>> runnerAndIo = new ArrayList<>(RunnerOptions.all());
        runnerAndIo.addAll(IoOptions.all());
        for (ConfigOption<?> option : runnerAndIo) {
            try {
                config.get(option);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option.key() + ": " + e.getMessage(), e);
            }
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
        } else if (!source.equals("simulator") && !source.equals(SOURCE_KAFKA)) {
            throw new IllegalArgumentException(
                    "source: unknown source '" + source + "'; use simulator, file:<path> or kafka");
        }
        List<IoOptions.Sink> sinks = IoOptions.sinks(config);
        if (source.equals(SOURCE_KAFKA)) {
            requireKafka(config, "source kafka");
        } else if (sinks.contains(IoOptions.Sink.KAFKA)) {
            requireKafka(config, "sink kafka");
        } else if (config.getOptional(IoOptions.KAFKA_CONTROL_TOPIC).isPresent()) {
            requireKafka(config, IoOptions.KAFKA_CONTROL_TOPIC.key());
        }
        if (sinks.contains(IoOptions.Sink.REDIS)) {
            try {
                IoOptions.redis(config);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sink redis: " + e.getMessage(), e);
            }
        }
    }

    private static KafkaIoConfig requireKafka(Configuration config, String neededBy) {
        try {
            return IoOptions.kafka(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(neededBy + ": " + e.getMessage(), e);
        }
    }

    /** Whether the run talks to Kafka at all (source, sink or control topic). */
    private static boolean usesKafka(Configuration config) {
        return config.get(RunnerOptions.SOURCE).equals(SOURCE_KAFKA)
                || IoOptions.sinks(config).contains(IoOptions.Sink.KAFKA)
                || config.getOptional(IoOptions.KAFKA_CONTROL_TOPIC).isPresent();
    }

    private static void requirePositive(ConfigOption<Integer> option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option.key() + " must be at least 1, got " + value);
        }
    }

    public static List<ConfigOption<?>> allOptions() {
        List<ConfigOption<?>> all = new ArrayList<>(RunnerOptions.all());
        all.addAll(IoOptions.all());
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
        env.getConfig().setGlobalJobParameters(withoutSecrets(config));
        // Checkpoints flush the output files, so they can be followed while the job runs; they also
        // commit the Kafka source's offsets and the Kafka sinks' transactions.
        env.enableCheckpointing(Duration.ofSeconds(5).toMillis());

        String source = config.get(RunnerOptions.SOURCE);
        KafkaIoConfig kafka = usesKafka(config) ? IoOptions.kafka(config) : null;
        boolean fromKafka = source.equals(SOURCE_KAFKA);
        DataStream<RawTelemetry> telemetry = fromKafka
                ? KafkaTelemetrySource.telemetry(env, kafka)
                : telemetry(env, config, source, out);
        DataStream<RawTelemetry> control;
        if (kafka != null && kafka.hasControlTopic()) {
            control = KafkaTelemetrySource.controlLines(env, kafka);
        } else if (meshguard.policyControlDir != null) {
            control = ControlSources.directory(env, meshguard.policyControlDir, meshguard.policyControlPollInterval);
        } else {
            control = ControlSources.none(env);
        }
        // Kafka records carry per-partition event time from the source; the others get it after parsing.
        MeshGuardWorkflow.Streams streams =
                MeshGuardWorkflow.defineWorkflow(env, telemetry, fromKafka, control, meshguard);
        attachSinks(streams, IoOptions.sinks(config), out, kafka, config);

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

    /** The outputs named by {@code --sink}, each fed from the same workflow streams. */
    static void attachSinks(MeshGuardWorkflow.Streams streams, List<IoOptions.Sink> sinks, Path out,
            KafkaIoConfig kafka, Configuration config) {
        // Once only: the filter has a fixed uid, and every sink reads the same enforcing decisions.
        DataStream<Decision> enforcing = streams.enforcingDecisions();
        DataStream<EnforcementRecord> records = sinks.contains(IoOptions.Sink.REDIS)
                || sinks.contains(IoOptions.Sink.KAFKA) ? enforcementRecords(streams, enforcing) : null;
        if (sinks.contains(IoOptions.Sink.FILES)) {
            attachFileSinks(streams, enforcing, out);
        }
        if (sinks.contains(IoOptions.Sink.REDIS)) {
            // At-least-once without waiting for checkpoints: the store's version guard makes replays harmless.
            records.sinkTo(RedisEnforcementSink.create(IoOptions.redis(config)))
                    .uid(REDIS_SINK_UID)
                    .name("Redis enforcement");
        }
        if (sinks.contains(IoOptions.Sink.KAFKA)) {
            KafkaSinks.sinkEnforcement(records, kafka);
            KafkaSinks.sinkAudit(streams.audit(), kafka);
            KafkaSinks.sinkDeadLetters(streams.deadLetters(), kafka);
        }
    }

    /**
     * Identity decisions and segment updates as store entries. The maps chain behind the keyed
     * operators (forward edges), so each key's entries reach a sink in order.
     */
    static DataStream<EnforcementRecord> enforcementRecords(
            MeshGuardWorkflow.Streams streams, DataStream<Decision> enforcing) {
        DataStream<EnforcementRecord> decisions = enforcing.map(EnforcementRecord::of).returns(EnforcementRecord.class)
                .uid("decision-enforcement-records").name("Decision entries");
        if (!streams.segmentsEnforced()) {
            return decisions;
        }
        return decisions.union(streams.segmentUpdates().map(EnforcementRecord::of).returns(EnforcementRecord.class)
                .uid("segment-enforcement-records").name("Segment entries"));
    }

    /** JSON-lines files: what enforcers act on, the audit trail, segment updates and dead letters. */
    static void attachFileSinks(MeshGuardWorkflow.Streams streams, Path out) {
        attachFileSinks(streams, streams.enforcingDecisions(), out);
    }

    private static void attachFileSinks(MeshGuardWorkflow.Streams streams, DataStream<Decision> enforcing, Path out) {
        JsonLinesFileSink.attach(enforcing, out.resolve(DECISIONS_FILE), DecisionJson::decisionLine,
                "decisions-file", "Decisions file");
        JsonLinesFileSink.attach(streams.audit(), out.resolve(AUDIT_FILE), line -> line, "audit-file", "Audit file");
        JsonLinesFileSink.attach(streams.segmentUpdates(), out.resolve(SEGMENTS_FILE), SegmentUpdateJson::line,
                "segments-file", "Segments file");
        JsonLinesFileSink.attach(streams.deadLetters(), out.resolve(DEAD_LETTER_FILE), new DeadLetterJson()::line,
                "dead-letter-file", "Dead-letter file");
    }

    /**
     * The options as the web UI shows them: secrets (by Flink's own test: keys naming a password,
     * secret, token, JAAS config, ...) and a password inside the Redis URI are masked.
     */
    static Configuration withoutSecrets(Configuration config) {
        Configuration shown = new Configuration();
        config.toMap().forEach((key, value) -> {
            String masked = GlobalConfiguration.isSensitive(key) ? GlobalConfiguration.HIDDEN_CONTENT : value;
            if (key.equals(IoOptions.REDIS_URI.key())) {
                masked = value.replaceAll("//([^:/@]*):[^@/]*@", "//$1:" + GlobalConfiguration.HIDDEN_CONTENT + "@");
            }
            shown.setString(key, masked);
        });
        return shown;
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
