package io.meshguard.parse;

import io.meshguard.model.MeshEvent;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Times {@link TelemetryDecoder#decode(String)} on realistic simulated lines and prints ns per line
 * and lines per second on one core. A plain main, not a unit test: timings belong on a quiet
 * machine, not in CI.
 *
 * <p>Modes are timed in interleaved rounds (A, B, A, B, ...) so that noise from a shared machine
 * hits them alike. {@code decode} and {@code parse} use only the public API, so the same class can
 * time an older build of the main classes (put its classes on the class path instead); {@code
 * jackson-decode} and {@code jackson-parse} force the Jackson reader of the current build, to
 * compare it with the flat reader in one run.
 *
 * <p>By default the lines cycle through a set small enough to stay in the CPU caches, as a line
 * just decoded from a Kafka record would be; {@code lines=40000} reads them from memory instead.
 * {@code agents=unique} gives every line its own user agent, the worst case for the decoder's
 * memory of recent user agents.
 *
 * <pre>
 * mvn -q -o -Dbuild.dir=target-perf -pl lib-features test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp lib-features/target-perf/test-classes:lib-features/target-perf/classes:$(cat /tmp/cp.txt) \
 *     io.meshguard.parse.DecodeBenchmark [modes=decode,jackson-decode] [lines=2000] [agents=simulated|unique] \
 *     [rounds=7] [decodesPerRound=2000000] [warmupSeconds=8]
 * </pre>
 */
public final class DecodeBenchmark {
    private DecodeBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> options = options(args);
        List<String> modes = List.of(options.getOrDefault("modes", "decode,jackson-decode").split(","));
        int lineCount = Integer.parseInt(options.getOrDefault("lines", "2000"));
        boolean uniqueAgents = options.getOrDefault("agents", "simulated").equals("unique");
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "7"));
        long decodesPerRound = Long.parseLong(options.getOrDefault("decodesPerRound", "2000000"));
        double warmupSeconds = Double.parseDouble(options.getOrDefault("warmupSeconds", "8"));

        SimulationConfig simulation = SimulationConfig.defaults();
        String[] lines = simulatedLines(simulation, lineCount);
        if (uniqueAgents) {
            giveEachLineItsOwnUserAgent(lines);
        }
        // A fixed clock just after the simulated run, so no line is judged to lie in the future.
        Clock clock = Clock.fixed(Instant.ofEpochMilli(simulation.endEpochMillis()), ZoneOffset.UTC);
        printLineStats(lines);
        printFlatShare(lines, clock);

        List<ToLongFunction<String>> workloads = new ArrayList<>();
        for (String mode : modes) {
            workloads.add(workload(mode, clock));
        }
        for (int m = 0; m < modes.size(); m++) {
            System.out.printf("%-16s ok=%d of %d lines%n", modes.get(m), countOk(workloads.get(m), lines), lines.length);
        }
        // Warm every mode up before any is timed, so that JIT profiles see all of them.
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long sink = 0;
        while (System.nanoTime() < warmupEnd) {
            for (ToLongFunction<String> w : workloads) {
                sink += run(w, lines, 200_000);
            }
        }
        double[][] nsPerLine = new double[modes.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < modes.size(); m++) {
                long start = System.nanoTime();
                sink += run(workloads.get(m), lines, decodesPerRound);
                nsPerLine[m][r] = (System.nanoTime() - start) / (double) decodesPerRound;
            }
        }
        System.out.println();
        System.out.printf("%-16s %10s %10s %16s%n", "mode", "median ns", "best ns", "lines/s/core");
        for (int m = 0; m < modes.size(); m++) {
            double[] sorted = nsPerLine[m].clone();
            Arrays.sort(sorted);
            double median = sorted[sorted.length / 2];
            System.out.printf("%-16s %10.0f %10.0f %,16.0f   rounds %s%n",
                    modes.get(m), median, sorted[0], 1e9 / median, roundsText(nsPerLine[m]));
        }
        System.out.println("(checksum " + sink + ")");
    }

    private static ToLongFunction<String> workload(String mode, Clock clock) {
        DecoderConfig config = DecoderConfig.defaults();
        switch (mode) {
            case "decode": {
                TelemetryDecoder decoder = new TelemetryDecoder(config, clock);
                return line -> checksum(decoder.decode(line));
            }
            case "parse": {
                AccessLogParser parser = new AccessLogParser(config, clock);
                return line -> checksum(parser.parse(line));
            }
            case "jackson-decode": {
                TelemetryDecoder decoder = new TelemetryDecoder(config, clock);
                AccessLogParser jackson = new AccessLogParser(config, clock);
                return line -> {
                    ParseResult parsed = jackson.parseWithJackson(line);
                    return checksum(parsed.isOk() ? decoder.resolve(parsed.record()) : null);
                };
            }
            case "jackson-parse": {
                AccessLogParser parser = new AccessLogParser(config, clock);
                return line -> checksum(parser.parseWithJackson(line));
            }
            default:
                throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    /** Something of every result, so that the JIT cannot drop any of the work. */
    private static long checksum(DecodeResult result) {
        if (result == null || !result.isOk()) {
            return 1;
        }
        MeshEvent e = result.event();
        return e.identity.length() + e.segment.length() + e.pathHash + e.pathFlags + e.upstreamHash
                + e.timestampMillis + e.userAgentClass;
    }

    private static long checksum(ParseResult result) {
        return result.isOk() ? result.record().startTimeMillis + result.record().responseCode : 1;
    }

    private static long run(ToLongFunction<String> workload, String[] lines, long decodes) {
        long sink = 0;
        int i = 0;
        for (long n = 0; n < decodes; n++) {
            sink += workload.applyAsLong(lines[i]);
            if (++i == lines.length) {
                i = 0;
            }
        }
        return sink;
    }

    private static int countOk(ToLongFunction<String> workload, String[] lines) {
        int ok = 0;
        for (String line : lines) {
            ok += workload.applyAsLong(line) == 1 ? 0 : 1;
        }
        return ok;
    }

    private static String[] simulatedLines(SimulationConfig simulation, int count) {
        TrafficSimulator simulator = new TrafficSimulator(simulation);
        List<String> lines = new ArrayList<>(count);
        // Ticks spread over the whole run, so that every scenario's traffic is represented.
        long stride = Math.max(1, simulator.tickCount() / 97);
        for (long tick = 0; lines.size() < count; tick = (tick + stride) % simulator.tickCount()) {
            simulator.generateTick(tick, (String line) -> lines.add(line));
        }
        return lines.subList(0, count).toArray(new String[0]);
    }

    private static void giveEachLineItsOwnUserAgent(String[] lines) {
        String key = "\"user_agent\":\"";
        for (int i = 0; i < lines.length; i++) {
            int at = lines[i].indexOf(key);
            if (at >= 0) {
                int insert = at + key.length();
                lines[i] = lines[i].substring(0, insert) + "build-" + i + " " + lines[i].substring(insert);
            }
        }
    }

    /** How many lines the flat reader decides alone; the rest go to Jackson. */
    private static void printFlatShare(String[] lines, Clock clock) {
        AccessLogParser parser = new AccessLogParser(DecoderConfig.defaults(), clock);
        try {
            int flat = 0;
            for (String line : lines) {
                flat += parser.parseFlat(line) != null ? 1 : 0;
            }
            System.out.printf("flat reader decides %d of %d lines alone%n%n", flat, lines.length);
        } catch (NoSuchMethodError e) {
            // An older build of the main classes, from before the flat reader.
            System.out.println("no flat reader in these classes\n");
        }
    }

    private static void printLineStats(String[] lines) {
        long chars = 0;
        for (String line : lines) {
            chars += line.length();
        }
        System.out.printf("%d simulated lines, %.0f chars on average; e.g.%n%s%n%n",
                lines.length, chars / (double) lines.length, lines[lines.length / 2]);
    }

    private static String roundsText(double[] values) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(out.length() == 0 ? "" : " ").append(Math.round(v));
        }
        return out.toString();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected name=value: " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }
}
