package io.meshguard.job;

import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.RunnerOptions;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of {@code meshguard-job.jar} on a Flink cluster ({@code flink run
 * meshguard-job.jar [--config <file>] [--<option> <value>]}): the local runner's options and run
 * modes, on whatever cluster the environment points at, with no embedded MiniCluster.
 */
public final class ClusterJob {
    public static final String JOB_NAME = "meshguard";

    /**
     * Used only when neither the cluster's config nor {@code flink run -D} sets {@code
     * execution.checkpointing.interval}: the file sinks flush, the Kafka source commits offsets and the
     * Kafka sinks commit their transactions on checkpoints, so a job without them would look stuck.
     */
    static final Duration FALLBACK_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ClusterJob.class);

    private ClusterJob() {}

    public static void main(String[] args) throws Exception {
        Configuration config = parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        define(env, config);
        env.execute(JOB_NAME);
    }

    /**
     * The program arguments as the local runner reads them, validated before anything is built.
     * Errors are thrown, not turned into {@code System.exit}: {@code flink run} prints them.
     */
    static Configuration parse(String[] args) {
        try {
            Configuration config = LocalRunner.parseCommandLine(args);
            MeshGuardConfig.from(config);
            LocalRunner.validateRunnerOptions(config);
            return config;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("meshguard: " + e.getMessage()
                    + "\nusage: flink run meshguard-job.jar [--source simulator|file:<path>|kafka]"
                    + " [--sink files,redis,kafka] [--config <file>] [--<option> <value>]", e);
        }
    }

    /** Everything but execution: job-wide settings, sources, the shared workflow and sinks. */
    static MeshGuardWorkflow.Streams define(StreamExecutionEnvironment env, Configuration config) throws Exception {
        // The cluster's default (or flink run -p) decides, unless the job's options name a parallelism.
        if (config.contains(RunnerOptions.PARALLELISM)) {
            env.setParallelism(config.get(RunnerOptions.PARALLELISM));
        }
        // The operators never hold on to an input record after emitting, as the local runner relies on too.
        env.getConfig().enableObjectReuse();
        // Shown under the job's Configuration tab in the web UI, secrets masked.
        env.getConfig().setGlobalJobParameters(LocalRunner.withoutSecrets(config));
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            LOG.warn("execution.checkpointing.interval is not set; checkpointing every {} s exactly-once",
                    FALLBACK_CHECKPOINT_INTERVAL.toSeconds());
            env.enableCheckpointing(FALLBACK_CHECKPOINT_INTERVAL.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        return JobIo.define(env, config);
    }
}
