package io.meshguard.job;

import io.meshguard.job.config.CommandLine;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.RunnerOptions;
import io.meshguard.job.runner.RunSummary;
import io.meshguard.sim.Evaluation;
import io.meshguard.sim.EvaluationTables;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.flink.configuration.Configuration;

/**
 * Runs the local pipeline twice on the same simulated traffic, once with adaptive segment
 * thresholds and once with static ones, scores both against the simulator's ground truth and
 * prints them side by side (also written to {@code <out>/comparison.txt}).
 *
 * <p>{@code java -cp meshguard-local.jar io.meshguard.job.CompareThresholds [--seeds 7,11] [runner and
 * meshguard options]}. Every option of the local runner is accepted; {@code --seeds} runs each seed
 * and sums the scores. Defaults differ from the runner's where a comparison needs it: 600 s of
 * traffic (every scenario starts and ends, with the controller's warm-up well behind it), unpaced,
 * outputs in {@code ./out-compare}, and a free port for each run's web UI.
 *
 * <p>The runner's {@code --scenarios} option picks the simulated scenarios; on the default set both
 * modes catch every attacker, so the difference shows with the opt-in low-and-slow signup farm:
 * {@code --scenarios default,low-and-slow-signups}.
 */
public final class CompareThresholds {
    /**
     * Key of {@code MeshGuardOptions.SEGMENT_ADAPTIVE}; set as text so this class does not depend on
     * the option's declaration: when false the segment controller still runs and reports, but the
     * pipeline keeps the base thresholds.
     */
    static final String SEGMENT_ADAPTIVE = "segment.adaptive";

    static final String SEEDS = "seeds";
    static final int DEFAULT_DURATION_SECONDS = 600;
    static final String DEFAULT_OUT = "./out-compare";
    static final String COMPARISON_FILE = "comparison.txt";
    static final String ADAPTIVE = "adaptive";
    static final String STATIC = "static";

    private CompareThresholds() {}

    public static void main(String[] args) throws Exception {
        Configuration config;
        List<Long> seeds;
        try {
            List<String> rest = new ArrayList<>();
            seeds = extractSeeds(args, rest);
            config = CommandLine.parse(rest.toArray(String[]::new), LocalRunner.allOptions());
            applyDefaults(config);
            if (seeds.isEmpty()) {
                seeds = List.of(config.get(RunnerOptions.SEED));
            }
            MeshGuardConfig.from(config);
            LocalRunner.validateRunnerOptions(config);
        } catch (IllegalArgumentException e) {
            System.err.println("compare-thresholds: " + e.getMessage());
            System.err.println("usage: CompareThresholds [--seeds <n,n,...>] [--out <dir>] [--duration <s>]"
                    + " [--rate <events/s>] [--scenarios default,low-and-slow-signups] [--config <file>]"
                    + " [--<option> <value>]");
            System.exit(2);
            return;
        }
        String report = compare(config, seeds, System.out::println);
        Path file = Path.of(config.get(RunnerOptions.OUT)).resolve(COMPARISON_FILE);
        Files.writeString(file, report, StandardCharsets.UTF_8);
        System.out.println(report);
        System.out.println("compare-thresholds: written to " + file.toAbsolutePath());
    }

    /**
     * Runs both modes on each seed, logging each run's summary, and returns the report: every run's evaluation, then the comparison of the sums over the seeds.
     */
    static String compare(Configuration config, List<Long> seeds, Consumer<String> log) throws Exception {
        Path out = Path.of(config.get(RunnerOptions.OUT));
        Evaluation adaptiveSum = null;
        Evaluation staticSum = null;
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "meshguard: adaptive vs static segment thresholds; %d s of simulated "
                + "traffic at %.0f requests/s, %d identities, seeds %s; scenarios %s%n%n",
                config.get(RunnerOptions.DURATION), config.get(RunnerOptions.RATE), config.get(RunnerOptions.IDENTITIES),
                seeds, config.get(RunnerOptions.SCENARIOS)));
        for (long seed : seeds) {
            // One seed keeps the documented layout <out>/adaptive and <out>/static.
            Path seedOut = seeds.size() == 1 ? out : out.resolve("seed-" + seed);
            Evaluation adaptive = runAndEvaluate(config, seed, true, seedOut.resolve(ADAPTIVE), log);
            Evaluation fixed = runAndEvaluate(config, seed, false, seedOut.resolve(STATIC), log);
            for (String[] part : new String[][] {{ADAPTIVE, EvaluationTables.table(adaptive)},
                    {STATIC, EvaluationTables.table(fixed)}}) {
                report.append("== ").append(part[0]).append(" (seed ").append(seed).append(")\n")
                        .append(part[1]).append('\n');
            }
            adaptiveSum = adaptiveSum == null ? adaptive : adaptiveSum.plus(adaptive);
            staticSum = staticSum == null ? fixed : staticSum.plus(fixed);
        }
        report.append("== ").append(ADAPTIVE).append(" vs ").append(STATIC);
        if (seeds.size() > 1) {
            report.append(" (summed over seeds ").append(seeds).append(')');
        }
        report.append('\n').append(EvaluationTables.comparison(ADAPTIVE, adaptiveSum, STATIC, staticSum));
        return report.toString();
    }

    private static Evaluation runAndEvaluate(
            Configuration base, long seed, boolean adaptive, Path out, Consumer<String> log) throws Exception {
        Configuration config = new Configuration(base);
        config.set(RunnerOptions.SEED, seed);
        config.set(RunnerOptions.OUT, out.toString());
        config.setString(SEGMENT_ADAPTIVE, Boolean.toString(adaptive));
        if (!base.contains(RunnerOptions.WEB_PORT)) {
            // The progress reporter polls the REST port it is given, so port 0 would not do.
            config.set(RunnerOptions.WEB_PORT, freePort());
        }
        log.accept(String.format(Locale.ROOT, "compare-thresholds: seed %d, %s thresholds -> %s", seed,
                adaptive ? ADAPTIVE : STATIC, out));
        RunSummary summary = LocalRunner.run(config);
        log.accept(summary.describe());
        return Evaluation.ofRun(out);
    }

    /** Where the comparison's defaults differ from the runner's; options given explicitly win. */
    static void applyDefaults(Configuration config) {
        if (config.containsKey(SEGMENT_ADAPTIVE)) {
            throw new IllegalArgumentException(SEGMENT_ADAPTIVE + " is what this command varies; do not set it");
        }
        if (!config.contains(RunnerOptions.SOURCE)) {
            config.set(RunnerOptions.SOURCE, "simulator");
        } else if (!config.get(RunnerOptions.SOURCE).equals("simulator")) {
            throw new IllegalArgumentException("source: the comparison needs the simulator's ground truth; "
                    + "use --source simulator");
        }
        if (!config.contains(RunnerOptions.DURATION)) {
            config.set(RunnerOptions.DURATION, DEFAULT_DURATION_SECONDS);
        }
        if (!config.contains(RunnerOptions.PACED)) {
            config.set(RunnerOptions.PACED, false);
        }
        if (!config.contains(RunnerOptions.OUT)) {
            config.set(RunnerOptions.OUT, DEFAULT_OUT);
        }
    }

    /** Takes {@code --seeds a,b,...} out of the arguments (it is not a runner option); the rest go to {@code rest}. */
    static List<Long> extractSeeds(String[] args, List<String> rest) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals("--" + SEEDS)) {
                rest.add(args[i]);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option --seeds needs a value, e.g. --seeds 7,11");
            }
            for (String part : args[++i].split(",")) {
                try {
                    seeds.add(Long.parseLong(part.strip()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("seeds: not a number: '" + part + "'");
                }
            }
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("seeds: each seed once, got " + seeds);
        }
        return seeds;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
