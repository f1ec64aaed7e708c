package io.meshguard.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.meshguard.model.Action;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * Scores a run's decisions against the simulator's ground truth, per scenario and overall.
 *
 * <p>Definitions (identities are counted, not decisions; "acted on" means a RATE_LIMIT or
 * QUARANTINE decision):
 *
 * <ul>
 *   <li><b>Detection window</b> of an attacker: from its {@code attack_start} to its {@code
 *       attack_end} plus the {@linkplain #DEFAULT_COLLATERAL_TAIL tail}. A late catch still counts
 *       (its delay shows in ttd max); acting on an identity before its attack began does not.
 *   <li><b>True positive</b>: an attacker acted on inside its detection window. <b>Early</b>:
 *       an attacker acted on before its attack began (a false alarm on a then-legit identity, e.g.
 *       the compromised workload's normal phase), reported on its own.
 *   <li><b>Time to detect</b>: first in-window action minus {@code attack_start}, seconds; p50 is
 *       the upper median ({@code sorted[n / 2]}, as {@code notebooks/evaluate.py} computes it).
 *   <li><b>False positives of an attack scenario</b> (collateral damage where and while it
 *       happened): legit-labelled identities whose label segment is one of the scenario's attacker
 *       segments and that were acted on between the scenario's first attack start and its last
 *       attack end plus the tail. The tail covers a segment stepping back down from its tightened
 *       thresholds (the controller's holds are 30 s). Scenarios sharing a segment and time may
 *       both count the same identity; the overall figure counts it once.
 *   <li>Per attack scenario: precision = TP / (TP + FP) (undefined, NaN, when nothing was acted
 *       on), recall = TP / attackers, F1 = 2 TP / (2 TP + FP + FN), which is 0 rather than
 *       undefined when nothing was caught.
 *   <li><b>Legit scenarios</b> (legit, flash-crowd): identities, acted on at any time (all false
 *       positives), quarantined at any time.
 *   <li><b>Overall</b>: TP summed over attack scenarios; FP = every legit-labelled identity acted
 *       on at any time, once. Identities acted on without a label are counted apart.
 * </ul>
 *
 * <p>Evaluations of runs on different seeds add up with {@link #plus}: counts sum and the
 * detection delays are pooled.
 */
public record Evaluation(
        Map<Scenario, AttackScore> attacks, Map<Scenario, LegitScore> legit, Overall overall) {

    /** Time after an attack's end in which actions still count as its detections and collateral damage. */
    public static final Duration DEFAULT_COLLATERAL_TAIL = Duration.ofSeconds(60);

    public static final String DECISIONS_FILE = "decisions.jsonl";

    private static final JsonFactory JSON = new JsonFactory();

    public Evaluation {
        attacks = Collections.unmodifiableMap(inScenarioOrder(attacks));
        legit = Collections.unmodifiableMap(inScenarioOrder(legit));
    }

    /** What scoring needs of one line of {@code decisions.jsonl}. */
    public record ObservedDecision(long timestampMillis, String identity, Action action) {
        public boolean actsOn() {
            return action != Action.ALLOW;
        }
    }

    /** Scores of one attack scenario. {@code detectionDelaysSeconds} is sorted ascending. */
    public record AttackScore(
            Scenario scenario,
            int attackers,
            int truePositives,
            int early,
            int falsePositives,
            List<Double> detectionDelaysSeconds) {

        public AttackScore {
            List<Double> sorted = new ArrayList<>(detectionDelaysSeconds);
            Collections.sort(sorted);
            detectionDelaysSeconds = List.copyOf(sorted);
        }

        public int falseNegatives() {
            return attackers - truePositives;
        }

        public double precision() {
            return ratio(truePositives, truePositives + falsePositives);
        }

        public double recall() {
            return ratio(truePositives, attackers);
        }

        public double f1() {
            return ratio(2.0 * truePositives, 2.0 * truePositives + falsePositives + falseNegatives());
        }

        /** Upper median of the detection delays in seconds, NaN when nothing was detected. */
        public double ttdP50() {
            List<Double> d = detectionDelaysSeconds;
            return d.isEmpty() ? Double.NaN : d.get(d.size() / 2);
        }

        public double ttdMax() {
            List<Double> d = detectionDelaysSeconds;
            return d.isEmpty() ? Double.NaN : d.get(d.size() - 1);
        }

        AttackScore plus(AttackScore o) {
            List<Double> delays = new ArrayList<>(detectionDelaysSeconds);
            delays.addAll(o.detectionDelaysSeconds);
            return new AttackScore(scenario, attackers + o.attackers, truePositives + o.truePositives,
                    early + o.early, falsePositives + o.falsePositives, delays);
        }
    }

    /** Scores of a legitimate scenario: every identity acted on is a false positive. */
    public record LegitScore(Scenario scenario, int identities, int actedOn, int quarantined) {
        LegitScore plus(LegitScore o) {
            return new LegitScore(scenario, identities + o.identities, actedOn + o.actedOn,
                    quarantined + o.quarantined);
        }
    }

    /** Totals over all scenarios; {@code falsePositives} counts each legit identity once. */
    public record Overall(int attackers, int truePositives, int falsePositives, int unlabelledActedOn) {
        public double precision() {
            return ratio(truePositives, truePositives + falsePositives);
        }

        public double recall() {
            return ratio(truePositives, attackers);
        }

        public double f1() {
            int fn = attackers - truePositives;
            return ratio(2.0 * truePositives, 2.0 * truePositives + falsePositives + fn);
        }

        Overall plus(Overall o) {
            return new Overall(attackers + o.attackers, truePositives + o.truePositives,
                    falsePositives + o.falsePositives, unlabelledActedOn + o.unlabelledActedOn);
        }
    }

    /** Scores the {@code decisions.jsonl} and {@code labels.jsonl} of a run's output directory. */
    public static Evaluation ofRun(Path outDir) throws IOException {
        return read(outDir.resolve(DECISIONS_FILE), outDir.resolve(LabelsWriter.FILE_NAME), DEFAULT_COLLATERAL_TAIL);
    }

    /** Scores a decisions file (a missing one means no decisions) against a labels file. */
    public static Evaluation read(Path decisionsFile, Path labelsFile, Duration tail) throws IOException {
        List<GroundTruthLabel> labels = new ArrayList<>();
        readLines(labelsFile, line -> labels.add(GroundTruthLabel.parse(line)));
        List<ObservedDecision> decisions = new ArrayList<>();
        if (Files.exists(decisionsFile)) {
            readLines(decisionsFile, line -> {
                ObservedDecision d = parseDecision(line);
                if (d != null) {
                    decisions.add(d);
                }
            });
        }
        return of(decisions, labels, tail);
    }

    /** Scores decisions (in any order) against labels (one per identity). */
    public static Evaluation of(List<ObservedDecision> decisions, List<GroundTruthLabel> labels, Duration tail) {
        long tailMillis = tail.toMillis();
        Map<String, GroundTruthLabel> byIdentity = new HashMap<>();
        for (GroundTruthLabel label : labels) {
            if (byIdentity.put(label.identity(), label) != null) {
                throw new IllegalArgumentException("two labels for identity " + label.identity());
            }
        }
        // Only actions matter: the times each identity was acted on, and whether it was ever quarantined.
        Map<String, List<Long>> actedAt = new HashMap<>();
        Set<String> quarantined = new HashSet<>();
        for (ObservedDecision d : decisions) {
            if (d.actsOn()) {
                actedAt.computeIfAbsent(d.identity(), k -> new ArrayList<>()).add(d.timestampMillis());
            }
            if (d.action() == Action.QUARANTINE) {
                quarantined.add(d.identity());
            }
        }

        Map<Scenario, List<GroundTruthLabel>> byScenario = new EnumMap<>(Scenario.class);
        for (GroundTruthLabel label : labels) {
            byScenario.computeIfAbsent(label.scenario(), k -> new ArrayList<>()).add(label);
        }
        List<GroundTruthLabel> legitLabels = labels.stream().filter(l -> !l.isAttack()).toList();

        Map<Scenario, AttackScore> attacks = new EnumMap<>(Scenario.class);
        Map<Scenario, LegitScore> legit = new EnumMap<>(Scenario.class);
        int attackers = 0;
        int truePositives = 0;
        for (Map.Entry<Scenario, List<GroundTruthLabel>> e : byScenario.entrySet()) {
            Scenario scenario = e.getKey();
            List<GroundTruthLabel> members = e.getValue();
            if (!scenario.isAttack()) {
                int acted = (int) members.stream().filter(l -> actedAt.containsKey(l.identity())).count();
                int q = (int) members.stream().filter(l -> quarantined.contains(l.identity())).count();
                legit.put(scenario, new LegitScore(scenario, members.size(), acted, q));
                continue;
            }
            int tp = 0;
            int early = 0;
            List<Double> delays = new ArrayList<>();
            Set<String> segments = new HashSet<>();
            long windowStart = Long.MAX_VALUE;
            long windowEnd = Long.MIN_VALUE;
            for (GroundTruthLabel attacker : members) {
                segments.add(attacker.segment());
                windowStart = Math.min(windowStart, attacker.attackStartMillis());
                windowEnd = Math.max(windowEnd, attacker.attackEndMillis() + tailMillis);
                List<Long> times = actedAt.getOrDefault(attacker.identity(), List.of());
                long start = attacker.attackStartMillis();
                long end = attacker.attackEndMillis() + tailMillis;
                long first = times.stream().filter(t -> t >= start && t < end).min(Long::compare).orElse(-1L);
                if (first >= 0) {
                    tp++;
                    delays.add((first - start) / 1000.0);
                }
                if (times.stream().anyMatch(t -> t < start)) {
                    early++;
                }
            }
            long from = windowStart;
            long to = windowEnd;
            int fp = (int) legitLabels.stream()
                    .filter(l -> segments.contains(l.segment()))
                    .filter(l -> actedAt.getOrDefault(l.identity(), List.of()).stream()
                            .anyMatch(t -> t >= from && t < to))
                    .count();
            attacks.put(scenario, new AttackScore(scenario, members.size(), tp, early, fp, delays));
            attackers += members.size();
            truePositives += tp;
        }
        int falsePositives = (int) legitLabels.stream().filter(l -> actedAt.containsKey(l.identity())).count();
        int unlabelled = (int) actedAt.keySet().stream().filter(i -> !byIdentity.containsKey(i)).count();
        return new Evaluation(attacks, legit, new Overall(attackers, truePositives, falsePositives, unlabelled));
    }

    /** The sum of two evaluations, e.g. of runs on different seeds. */
    public Evaluation plus(Evaluation other) {
        return new Evaluation(
                merge(attacks, other.attacks, AttackScore::plus),
                merge(legit, other.legit, LegitScore::plus),
                overall.plus(other.overall));
    }

    /**
     * Reads one line of {@code decisions.jsonl}; returns null for lines that are not decisions (an
     * audit file's policy verdicts carry another {@code type}).
     */
    public static ObservedDecision parseDecision(String jsonLine) {
        String ts = null;
        String identity = null;
        String action = null;
        String type = null;
        try (JsonParser p = JSON.createParser(jsonLine)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + jsonLine);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                String text = value == JsonToken.VALUE_NULL ? null : p.getText();
                switch (field) {
                    case "ts" -> ts = text;
                    case "identity" -> identity = text;
                    case "action" -> action = text;
                    case "type" -> type = text;
                    default -> { }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed decision line: " + jsonLine, e);
        }
        if (type != null && !type.equals("decision")) {
            return null;
        }
        if (ts == null || identity == null || action == null) {
            throw new IllegalArgumentException("decision line needs ts, identity and action: " + jsonLine);
        }
        return new ObservedDecision(parseInstant(ts), identity, Action.valueOf(action));
    }

    private static long parseInstant(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
    }

    private interface LineHandler {
        void accept(String line);
    }

    private static void readLines(Path file, LineHandler handler) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    handler.accept(line);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + ":" + number + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static <V> Map<Scenario, V> inScenarioOrder(Map<Scenario, V> scores) {
        Map<Scenario, V> ordered = new EnumMap<>(Scenario.class);
        ordered.putAll(scores);
        return ordered;
    }

    private static <V> Map<Scenario, V> merge(Map<Scenario, V> a, Map<Scenario, V> b, BinaryOperator<V> plus) {
        Map<Scenario, V> sum = new LinkedHashMap<>(a);
        b.forEach((scenario, v) -> sum.merge(scenario, v, plus));
        return sum;
    }

    static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
