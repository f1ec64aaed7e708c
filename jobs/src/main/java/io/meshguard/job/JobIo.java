package io.meshguard.job;

import io.meshguard.job.config.IoOptions;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.RunnerOptions;
import io.meshguard.job.kafka.KafkaIoConfig;
import io.meshguard.job.kafka.KafkaTelemetrySource;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.model.RawTelemetry;
import io.meshguard.sim.LabelsWriter;
import io.meshguard.sim.SimulationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's inputs and outputs as the options name them ({@code --source}, {@code --sink}, {@code
 * kafka.*}, {@code redis.*}, {@code policy.control-dir}), wired around {@link
 * MeshGuardWorkflow#defineWorkflow}. Used by {@link ClusterJob}; the run modes are the local
 * runner's, so a job behaves the same in both.
 */
final class JobIo {
    private JobIo() {}

    /**
     * Defines the whole job on {@code env}: sources, workflow, sinks. {@code config} must have passed
     * {@link LocalRunner#validateRunnerOptions}.
     */
    static MeshGuardWorkflow.Streams define(StreamExecutionEnvironment env, Configuration config) throws IOException {
        MeshGuardConfig meshguard = MeshGuardConfig.from(config);
        Path out = Path.of(config.get(RunnerOptions.OUT));
        KafkaIoConfig kafka = usesKafka(config) ? IoOptions.kafka(config) : null;
        boolean fromKafka = fromKafka(config);
        DataStream<RawTelemetry> telemetry = fromKafka
                ? KafkaTelemetrySource.telemetry(env, kafka)
                : telemetry(env, config, out);
        // Kafka records carry per-partition event time from the source; the others get it after parsing.
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(
                env, telemetry, fromKafka, control(env, meshguard, kafka), meshguard);
        LocalRunner.attachSinks(streams, IoOptions.sinks(config), out, kafka, config);
        return streams;
    }

    static boolean fromKafka(Configuration config) {
        return config.get(RunnerOptions.SOURCE).equals(LocalRunner.SOURCE_KAFKA);
    }

    /** Whether the job talks to Kafka at all (source, sink or control topic). */
    static boolean usesKafka(Configuration config) {
        return fromKafka(config)
                || IoOptions.sinks(config).contains(IoOptions.Sink.KAFKA)
                || config.getOptional(IoOptions.KAFKA_CONTROL_TOPIC).isPresent();
    }

    /** The simulator or a telemetry file, as {@code --source} names them. */
    private static DataStream<RawTelemetry> telemetry(StreamExecutionEnvironment env, Configuration config, Path out)
            throws IOException {
        String source = config.get(RunnerOptions.SOURCE);
        if (source.equals("simulator")) {
            SimulationConfig simulation = LocalRunner.simulation(config);
            // The ground truth for notebooks/evaluate.py, next to the decisions when they go to files.
            // Written where the job is submitted from: on a cluster the files sink writes on the
            // TaskManager, which is the same machine only on a local cluster.
            if (IoOptions.sinks(config).contains(IoOptions.Sink.FILES)) {
                Files.createDirectories(out);
                LabelsWriter.write(simulation, out.resolve(LocalRunner.LABELS_FILE));
            }
            return TelemetrySources.simulator(env, simulation, config.get(RunnerOptions.PACED));
        }
        return TelemetrySources.file(env, source.substring("file:".length()));
    }

    /** The control channel: a Kafka topic, a watched directory, or none. */
    private static DataStream<RawTelemetry> control(
            StreamExecutionEnvironment env, MeshGuardConfig meshguard, KafkaIoConfig kafka) {
        if (kafka != null && kafka.hasControlTopic()) {
            return KafkaTelemetrySource.controlLines(env, kafka);
        }
        if (meshguard.policyControlDir != null) {
            return ControlSources.directory(env, meshguard.policyControlDir, meshguard.policyControlPollInterval);
        }
        return ControlSources.none(env);
    }
}
