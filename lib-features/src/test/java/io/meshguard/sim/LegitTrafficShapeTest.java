package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The legitimate population looks like real users and workloads: rate, tail, rhythm, habits, outcomes. */
class LegitTrafficShapeTest {
    private final SimulatedRun run = SimulatedRun.sixtySeconds();
    private final List<SimulatedLine> legit = run.linesOf(Scenario.LEGIT);

    @Test
    void legitRateMatchesTheConfiguredBaseline() {
        double perSecond = legit.size() / 60.0;
        assertThat(perSecond).isBetween(1800.0, 2200.0);
    }

    @Test
    void legitRateFollowsAnotherConfiguredBaseline() {
        SimulationConfig config = SimulationConfig.builder().durationSeconds(20).eventsPerSecond(500)
                .legitIdentities(800).legitOnly().build();
        long[] count = new long[1];
        TrafficSimulator sim = new TrafficSimulator(config);
        for (long t = 0; t < sim.tickCount(); t++) {
            sim.generateTick(t, line -> count[0]++);
        }
        assertThat(count[0] / 20.0).isBetween(450.0, 550.0);
    }

    @Test
    void busiestFivePercentOfIdentitiesMakeAtLeastAFifthOfRequests() {
        List<Integer> counts = run.byIdentity(legit).values().stream().map(List::size)
                .sorted(Comparator.reverseOrder()).toList();
        int top = counts.size() / 20;
        long topRequests = counts.subList(0, top).stream().mapToLong(Integer::longValue).sum();
        assertThat((double) topRequests / legit.size()).isGreaterThanOrEqualTo(0.20);
    }

    @Test
    void busiestLegitClientStaysNearThreeRequestsPerSecondAndWorkloadsNearTen() {
        Map<String, List<SimulatedLine>> byIdentity = run.byIdentity(legit);
        double busiestClient = byIdentity.values().stream().filter(l -> !l.get(0).eastWest())
                .mapToInt(List::size).max().orElseThrow() / 60.0;
        double busiestWorkload = byIdentity.values().stream().filter(l -> l.get(0).eastWest())
                .mapToInt(List::size).max().orElseThrow() / 60.0;
        double quietestWorkload = byIdentity.values().stream().filter(l -> l.get(0).eastWest())
                .mapToInt(List::size).min().orElseThrow() / 60.0;
        assertThat(busiestClient).isBetween(2.5, 4.0);
        assertThat(busiestWorkload).isBetween(6.0, 12.0);
        assertThat(quietestWorkload).isBetween(0.5, 2.0);
    }

    @Test
    void mostTrafficIsNorthSouthWithAboutSixtyWorkloads() {
        long workloads = run.labelsOf(Scenario.LEGIT).stream().filter(l -> l.segment().startsWith("ns:")).count();
        assertThat(workloads).isEqualTo(60);
        double eastWestShare = (double) legit.stream().filter(SimulatedLine::eastWest).count() / legit.size();
        assertThat(eastWestShare).isBetween(0.1, 0.25);
        long loggedIn = run.labelsOf(Scenario.LEGIT).stream().filter(l -> l.identity().startsWith("user:")).count();
        assertThat(loggedIn).isBetween(1400L, 1850L);
    }

    @Test
    void dailyRhythmIsVisibleWithAShortDay() {
        SimulatedRun day = SimulatedRun.of(SimulationConfig.builder().durationSeconds(60).dayLengthSeconds(60)
                .eventsPerSecond(1000).legitIdentities(1000).legitOnly().build());
        long start = day.start();
        long rising = day.lines.stream().filter(inSeconds(start, 10, 20)).count();
        long falling = day.lines.stream().filter(inSeconds(start, 40, 50)).count();
        assertThat((double) rising / falling).isGreaterThan(2.0);
    }

    @Test
    void outcomesAreMostlySuccessfulWithAFewMissesAndErrors() {
        List<SimulatedLine> clients = legit.stream().filter(l -> !l.eastWest()).toList();
        assertThat(share(clients, l -> l.status() < 400)).isGreaterThan(0.95);
        assertThat(share(clients, l -> l.status() == 404)).isBetween(0.01, 0.035);
        assertThat(share(clients, l -> l.status() == 401)).isBetween(0.005, 0.02);
        assertThat(share(clients, l -> l.status() >= 500)).isBetween(0.002, 0.01);
        assertThat(clients).extracting(SimulatedLine::status).contains(200, 201, 204, 304);
        assertThat(clients).extracting(SimulatedLine::responseFlags).contains("-", "UH", "UF", "UT");
    }

    @Test
    void usersMostlyRevisitTheirFavourites() {
        Map<String, List<SimulatedLine>> heavyUsers = run.byIdentity(legit).entrySet().stream()
                .filter(e -> !e.getValue().get(0).eastWest() && e.getValue().size() >= 100)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(heavyUsers).hasSizeGreaterThan(50);
        for (List<SimulatedLine> lines : heavyUsers.values()) {
            long distinct = lines.stream().map(SimulatedLine::path).distinct().count();
            assertThat((double) distinct / lines.size()).isLessThan(0.4);
        }
    }

    @Test
    void legitUsersLogInAtMostOnceInAMinute() {
        Map<String, Long> logins = legit.stream().filter(l -> l.path().equals("/api/v1/login"))
                .collect(Collectors.groupingBy(SimulatedLine::identity, Collectors.counting()));
        assertThat(logins).isNotEmpty();
        assertThat(logins.values()).allMatch(n -> n == 1);
        assertThat(logins.keySet()).allMatch(id -> id.startsWith("user:"));
    }

    @Test
    void userAgentsLookLikeBrowsersAppsAndMeshClients() {
        assertThat(legit.stream().filter(SimulatedLine::eastWest).map(SimulatedLine::userAgent).distinct())
                .containsExactlyInAnyOrder(UserAgents.GRPC_GO, UserAgents.ENVOY);
        assertThat(legit).noneMatch(l -> l.userAgent().startsWith("curl") || l.userAgent().startsWith("Go-http-client")
                || l.userAgent().startsWith("python"));
        assertThat(legit.stream().filter(l -> !l.eastWest()))
                .allMatch(l -> l.userAgent().startsWith("Mozilla/5.0 (") || l.userAgent().startsWith("ShopApp/"));
    }

    private static Predicate<SimulatedLine> inSeconds(long start, int from, int to) {
        return l -> l.startMillis() >= start + from * 1000L && l.startMillis() < start + to * 1000L;
    }

    private static double share(List<SimulatedLine> lines, Predicate<SimulatedLine> p) {
        return (double) lines.stream().filter(p).count() / lines.size();
    }
}
