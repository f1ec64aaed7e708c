package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.model.Action;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.sim.GroundTruthLabel;
import io.meshguard.sim.Scenario;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline on a MiniCluster at parallelism 2, fed by the fixed-seed simulator and judged
 * against its ground truth: every attacker caught quickly, almost no legitimate user touched.
 */
class DetectionOnSimulatedTrafficIntegrationTest {
    private static final long DETECTION_BUDGET_MILLIS = 30_000;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @Test
    void everyAttackerIsActedOnWithinThirtySecondsAndAlmostNoLegitimateUserIs() throws Exception {
        SimulationConfig simulation = SimulationConfig.builder().seed(7).durationSeconds(150).build();

        Outcome outcome = run(simulation);

        assertEveryAttackerCaughtInTime(outcome);
        assertLegitimateUsersSpared(outcome);
    }

    @Test
    void aOneMinuteRunCatchesEveryScenario() throws Exception {
        SimulationConfig simulation = SimulationConfig.builder().seed(11).durationSeconds(60).build();

        Outcome outcome = run(simulation);

        assertEveryAttackerCaughtInTime(outcome);
        assertLegitimateUsersSpared(outcome);
    }

    private static void assertEveryAttackerCaughtInTime(Outcome outcome) {
        List<GroundTruthLabel> attackers =
                outcome.labels.stream().filter(GroundTruthLabel::isAttack).toList();
        assertThat(attackers).extracting(l -> l.scenario().wireName())
                .contains("signup-flood", "path-scanner", "credential-stuffing", "compromised-workload");
        for (GroundTruthLabel attacker : attackers) {
            Long firstAction = outcome.firstNonAllow.get(attacker.identity());
            assertThat(firstAction)
                    .as("%s (%s) should be acted on", attacker.identity(), attacker.scenario())
                    .isNotNull();
            assertThat(firstAction - attacker.attackStartMillis())
                    .as("%s (%s): delay from attack start to first non-ALLOW decision",
                            attacker.identity(), attacker.scenario())
                    .isBetween(0L, DETECTION_BUDGET_MILLIS);
        }
    }

    private static void assertLegitimateUsersSpared(Outcome outcome) {
        List<GroundTruthLabel> legit = outcome.labels.stream().filter(l -> !l.isAttack()).toList();
        List<String> touched = legit.stream()
                .map(GroundTruthLabel::identity)
                .filter(outcome.firstNonAllow::containsKey)
                .toList();
        assertThat((double) touched.size() / legit.size())
                .as("share of legitimate identities with any non-ALLOW decision: %s", touched)
                .isLessThan(0.01);
        Set<String> flashCrowd = legit.stream()
                .filter(l -> l.scenario() == Scenario.FLASH_CROWD)
                .map(GroundTruthLabel::identity)
                .collect(Collectors.toSet());
        assertThat(flashCrowd).isNotEmpty();
        assertThat(outcome.quarantined).as("flash-crowd users quarantined").doesNotContainAnyElementsOf(flashCrowd);
    }

    private record Outcome(List<GroundTruthLabel> labels, Map<String, Long> firstNonAllow, Set<String> quarantined) {}

    private static Outcome run(SimulationConfig simulation) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.getConfig().enableObjectReuse();
        @SuppressWarnings("unchecked")
        Collected<Decision>[] decisions = new Collected[1];
        @SuppressWarnings("unchecked")
        Collected<DeadLetter>[] deadLetters = new Collected[1];
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                TelemetrySources.simulator(env, simulation, false), ControlSources.none(env),
                MeshGuardConfig.from(new Configuration()));
        decisions[0] = Collected.of(streams.decisions());
        deadLetters[0] = Collected.of(streams.deadLetters());
        env.executeAsync("simulated traffic");
        decisions[0].startDraining();
        deadLetters[0].startDraining();

        List<Decision> all = decisions[0].await();
        assertThat(deadLetters[0].await()).as("the simulator writes only valid telemetry").isEmpty();
        Map<String, Long> firstNonAllow = new HashMap<>();
        for (Decision d : all) {
            if (d.action != Action.ALLOW) {
                firstNonAllow.merge(d.identity, d.timestampMillis, Math::min);
            }
        }
        Set<String> quarantined = all.stream()
                .filter(d -> d.action == Action.QUARANTINE)
                .map(d -> d.identity)
                .collect(Collectors.toSet());
        return new Outcome(new TrafficSimulator(simulation).labels(), firstNonAllow, quarantined);
    }
}
