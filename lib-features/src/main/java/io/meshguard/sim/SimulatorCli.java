package io.meshguard.sim;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a simulated run to disk for later replay: {@code telemetry.jsonl} (access-log lines in
 * event-time order of ticks) and {@code labels.jsonl}, then prints a summary.
 */
public final class SimulatorCli {
    public static final String TELEMETRY_FILE = "telemetry.jsonl";

    private static final String USAGE = """
            Usage: simulator [--out DIR] [--seed N] [--duration SECONDS] [--rate EVENTS_PER_SECOND]
                             [--identities N] [--day-length SECONDS]
              --out         output directory (default ./sim-out)
              --seed        random seed (default 42)
              --duration    event-time length of the run in seconds (default 300)
              --rate        legitimate baseline in events per second (default 2000)
              --identities  size of the legitimate population (default 3000)
              --day-length  period of the daily rhythm in seconds (default 86400)
            """;

    private SimulatorCli() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns the process exit status (0 ok, 1 I/O failure, 2 bad arguments). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path dir = Path.of("sim-out");
        SimulationConfig.Builder builder = SimulationConfig.builder();
        try {
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + flag);
                }
                String value = args[++i];
                switch (flag) {
                    case "--out" -> dir = Path.of(value);
                    case "--seed" -> builder.seed(Long.parseLong(value));
                    case "--duration" -> builder.durationSeconds(Integer.parseInt(value));
                    case "--rate" -> builder.eventsPerSecond(Double.parseDouble(value));
                    case "--identities" -> builder.legitIdentities(Integer.parseInt(value));
                    case "--day-length" -> builder.dayLengthSeconds(Integer.parseInt(value));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            SimulationConfig config = builder.build();
            write(config, dir, out);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("simulator: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("simulator: " + e.getMessage());
            return 1;
        }
    }

    /** Generates the run tick by tick straight to disk, so memory stays flat however long it is. */
    static void write(SimulationConfig config, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        TrafficSimulator sim = new TrafficSimulator(config);
        Path telemetry = dir.resolve(TELEMETRY_FILE);
        Map<Scenario, long[]> counts = new EnumMap<>(Scenario.class);
        for (Scenario s : Scenario.values()) {
            counts.put(s, new long[2]);
        }
        long lines = 0;
        long started = System.nanoTime();
        try (OutputStream w = new BufferedOutputStream(Files.newOutputStream(telemetry), 1 << 20)) {
            LineSink sink = (line, time, scenario, attack) -> {
                try {
                    w.write(line.getBytes(StandardCharsets.UTF_8));
                    w.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                long[] c = counts.get(scenario);
                c[0]++;
                if (attack) {
                    c[1]++;
                }
            };
            for (long tick = 0; tick < sim.tickCount(); tick++) {
                sim.generateTick(tick, sink);
            }
        }
        for (long[] c : counts.values()) {
            lines += c[0];
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        Path labelsFile = dir.resolve(LabelsWriter.FILE_NAME);
        LabelsWriter.write(sim.labels(), labelsFile);
        printSummary(config, sim, telemetry, labelsFile, counts, lines, seconds, out);
    }

    private static void printSummary(SimulationConfig config, TrafficSimulator sim, Path telemetry, Path labelsFile,
            Map<Scenario, long[]> counts, long lines, double seconds, PrintStream out) {
        Map<Scenario, Integer> identities = new EnumMap<>(Scenario.class);
        long attackers = 0;
        for (GroundTruthLabel label : sim.labels()) {
            identities.merge(label.scenario(), 1, Integer::sum);
            attackers += label.isAttack() ? 1 : 0;
        }
        out.printf(Locale.ROOT, "meshguard simulator: seed %d, %d s from %s, %.0f legit events/s, %d legit identities,"
                        + " day length %d s%n",
                config.seed(), config.durationSeconds(), IsoTimestamps.format(config.startEpochMillis()),
                config.eventsPerSecond(), config.legitIdentities(), config.dayLengthSeconds());
        out.printf(Locale.ROOT, "telemetry: %s (%d lines, generated and written in %.1f s, %.0f lines/s)%n",
                telemetry, lines, seconds, lines / seconds);
        out.printf(Locale.ROOT, "labels:    %s (%d identities: %d legit, %d attack)%n",
                labelsFile, sim.labels().size(), sim.labels().size() - attackers, attackers);
        out.printf(Locale.ROOT, "  %-22s %10s %12s %12s  %s%n", "scenario", "identities", "lines", "attack lines",
                "window");
        for (Scenario s : Scenario.values()) {
            if (!config.enabled(s)) {
                continue;
            }
            String window = sim.window(s)
                    .map(w -> IsoTimestamps.format(w.startMillis()) + " .. " + IsoTimestamps.format(w.endMillis()))
                    .orElse("whole run");
            long[] c = counts.get(s);
            out.printf(Locale.ROOT, "  %-22s %10d %12d %12d  %s%n", s.wireName(), identities.getOrDefault(s, 0), c[0],
                    c[1], window);
        }
    }
}
