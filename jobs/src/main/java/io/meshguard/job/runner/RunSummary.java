package io.meshguard.job.runner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The final summary of a local run, read back from its output files. */
public final class RunSummary {
    public final Path out;
    public final Duration elapsed;
    public final long decisions;
    public final Map<String, Long> decisionsByAction;
    public final long identitiesActedOn;
    public final long deadLetters;

    private RunSummary(Path out, Duration elapsed, long decisions, Map<String, Long> byAction,
            long identitiesActedOn, long deadLetters) {
        this.out = out;
        this.elapsed = elapsed;
        this.decisions = decisions;
        this.decisionsByAction = byAction;
        this.identitiesActedOn = identitiesActedOn;
        this.deadLetters = deadLetters;
    }

    public static RunSummary of(Path out, Duration elapsed) {
        Map<String, Long> byAction = new TreeMap<>();
        java.util.Set<String> actedOn = new java.util.HashSet<>();
        long decisions = 0;
        Path decisionsFile = out.resolve("decisions.jsonl");
        if (Files.exists(decisionsFile)) {
            try (BufferedReader reader = Files.newBufferedReader(decisionsFile)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    decisions++;
                    String action = field(line, "action");
                    byAction.merge(action, 1L, Long::sum);
                    if (!"ALLOW".equals(action)) {
                        actedOn.add(field(line, "identity"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RunSummary(out, elapsed, decisions, byAction, actedOn.size(), lines(out.resolve("dead-letter.jsonl")));
    }

    public String describe() {
        return String.format(Locale.ROOT,
                "meshguard: finished in %.1f s: %d decisions %s on %d identities, %d dead letters; outputs in %s",
                elapsed.toMillis() / 1000.0, decisions, decisionsByAction, identitiesActedOn, deadLetters,
                out.toAbsolutePath());
    }

    private static long lines(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Extracts a top-level string field; enough for lines this job wrote itself. */
    private static String field(String line, String name) {
        String key = "\"" + name + "\":\"";
        int start = line.indexOf(key);
        if (start < 0) {
            return "?";
        }
        start += key.length();
        int end = line.indexOf('"', start);
        return end < 0 ? "?" : line.substring(start, end);
    }
}
