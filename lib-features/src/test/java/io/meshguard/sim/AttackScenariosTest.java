package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every scenario plays fully inside a 60 s run, and each attacker gives itself away by its own behaviour. */
class AttackScenariosTest {
    private final SimulatedRun run = SimulatedRun.sixtySeconds();

    @Test
    void windowsStartAfterAQuarterWarmUpAndLastAtLeastAQuarter() {
        long duration = run.config.durationMillis();
        assertThat(run.simulator.scenarioWindows()).hasSize(Scenario.defaults().size() - 1);
        for (ScenarioWindow w : run.simulator.scenarioWindows()) {
            assertThat(w.startMillis() - run.start()).as("%s warm-up", w.scenario()).isGreaterThanOrEqualTo(duration / 4);
            assertThat(w.durationMillis()).as("%s length", w.scenario()).isGreaterThanOrEqualTo(duration / 4);
            assertThat(w.endMillis()).as("%s end", w.scenario()).isLessThanOrEqualTo(run.config.endEpochMillis());
        }
    }

    @Test
    void everyDefaultScenarioAppearsInASixtySecondRun() {
        for (Scenario s : Scenario.defaults()) {
            assertThat(run.linesOf(s)).as("%s lines", s).isNotEmpty();
        }
    }

    @Test
    void windowedAttackersSendOnlyInsideTheirWindowAndThroughoutIt() {
        for (Scenario s : List.of(Scenario.SIGNUP_FLOOD, Scenario.PATH_SCANNER, Scenario.CREDENTIAL_STUFFING)) {
            ScenarioWindow w = run.window(s);
            List<SimulatedLine> lines = run.linesOf(s);
            assertThat(lines).as("%s", s).allSatisfy(l -> assertThat(w.contains(l.startMillis())).isTrue());
            long tenth = w.durationMillis() / 10;
            assertThat(lines).as("%s early", s).anySatisfy(l -> assertThat(l.startMillis()).isLessThan(w.startMillis() + tenth));
            assertThat(lines).as("%s late", s).anySatisfy(l -> assertThat(l.startMillis()).isGreaterThan(w.endMillis() - tenth));
        }
    }

    @Test
    void signupFloodIsManyFreshAddressesFromOneAsnCreatingAccounts() {
        List<SimulatedLine> lines = run.linesOf(Scenario.SIGNUP_FLOOD);
        Map<String, List<SimulatedLine>> byIp = run.byIdentity(lines);
        assertThat(byIp).hasSize(80);
        assertThat(byIp.keySet()).allMatch(id -> id.startsWith("ip:"));
        assertThat(lines).extracting(SimulatedLine::segment).containsOnly("asn:64666");
        assertThat(share(lines, l -> l.method().equals("POST")
                && (l.path().equals("/api/v1/signup") || l.path().equals("/register")))).isGreaterThan(0.8);
        assertThat(share(lines, l -> l.status() == 201)).isBetween(0.55, 0.8);
        assertThat(lines).extracting(SimulatedLine::status).contains(400, 409, 429);
        assertThat(lines).extracting(SimulatedLine::userAgent).contains(UserAgents.PYTHON_REQUESTS);
        double seconds = run.window(Scenario.SIGNUP_FLOOD).durationMillis() / 1000.0;
        double perIpRate = lines.size() / seconds / byIp.size();
        assertThat(perIpRate).isBetween(0.5, 1.0);
        // The same ASN also has genuine customers.
        assertThat(run.labelsOf(Scenario.LEGIT)).filteredOn(l -> l.segment().equals("asn:64666"))
                .hasSizeBetween(20, 40);
    }

    @Test
    void scannersWalkMostlyNewPathsAndMostlyMiss() {
        Map<String, List<SimulatedLine>> byScanner = run.byIdentity(run.linesOf(Scenario.PATH_SCANNER));
        assertThat(byScanner).hasSize(2);
        double seconds = run.window(Scenario.PATH_SCANNER).durationMillis() / 1000.0;
        List<Double> rates = byScanner.values().stream().map(l -> l.size() / seconds).sorted().toList();
        assertThat(rates.get(0)).as("slow scanner").isBetween(0.3, 1.0);
        assertThat(rates.get(1)).as("fast scanner").isBetween(3.5, 6.5);
        for (List<SimulatedLine> lines : byScanner.values()) {
            long distinct = lines.stream().map(SimulatedLine::path).distinct().count();
            assertThat((double) distinct / lines.size()).isGreaterThan(0.75);
            assertThat(share(lines, l -> l.status() == 404)).isGreaterThan(0.7);
            assertThat(lines).extracting(SimulatedLine::segment).containsOnly("asn:64601");
        }
        Set<String> agents = run.linesOf(Scenario.PATH_SCANNER).stream().map(SimulatedLine::userAgent)
                .collect(Collectors.toSet());
        assertThat(agents).contains(UserAgents.ZGRAB).anyMatch(ua -> ua.contains("Mozilla/5.0 ("));
    }

    @Test
    void credentialStuffingHammersLoginFromTwoAsnsAndAlmostAlwaysFails() {
        List<SimulatedLine> lines = run.linesOf(Scenario.CREDENTIAL_STUFFING);
        assertThat(run.byIdentity(lines)).hasSize(20);
        assertThat(lines).extracting(SimulatedLine::segment).containsOnly("asn:64502", "asn:64505")
                .contains("asn:64502", "asn:64505");
        assertThat(lines).allMatch(l -> l.method().equals("POST") && l.path().equals("/api/v1/login"));
        assertThat(share(lines, l -> l.status() == 401)).isGreaterThan(0.93);
        assertThat(lines).extracting(SimulatedLine::status).contains(200);
        double seconds = run.window(Scenario.CREDENTIAL_STUFFING).durationMillis() / 1000.0;
        assertThat(lines.size() / seconds / 20).isBetween(1.0, 2.0);
    }

    @Test
    void compromisedWorkloadIsOrdinaryOutsideItsWindowAndFansOutInsideIt() {
        ScenarioWindow w = run.window(Scenario.COMPROMISED_WORKLOAD);
        List<SimulatedLine> lines = run.linesOf(Scenario.COMPROMISED_WORKLOAD);
        List<SimulatedLine> inside = lines.stream().filter(l -> w.contains(l.startMillis())).toList();
        List<SimulatedLine> outside = lines.stream().filter(l -> !w.contains(l.startMillis())).toList();
        double insideRate = inside.size() / (w.durationMillis() / 1000.0);
        double outsideRate = outside.size() / ((run.config.durationMillis() - w.durationMillis()) / 1000.0);
        assertThat(outsideRate).isCloseTo(3.0, within(1.0));
        assertThat(insideRate / outsideRate).isGreaterThan(15);
        assertThat(outside.stream().map(SimulatedLine::upstreamCluster).distinct().count()).isLessThanOrEqualTo(2);
        assertThat(inside.stream().map(SimulatedLine::upstreamCluster).distinct().count()).isGreaterThanOrEqualTo(10);
        assertThat(share(inside, l -> l.status() >= 500 || l.status() == 429 || l.status() == 403))
                .isGreaterThan(5 * share(outside, l -> l.status() >= 500 || l.status() == 429 || l.status() == 403));
        assertThat(inside).allMatch(SimulatedLine::attack);
        assertThat(outside).noneMatch(SimulatedLine::attack);
    }

    @Test
    void flashCrowdIsLegitArrivesWithinSecondsAndLogsInOnceEach() {
        ScenarioWindow w = run.window(Scenario.FLASH_CROWD);
        assertThat(run.labelsOf(Scenario.FLASH_CROWD)).hasSize(300)
                .allMatch(l -> !l.isAttack() && l.label().equals("legit"))
                .extracting(GroundTruthLabel::segment).hasSizeGreaterThanOrEqualTo(8)
                .allMatch(s -> s.startsWith("asn:645"));
        Map<String, List<SimulatedLine>> byUser = run.byIdentity(run.linesOf(Scenario.FLASH_CROWD));
        assertThat(byUser).hasSize(300);
        Set<String> asns = byUser.values().stream().map(l -> l.get(0).segment()).collect(Collectors.toSet());
        assertThat(asns).hasSize(8);
        for (List<SimulatedLine> lines : byUser.values()) {
            long first = lines.stream().mapToLong(SimulatedLine::startMillis).min().orElseThrow();
            assertThat(first).isBetween(w.startMillis(), w.startMillis() + 5_000);
            assertThat(lines).allMatch(l -> w.contains(l.startMillis()) && !l.attack());
            List<SimulatedLine> logins = lines.stream().filter(l -> l.path().equals("/api/v1/login")).toList();
            assertThat(logins).singleElement().extracting(SimulatedLine::status).isEqualTo(200);
        }
        double seconds = w.durationMillis() / 1000.0;
        double perUser = run.linesOf(Scenario.FLASH_CROWD).size() / seconds / 300;
        assertThat(perUser).isBetween(0.5, 1.1);
        assertThat(share(run.linesOf(Scenario.FLASH_CROWD), l -> l.status() < 400)).isGreaterThan(0.9);
    }

    @Test
    void disabledScenariosLeaveNoTraceAndKeepTheRestUnchanged() {
        SimulationConfig legitOnly = SimulationConfig.builder().durationSeconds(60).legitOnly().build();
        TrafficSimulator sim = new TrafficSimulator(legitOnly);
        assertThat(sim.labels()).allMatch(l -> l.scenario() == Scenario.LEGIT).hasSize(3000);
        assertThat(sim.scenarioWindows()).isEmpty();
        assertThat(sim.labels()).isEqualTo(run.labelsOf(Scenario.LEGIT));
    }

    private static double share(List<SimulatedLine> lines, Predicate<SimulatedLine> p) {
        return lines.isEmpty() ? 0 : (double) lines.stream().filter(p).count() / lines.size();
    }
}
