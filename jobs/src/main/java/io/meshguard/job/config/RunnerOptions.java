package io.meshguard.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.meshguard.sim.Scenario;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** Options of the local runner: where telemetry comes from, where outputs go, the embedded cluster. */
public final class RunnerOptions {
    private RunnerOptions() {}

    public static final ConfigOption<String> SOURCE = key("source")
            .stringType().defaultValue("simulator")
            .withDescription("'simulator' (built-in traffic simulator), 'file:<path>' (a JSON-lines telemetry "
                    + "file, replayed in event time as fast as possible; the job ends at end of file) or 'kafka' "
                    + "(the kafka.telemetry.topics, with per-partition event time; runs until stopped; needs "
                    + "kafka.bootstrap-servers).");

    public static final ConfigOption<String> OUT = key("out")
            .stringType().defaultValue("./out")
            .withDescription("Directory of the output files: decisions.jsonl, audit.jsonl, segments.jsonl, "
                    + "dead-letter.jsonl when sink includes files; labels.jsonl of simulator runs.");

    public static final ConfigOption<Integer> WEB_PORT = key("web-port")
            .intType().defaultValue(8081)
            .withDescription("Port of the Flink web UI and REST API of the embedded cluster.");

    public static final ConfigOption<Integer> PARALLELISM = key("parallelism")
            .intType().defaultValue(2)
            .withDescription("Parallelism of the job on the embedded cluster.");

    public static final ConfigOption<Integer> DURATION = key("duration")
            .intType().defaultValue(180)
            .withDescription("Simulator: seconds of traffic to generate. Attacks are scheduled relative to it; any "
                    + "run of 60 s or more contains every scenario, and from 150 s the segments have learnt enough "
                    + "(segment.warmup-intervals) before the signup flood for it to clamp its ASN.");

    public static final ConfigOption<Double> RATE = key("rate")
            .doubleType().defaultValue(1000.0)
            .withDescription("Simulator: legitimate requests per second (attacks add to it).");

    public static final ConfigOption<Boolean> PACED = key("paced")
            .booleanType().defaultValue(true)
            .withDescription("Simulator: release traffic in real time (false: as fast as possible).");

    public static final ConfigOption<Long> SEED = key("seed")
            .longType().defaultValue(42L)
            .withDescription("Simulator: random seed; the same seed gives the same traffic.");

    public static final ConfigOption<Integer> IDENTITIES = key("identities")
            .intType().defaultValue(3000)
            .withDescription("Simulator: size of the legitimate population.");

    public static final ConfigOption<String> SCENARIOS = key("scenarios")
            .stringType().defaultValue(Scenario.wireNames(Scenario.defaults()))
            .withDescription("Simulator: the scenarios to play, comma-separated wire names; 'default' stands for "
                    + "the default set (every scenario but the opt-in low-and-slow-signups), so "
                    + "'default,low-and-slow-signups' adds it; the legitimate population always plays.");

    public static final ConfigOption<Integer> PROGRESS_INTERVAL = key("progress-interval")
            .intType().defaultValue(5)
            .withDescription("Seconds between progress lines.");

    /** All options declared above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        return DeclaredOptions.of(RunnerOptions.class);
    }
}
