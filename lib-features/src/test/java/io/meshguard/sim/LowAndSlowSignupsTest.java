package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The opt-in low-and-slow signup farm: off by default, labelled and windowed like every attack,
 * each bot one brisk human-looking signup from a fresh address of its own carrier's segment.
 */
class LowAndSlowSignupsTest {
    private static final String SEGMENT = "asn:64667";

    private static SimulatedRun withFarm;

    private static synchronized SimulatedRun withFarm() {
        if (withFarm == null) {
            EnumSet<Scenario> scenarios = Scenario.defaults();
            scenarios.add(Scenario.LOW_AND_SLOW_SIGNUPS);
            withFarm = SimulatedRun.of(SimulationConfig.builder().durationSeconds(60).scenarios(scenarios).build());
        }
        return withFarm;
    }

    @Test
    void isOptInAndLeavesNoTraceInADefaultRun() {
        assertThat(Scenario.LOW_AND_SLOW_SIGNUPS.isOptIn()).isTrue();
        assertThat(Scenario.LOW_AND_SLOW_SIGNUPS.isAttack()).isTrue();
        assertThat(Scenario.defaults()).doesNotContain(Scenario.LOW_AND_SLOW_SIGNUPS);
        SimulatedRun run = SimulatedRun.sixtySeconds();
        assertThat(run.simulator.window(Scenario.LOW_AND_SLOW_SIGNUPS)).isEmpty();
        assertThat(run.linesOf(Scenario.LOW_AND_SLOW_SIGNUPS)).isEmpty();
        assertThat(run.simulator.labels()).noneMatch(l -> l.segment().equals(SEGMENT));
        assertThat(run.select(l -> l.segment().equals(SEGMENT))).isEmpty();
    }

    @Test
    void enablingItLeavesEveryOtherLineAndLabelUnchanged() {
        SimulatedRun plain = SimulatedRun.sixtySeconds();
        SimulatedRun farm = withFarm();
        assertThat(farm.select(l -> !l.segment().equals(SEGMENT))).isEqualTo(plain.lines);
        assertThat(farm.simulator.labels().stream().filter(l -> !l.segment().equals(SEGMENT)).toList())
                .isEqualTo(plain.simulator.labels());
    }

    @Test
    void everyBotIsAnAttackerLabelledWithTheWindowAndItsCarriersSegment() {
        SimulatedRun run = withFarm();
        ScenarioWindow w = run.window(Scenario.LOW_AND_SLOW_SIGNUPS);
        assertThat(w.startMillis() - run.start()).isEqualTo(27_000);
        assertThat(w.endMillis() - run.start()).isEqualTo(45_000);
        List<GroundTruthLabel> bots = run.labelsOf(Scenario.LOW_AND_SLOW_SIGNUPS);
        // 25 new accounts per second over the 18 s window.
        assertThat(bots).hasSize(450).allSatisfy(l -> {
            assertThat(l.isAttack()).isTrue();
            assertThat(l.label()).isEqualTo("attack");
            assertThat(l.identity()).startsWith("ip:");
            assertThat(l.segment()).isEqualTo(SEGMENT);
            assertThat(l.attackStartMillis()).isEqualTo(w.startMillis());
            assertThat(l.attackEndMillis()).isEqualTo(w.endMillis());
        });
        assertThat(bots).extracting(GroundTruthLabel::identity).doesNotHaveDuplicates();
        // The carrier's genuine customers give the segment its history and are legitimate.
        assertThat(run.labelsOf(Scenario.LEGIT)).filteredOn(l -> l.segment().equals(SEGMENT))
                .hasSize(30).allMatch(l -> !l.isAttack());
        assertThat(run.select(l -> l.segment().equals(SEGMENT) && l.scenario() == Scenario.LEGIT))
                .isNotEmpty().noneMatch(SimulatedLine::attack)
                .anySatisfy(l -> assertThat(l.startMillis()).isLessThan(w.startMillis()));
    }

    @Test
    void botsSendOnlyInsideTheWindowAndThroughoutIt() {
        SimulatedRun run = withFarm();
        ScenarioWindow w = run.window(Scenario.LOW_AND_SLOW_SIGNUPS);
        List<SimulatedLine> lines = run.linesOf(Scenario.LOW_AND_SLOW_SIGNUPS);
        assertThat(lines).allMatch(l -> w.contains(l.startMillis()) && l.attack() && l.segment().equals(SEGMENT));
        long tenth = w.durationMillis() / 10;
        assertThat(lines).anyMatch(l -> l.startMillis() < w.startMillis() + tenth)
                .anyMatch(l -> l.startMillis() > w.endMillis() - tenth);
        assertThat(run.byIdentity(lines)).hasSize(450);
    }

    @Test
    void eachBotSignsUpOnceLikeABriskHumanWithABrowser() {
        SimulatedRun run = withFarm();
        Map<String, List<SimulatedLine>> byBot = run.byIdentity(run.linesOf(Scenario.LOW_AND_SLOW_SIGNUPS));
        for (List<SimulatedLine> visit : byBot.values()) {
            SimulatedLine first = visit.stream().min((a, b) -> Long.compare(a.startMillis(), b.startMillis())).orElseThrow();
            assertThat(first.method() + " " + first.path()).isEqualTo("GET /signup");
            assertThat(visit).hasSizeBetween(4, 9);
            List<SimulatedLine> signups = visit.stream()
                    .filter(l -> l.method().equals("POST") && l.path().equals("/api/v1/signup")).toList();
            assertThat(signups).hasSizeBetween(1, 2);
            assertThat(visit).extracting(SimulatedLine::status).allMatch(s -> s == 200 || s == 201 || s == 409);
            assertThat(visit).extracting(SimulatedLine::userAgent).containsOnly(first.userAgent());
            assertThat(first.userAgent()).startsWith("Mozilla/5.0 (").doesNotContain("zgrab");
        }
        List<SimulatedLine> all = run.linesOf(Scenario.LOW_AND_SLOW_SIGNUPS);
        assertThat(all).extracting(SimulatedLine::status).contains(201, 409);
        assertThat(all).anyMatch(l -> l.path().equals("/api/v1/login") && l.status() == 200);
        // Low and slow: a handful of requests per bot over the window, far from the flood's 0.5-1 req/s each.
        double perBotRate = all.size() / (run.window(Scenario.LOW_AND_SLOW_SIGNUPS).durationMillis() / 1000.0) / byBot.size();
        assertThat(perBotRate).isLessThan(0.5);
    }
}
