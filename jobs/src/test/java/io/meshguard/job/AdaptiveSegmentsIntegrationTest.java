package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.model.Action;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.segment.SegmentControllerConfig;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentThresholds;
import io.meshguard.segment.SegmentUpdate;
import io.meshguard.sim.GroundTruthLabel;
import io.meshguard.sim.Scenario;
import io.meshguard.sim.ScenarioWindow;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The segment controller inside the whole workflow on a MiniCluster at parallelism 2: a signup flood
 * clamps its own ASN within seconds and lets go again within the promised recovery time, while a
 * flash crowd arriving across the residential ASNs tightens, clamps and quarantines nothing.
 *
 * <p>One fixed-seed run of 400 s, shared by every test: the controller judges rates only after 60
 * learned intervals, and the simulator places the flood at 40-70 % of the run (160-280 s) and the
 * crowd at 50-80 % (200-320 s), so the baseline is warm long before the flood and the two holds of
 * the recovery (60 s by default) fit before the end. Only the legitimate population, the signup
 * flood and the flash crowd are enabled: credential stuffing, the scanners and the compromised
 * workload target segments of their own where tightening would be right, and would blur what these
 * tests are about ({@link DetectionOnSimulatedTrafficIntegrationTest} runs them all).
 */
class AdaptiveSegmentsIntegrationTest {
    private static final String FLOOD_SEGMENT = "asn:64666";
    private static final long CLAMP_BUDGET_MILLIS = 10_000;
    /** NORMAL -> ELEVATED -> CLAMPED -> ELEVATED -> NORMAL. */
    private static final int MOST_MODE_CHANGES = 4;
    /**
     * Intervals the flood's pressure may take to fall below the CLAMPED exit level once the flood
     * stops: its smoothed figures halve every interval (smoothing-alpha 0.5), and pressure (weight ×
     * (z − gate)) falls at least as fast, so up to four times the exit level (24; this flood peaks
     * near 17) is below it after two intervals. Updates carry their
     * interval's end as event time, so the allowed lateness delays when an update is emitted, never
     * its timestamp, and does not enter the bound.
     */
    private static final int SETTLING_INTERVALS = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final SimulationConfig SIMULATION = SimulationConfig.builder()
            .seed(42)
            .durationSeconds(400)
            .scenarios(EnumSet.of(Scenario.LEGIT, Scenario.SIGNUP_FLOOD, Scenario.FLASH_CROWD))
            .build();
    private static final MeshGuardConfig CONFIG = MeshGuardConfig.from(new Configuration());

    private static TrafficSimulator simulator;
    private static ScenarioWindow flood;
    private static List<SegmentUpdate> updates;
    private static List<Decision> decisions;
    private static List<Decision> enforcing;

    /** The environment is bound to the extension's cluster by hand: it sets one as context only per test. */
    @BeforeAll
    static void runTheWorkflowOnce(@InjectMiniCluster MiniCluster cluster) throws Exception {
        StreamExecutionEnvironment env = new TestStreamEnvironment(cluster, 2);
        env.getConfig().enableObjectReuse();
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                TelemetrySources.simulator(env, SIMULATION, false), ControlSources.none(env), CONFIG);
        Collected<SegmentUpdate> segmentUpdates = Collected.of(streams.segmentUpdates());
        Collected<Decision> allDecisions = Collected.of(streams.decisions());
        Collected<Decision> enforcingDecisions = Collected.of(streams.enforcingDecisions());
        Collected<DeadLetter> deadLetters = Collected.of(streams.deadLetters());
        env.executeAsync("adaptive segments on simulated traffic");
        segmentUpdates.startDraining();
        allDecisions.startDraining();
        enforcingDecisions.startDraining();
        deadLetters.startDraining();

        updates = segmentUpdates.await();
        decisions = allDecisions.await();
        enforcing = enforcingDecisions.await();
        assertThat(deadLetters.await()).as("the simulator writes only valid telemetry").isEmpty();
        simulator = new TrafficSimulator(SIMULATION);
        flood = simulator.window(Scenario.SIGNUP_FLOOD).orElseThrow();
    }

    @Test
    void signupFloodClampsItsAsnWithinTenSecondsOfEventTime() {
        SegmentUpdate clamp = floodSegmentUpdates().stream()
                .filter(u -> u.mode == SegmentMode.CLAMPED)
                .findFirst()
                .orElseThrow(() -> new AssertionError(FLOOD_SEGMENT + " never clamped: " + floodSegmentUpdates()));

        assertThat(clamp.timestampMillis - flood.startMillis())
                .as("delay from the flood's start to the first CLAMPED update: %s", clamp)
                .isBetween(0L, CLAMP_BUDGET_MILLIS);
        assertThat(clamp.segmentCapRps).as("segment cap of %s", clamp).isPositive();
    }

    /**
     * Updates are emitted whenever the mode changes or a threshold moved by more than the update step
     * (5 %) from the last one emitted, so a segment without updates kept its base thresholds within
     * that step.
     */
    @Test
    void everyOtherSegmentKeepsItsThresholdsWithinFivePercentDuringTheFlood() {
        SegmentThresholds base = CONFIG.segmentController.limits.base;
        assertThat(updates).extracting(u -> u.segment).contains(FLOOD_SEGMENT);
        List<SegmentUpdate> duringFlood = updates.stream()
                .filter(u -> !u.segment.equals(FLOOD_SEGMENT))
                .filter(u -> u.timestampMillis >= flood.startMillis() && u.timestampMillis <= flood.endMillis())
                .toList();
        for (SegmentUpdate u : duringFlood) {
            String at = u.segment + " at flood +" + (u.timestampMillis - flood.startMillis()) / 1000.0 + " s: " + u;
            assertThat(u.mode).as(at).isNotEqualTo(SegmentMode.CLAMPED);
            assertThat(u.rateLimitScore).as(at).isCloseTo(base.rateLimitScore, withinPercentage(5));
            assertThat(u.quarantineScore).as(at).isCloseTo(base.quarantineScore, withinPercentage(5));
            assertThat(u.releaseScore).as(at).isCloseTo(base.releaseScore, withinPercentage(5));
            assertThat(u.limitMultiplier).as(at).isCloseTo(base.limitMultiplier, withinPercentage(5));
            assertThat(u.minLimitRps).as(at).isCloseTo(base.minLimitRps, withinPercentage(5));
        }
    }

    /**
     * The controller promises NORMAL within {@link SegmentControllerConfig#recoveryMillis()} of the
     * first interval whose pressure is below the CLAMPED exit level (one hold per step down); that
     * interval comes at most {@link #SETTLING_INTERVALS} after the flood's end.
     */
    @Test
    void floodSegmentReturnsToNormalWithinTheRecoveryTimeWithoutFlapping() {
        SegmentControllerConfig controller = CONFIG.segmentController;
        List<SegmentUpdate> flooded = floodSegmentUpdates();
        List<SegmentUpdate> modeChanges = flooded.stream().filter(u -> u.mode != u.previousMode).toList();
        assertThat(modeChanges).as("mode changes of %s", FLOOD_SEGMENT)
                .isNotEmpty()
                .hasSizeLessThanOrEqualTo(MOST_MODE_CHANGES);

        SegmentUpdate last = flooded.get(flooded.size() - 1);
        assertThat(last.mode).as("last update of %s: %s", FLOOD_SEGMENT, last).isEqualTo(SegmentMode.NORMAL);
        SegmentUpdate backToNormal = modeChanges.get(modeChanges.size() - 1);
        long bound = controller.recoveryMillis() + SETTLING_INTERVALS * controller.intervalMillis;
        assertThat(backToNormal.timestampMillis - flood.endMillis())
                .as("time from the flood's end to %s returning to NORMAL (%s); mode changes %s",
                        FLOOD_SEGMENT, backToNormal, modeChanges)
                .isBetween(0L, bound);
    }

    @Test
    void flashCrowdAcrossManySegmentsClampsNothingAndQuarantinesNoOne() {
        assertThat(updates)
                .filteredOn(u -> u.mode == SegmentMode.CLAMPED)
                .extracting(u -> u.segment)
                .as("segments ever CLAMPED")
                .containsOnly(FLOOD_SEGMENT);

        List<GroundTruthLabel> legit = simulator.labels().stream().filter(l -> !l.isAttack()).toList();
        List<GroundTruthLabel> crowd = legit.stream().filter(l -> l.scenario() == Scenario.FLASH_CROWD).toList();
        assertThat(crowd.stream().map(GroundTruthLabel::segment).distinct().count())
                .as("segments the flash crowd arrives in")
                .isGreaterThanOrEqualTo(4);
        Set<String> crowdIdentities = crowd.stream().map(GroundTruthLabel::identity).collect(Collectors.toSet());
        assertThat(enforcing)
                .filteredOn(d -> crowdIdentities.contains(d.identity))
                .as("enforcing decisions on flash-crowd users")
                .allSatisfy(d -> assertThat(d.action).as(d.toString()).isEqualTo(Action.ALLOW));

        Set<String> legitIdentities = legit.stream().map(GroundTruthLabel::identity).collect(Collectors.toSet());
        assertThat(decisions)
                .filteredOn(d -> d.action == Action.QUARANTINE && legitIdentities.contains(d.identity))
                .as("legitimate identities quarantined")
                .isEmpty();
    }

    @Test
    void segmentDecisionsAreVersionedPerSegment() {
        Map<String, SegmentUpdate> previous = new HashMap<>();
        for (SegmentUpdate u : updates) {
            SegmentUpdate before = previous.put(u.segment, u);
            if (before != null) {
                assertThat(u.version).as("%s after %s", u, before).isGreaterThan(before.version);
            }
        }
        assertThat(floodSegmentUpdates()).as("updates of %s, whose versions are compared", FLOOD_SEGMENT)
                .hasSizeGreaterThan(1);
    }

    /** The flood segment's updates in emission order (one keyed subtask emits them all, in order). */
    private static List<SegmentUpdate> floodSegmentUpdates() {
        return updates.stream().filter(u -> u.segment.equals(FLOOD_SEGMENT)).toList();
    }
}
