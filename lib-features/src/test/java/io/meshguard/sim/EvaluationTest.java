package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.model.Action;
import io.meshguard.sim.Evaluation.AttackScore;
import io.meshguard.sim.Evaluation.LegitScore;
import io.meshguard.sim.Evaluation.Overall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scores a small hand-written run whose numbers are worked out in the comments. The clock starts
 * at T0; the signup flood attacks asn:64666 in [T0+100 s, T0+200 s), the scanner asn:64601 in
 * [T0+50 s, T0+150 s), the compromised workload ns:catalog in [T0+100 s, T0+200 s). Default tail 60 s.
 */
class EvaluationTest {
    private static final long T0 = Instant.parse("2026-11-23T08:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private Evaluation evaluation;

    @BeforeEach
    void writeRun() throws IOException {
        List<GroundTruthLabel> labels = List.of(
                attack("ip:a1", Scenario.SIGNUP_FLOOD, "asn:64666", 100, 200),
                attack("ip:a2", Scenario.SIGNUP_FLOOD, "asn:64666", 100, 200),
                attack("ip:a3", Scenario.SIGNUP_FLOOD, "asn:64666", 100, 200),
                attack("ip:a4", Scenario.SIGNUP_FLOOD, "asn:64666", 100, 200),
                attack("ip:s1", Scenario.PATH_SCANNER, "asn:64601", 50, 150),
                attack("peer:w1", Scenario.COMPROMISED_WORKLOAD, "ns:catalog", 100, 200),
                GroundTruthLabel.legit("ip:l1", Scenario.LEGIT, "asn:64666"),
                GroundTruthLabel.legit("ip:l2", Scenario.LEGIT, "asn:64666"),
                GroundTruthLabel.legit("ip:l3", Scenario.LEGIT, "asn:64500"),
                GroundTruthLabel.legit("ip:l4", Scenario.LEGIT, "asn:64601"),
                GroundTruthLabel.legit("ip:f1", Scenario.FLASH_CROWD, "asn:64500"),
                GroundTruthLabel.legit("ip:f2", Scenario.FLASH_CROWD, "asn:64666"));
        LabelsWriter.write(labels, dir.resolve("labels.jsonl"));
        Files.write(dir.resolve("decisions.jsonl"), List.of(
                decision(10, "ip:x", "QUARANTINE"),   // no label: counted apart
                decision(20, "ip:l2", "RATE_LIMIT"),  // before the flood: an FP overall, not the flood's
                decision(90, "ip:a3", "RATE_LIMIT"),  // before a3's attack: early, not a detection
                decision(95, "ip:a3", "ALLOW"),
                decision(100, "peer:w1", "QUARANTINE"), // at the attack start: detected after 0 s
                decision(105, "ip:a1", "RATE_LIMIT"), // detected after 5 s
                decision(110, "ip:a1", "QUARANTINE"), // escalation: not a second detection
                decision(120, "ip:l3", "RATE_LIMIT"), // legit in asn:64500, which no attacker is in
                "",
                decision(130, "ip:a2", "QUARANTINE"), // detected after 30 s
                decision(150, "ip:l1", "RATE_LIMIT"), // collateral damage of the flood
                decision(200, "ip:l3", "ALLOW"),
                decision(250, "ip:a4", "RATE_LIMIT"), // after the attack but inside the tail: 150 s
                decision(255, "ip:f2", "QUARANTINE"), // flash-crowd user in the flood's segment, inside the tail
                decision(300, "ip:l4", "RATE_LIMIT"))); // scanner's segment, after its window and tail
        evaluation = Evaluation.ofRun(dir);
    }

    @Test
    void attackScenarioCountsDetectionsInsideTheWindowAndTail() {
        AttackScore flood = evaluation.attacks().get(Scenario.SIGNUP_FLOOD);
        // a1, a2, a4 detected; a3 only acted on before its attack; l1 and f2 acted on in asn:64666 in [100, 260).
        assertThat(flood).extracting(AttackScore::attackers, AttackScore::truePositives, AttackScore::early,
                AttackScore::falsePositives).containsExactly(4, 3, 1, 2);
        assertThat(flood.precision()).isEqualTo(0.6);
        assertThat(flood.recall()).isEqualTo(0.75);
        assertThat(flood.f1()).isCloseTo(6.0 / 9.0, within(1e-12));
        assertThat(flood.detectionDelaysSeconds()).containsExactly(5.0, 30.0, 150.0);
        assertThat(flood.ttdP50()).isEqualTo(30.0);
        assertThat(flood.ttdMax()).isEqualTo(150.0);
    }

    @Test
    void missedAttackHasNoPrecisionAndZeroF1() {
        AttackScore scanner = evaluation.attacks().get(Scenario.PATH_SCANNER);
        // l4 is in the scanner's segment but acted on at 300 s, after [50, 210).
        assertThat(scanner).extracting(AttackScore::attackers, AttackScore::truePositives,
                AttackScore::falsePositives).containsExactly(1, 0, 0);
        assertThat(scanner.precision()).isNaN();
        assertThat(scanner.recall()).isZero();
        assertThat(scanner.f1()).isZero();
        assertThat(scanner.ttdP50()).isNaN();
    }

    @Test
    void actionAtTheAttackStartIsADetectionAfterZeroSeconds() {
        AttackScore workload = evaluation.attacks().get(Scenario.COMPROMISED_WORKLOAD);
        assertThat(workload.f1()).isEqualTo(1.0);
        assertThat(workload.ttdP50()).isZero();
    }

    @Test
    void legitScenariosCountEveryIdentityActedOnAtAnyTime() {
        assertThat(evaluation.legit().get(Scenario.LEGIT)).isEqualTo(new LegitScore(Scenario.LEGIT, 4, 4, 0));
        assertThat(evaluation.legit().get(Scenario.FLASH_CROWD))
                .isEqualTo(new LegitScore(Scenario.FLASH_CROWD, 2, 1, 1));
    }

    @Test
    void overallCountsEachLegitIdentityOnceAndUnlabelledApart() {
        Overall overall = evaluation.overall();
        // TP a1 a2 a4 w1; FP l1 l2 l3 l4 f2; FN a3 s1.
        assertThat(overall).isEqualTo(new Overall(6, 4, 5, 1));
        assertThat(overall.precision()).isCloseTo(4.0 / 9.0, within(1e-12));
        assertThat(overall.recall()).isCloseTo(4.0 / 6.0, within(1e-12));
        assertThat(overall.f1()).isCloseTo(8.0 / 15.0, within(1e-12));
    }

    @Test
    void withoutATailLateDetectionsAndLateCollateralDoNotCount() throws IOException {
        Evaluation strict = Evaluation.read(dir.resolve("decisions.jsonl"), dir.resolve("labels.jsonl"), Duration.ZERO);
        AttackScore flood = strict.attacks().get(Scenario.SIGNUP_FLOOD);
        assertThat(flood.truePositives()).isEqualTo(2);
        assertThat(flood.falsePositives()).isEqualTo(1);
        assertThat(strict.overall().truePositives()).isEqualTo(3);
    }

    @Test
    void evaluationsOfSeveralRunsAddUpAndPoolDelays() {
        Evaluation twice = evaluation.plus(evaluation);
        AttackScore flood = twice.attacks().get(Scenario.SIGNUP_FLOOD);
        assertThat(flood).extracting(AttackScore::attackers, AttackScore::truePositives, AttackScore::falsePositives)
                .containsExactly(8, 6, 4);
        assertThat(flood.detectionDelaysSeconds()).containsExactly(5.0, 5.0, 30.0, 30.0, 150.0, 150.0);
        assertThat(twice.legit().get(Scenario.LEGIT).actedOn()).isEqualTo(8);
        assertThat(twice.overall()).isEqualTo(new Overall(12, 8, 10, 2));
        assertThat(twice.overall().f1()).isCloseTo(evaluation.overall().f1(), within(1e-12));
    }

    @Nested
    class Parsing {
        @Test
        void readsAFullDecisionLineAndSkipsPolicyVerdicts() {
            String line = "{\"ts\":\"2026-11-23T08:01:40.250Z\",\"identity\":\"ip:198.18.64.7\",\"identity_type\":\"ip\","
                    + "\"segment\":\"asn:64666\",\"action\":\"RATE_LIMIT\",\"limit_rps\":2.5,\"ttl_s\":null,"
                    + "\"trigger\":\"score\",\"pattern\":null,\"score\":5.125,\"reasons\":[\"rate_short\",\"auth_rate\"],"
                    + "\"version\":3,\"policy_version\":0,\"previous_action\":\"ALLOW\"}";
            assertThat(Evaluation.parseDecision(line))
                    .isEqualTo(new Evaluation.ObservedDecision(T0 + 100_250, "ip:198.18.64.7", Action.RATE_LIMIT));
            assertThat(Evaluation.parseDecision("{\"type\":\"policy\",\"version\":7,\"evidence\":{\"a\":[1]}}")).isNull();
        }

        @Test
        void acceptsTimestampsWithAnOffset() {
            assertThat(Evaluation.parseDecision(
                    "{\"ts\":\"2026-11-23T09:00:00+01:00\",\"identity\":\"ip:1\",\"action\":\"ALLOW\"}")
                    .timestampMillis()).isEqualTo(T0);
        }

        @Test
        void reportsTheFileAndLineOfABadDecision() throws IOException {
            Files.write(dir.resolve("decisions.jsonl"), List.of(decision(1, "ip:a1", "ALLOW"), "{\"ts\":"));
            assertThatThrownBy(() -> Evaluation.ofRun(dir))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("decisions.jsonl:2");
        }

        @Test
        void missingDecisionsFileMeansNothingWasActedOn() throws IOException {
            Files.delete(dir.resolve("decisions.jsonl"));
            Evaluation quiet = Evaluation.ofRun(dir);
            assertThat(quiet.overall()).isEqualTo(new Overall(6, 0, 0, 0));
            assertThat(quiet.overall().precision()).isNaN();
            assertThat(quiet.overall().f1()).isZero();
        }

        @Test
        void rejectsTwoLabelsForOneIdentity() {
            List<GroundTruthLabel> labels = List.of(GroundTruthLabel.legit("ip:l1", Scenario.LEGIT, "asn:1"),
                    GroundTruthLabel.legit("ip:l1", Scenario.FLASH_CROWD, "asn:1"));
            assertThatThrownBy(() -> Evaluation.of(List.of(), labels, Duration.ZERO))
                    .hasMessageContaining("ip:l1");
        }
    }

    @Nested
    class Tables {
        @Test
        void tableShowsEveryScenarioAndTheOverallLine() {
            String table = EvaluationTables.table(evaluation);
            assertThat(table).contains(
                    "signup-flood                   4     3     1     2     0.600  0.750  0.667      30.0     150.0",
                    "path-scanner                   1     0     0     0         -  0.000  0.000         -         -",
                    "legit                           4         4           0",
                    "flash-crowd                     2         1           1",
                    "overall: 6 attackers, 4 detected, 5 legit identities acted on; precision 0.444, recall 0.667, "
                            + "F1 0.533",
                    "acted on 1 identities without a label");
            // Scenarios in the enum's order, attack before legit tables.
            assertThat(table.indexOf("signup-flood")).isLessThan(table.indexOf("path-scanner"));
            assertThat(table.indexOf("path-scanner")).isLessThan(table.indexOf("compromised-workload"));
        }

        @Test
        void comparisonNamesTheWinnerOnF1AndTies() throws IOException {
            Evaluation strict = Evaluation.read(dir.resolve("decisions.jsonl"), dir.resolve("labels.jsonl"), Duration.ZERO);
            String table = EvaluationTables.comparison("adaptive", evaluation, "static", strict);
            assertThat(rowOf(table, "signup-flood")).endsWith("| adaptive")   // 0.667 against 4/7 = 0.571
                    .contains("0.600  0.750  0.667      30.0")
                    .contains("0.667  0.500  0.571      30.0");
            assertThat(rowOf(table, "path-scanner")).endsWith("| tie");
            assertThat(rowOf(table, "compromised-workload")).endsWith("| tie");
            assertThat(rowOf(table, "legit")).endsWith("| tie");
            assertThat(rowOf(table, "overall")).endsWith("| adaptive");
            assertThat(table).contains("adaptive").contains("static");
        }

        @Test
        void fewerFalsePositivesWinsALegitScenario() throws IOException {
            Files.write(dir.resolve("decisions.jsonl"), List.of(decision(150, "ip:l1", "RATE_LIMIT")));
            Evaluation oneFp = Evaluation.ofRun(dir);
            Files.write(dir.resolve("decisions.jsonl"), List.of());
            Evaluation none = Evaluation.ofRun(dir);
            assertThat(rowOf(EvaluationTables.comparison("a", oneFp, "b", none), "legit")).endsWith("| b");
        }

        @Test
        void undefinedScoreLosesAndTwoUndefinedTie() {
            assertThat(EvaluationTables.winner("a", Double.NaN, "b", 0.0)).isEqualTo("b");
            assertThat(EvaluationTables.winner("a", Double.NaN, "b", Double.NaN)).isEqualTo("tie");
            assertThat(EvaluationTables.winner("a", 0.5, "b", 0.5 + 1e-12)).isEqualTo("tie");
        }

        private String rowOf(String table, String scenario) {
            return table.lines().filter(l -> l.matches(Pattern.quote(scenario) + " +\\| .*")).findFirst().orElseThrow();
        }
    }

    private static GroundTruthLabel attack(String identity, Scenario scenario, String segment, int from, int to) {
        return new GroundTruthLabel(identity, scenario, segment, T0 + from * 1000L, T0 + to * 1000L);
    }

    private static String decision(int second, String identity, String action) {
        List<String> fields = new ArrayList<>();
        fields.add("\"ts\":\"" + Instant.ofEpochMilli(T0 + second * 1000L) + "\"");
        fields.add("\"identity\":\"" + identity + "\"");
        fields.add("\"segment\":\"asn:0\"");
        fields.add("\"action\":\"" + action + "\"");
        fields.add("\"reasons\":[\"rate_short\"]");
        return "{" + String.join(",", fields) + "}";
    }
}
