package io.meshguard.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.meshguard.features.PathClass;
import io.meshguard.model.MeshEvent;
import io.meshguard.parse.DecodeResult;
import io.meshguard.parse.DecoderConfig;
import io.meshguard.parse.TelemetryDecoder;
import io.meshguard.sim.Scenario;
import io.meshguard.sim.ScenarioWindow;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Simulated access logs through the decoder, {@link SegmentIntervalAggregator} and {@link
 * SegmentThresholdController}, one state pair per segment, as the job wires them (without Flink).
 *
 * <p>Runs last 300 s rather than 60 s: the controller judges rates only after 60 learned intervals
 * (its default warm-up; every controller setting here is the shipped default), and the simulator
 * places the signup flood at 40-70 % and the flash crowd at 50-80 % of the run, so 300 s leaves
 * 120 s of ordinary traffic before the flood. Only the legitimate population, the signup flood and
 * the flash crowd are enabled: the other attacks target their own segments (credential stuffing
 * two residential ASNs, the scanners the hosting ASN, the compromised workload a namespace), where
 * tightening would be right, and would blur what this test is about. The watermark after each
 * 100 ms tick is the tick's end (the simulator keeps the lines of a tick out of order by at most
 * 150 ms, well within the lateness), and the end of the run is a watermark of {@code
 * Long.MAX_VALUE}, as a bounded source ends.
 */
class SimulatedSegmentControlTest {
    private static final String FLOOD_SEGMENT = "asn:64666";
    private static final long SEED = 42;

    private static final Map<Long, Run> RUNS = new HashMap<>();

    /** The run of a seed, built once per JVM (about 2-3 s each). */
    static synchronized Run run(long seed) {
        return RUNS.computeIfAbsent(seed, s -> new Run(SimulationConfig.builder()
                .seed(s)
                .durationSeconds(300)
                .scenarios(EnumSet.of(Scenario.LEGIT, Scenario.SIGNUP_FLOOD, Scenario.FLASH_CROWD))
                .build(), SegmentControllerConfig.defaults()));
    }

    @Test
    void figuresMatchAnExactCountOfTheSameEvents() {
        Run run = run(SEED);
        assertThat(run.deadLetters).isZero();
        int compared = 0;
        double squaredErrors = 0;
        int estimated = 0;
        for (Map.Entry<String, List<Step>> e : run.steps.entrySet()) {
            String segment = e.getKey();
            assertThat(run.aggregation.get(segment).lateEvents).as(segment + " late events").isZero();
            assertThat(run.aggregation.get(segment).skippedIntervals).as(segment + " skipped intervals").isZero();
            for (Step step : e.getValue()) {
                SegmentInterval got = step.interval();
                Exact want = run.reference.get(segment).get(step.endMillis());
                if (want == null) {
                    assertThat(got.requests).as(segment + " at " + step.endMillis()).isZero();
                    continue;
                }
                compared++;
                String at = segment + " interval ending " + Instant.ofEpochMilli(step.endMillis());
                assertThat(got.requests).as(at).isEqualTo(want.requests);
                assertThat(got.authRequests).as(at).isEqualTo(want.auth);
                assertThat(got.errorResponses).as(at).isEqualTo(want.errors);
                // The run is one look-back filter generation (5 min), so new = first sighting in the run.
                assertThat(got.newIdentities).as(at).isEqualTo(Math.min(want.newIdentities, got.distinctIdentities));
                // Linear counting of a few hundred callers in 8,192 bits: about 0.8 % standard error,
                // with a Poisson tail of collisions at this load.
                int exact = want.identities.size();
                assertThat((double) got.distinctIdentities).as(at + " distinct of " + exact)
                        .isCloseTo(exact, within(Math.max(2.0, 0.06 * exact)));
                if (exact >= 20) {
                    double error = (got.distinctIdentities - exact) / (double) exact;
                    squaredErrors += error * error;
                    estimated++;
                }
            }
        }
        long exactIntervals = run.reference.values().stream().mapToLong(Map::size).sum();
        assertThat(compared).as("every interval with traffic was emitted").isEqualTo((int) exactIntervals);
        assertThat(Math.sqrt(squaredErrors / estimated)).as("RMS relative error of distinct identities")
                .isLessThan(0.01);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {SEED, 1})
    void signupFloodClampsItsAsnWithinTenSecondsOfItsStart(long seed) {
        Run run = run(seed);
        ScenarioWindow flood = run.window(Scenario.SIGNUP_FLOOD);
        List<Step> steps = run.steps.get(FLOOD_SEGMENT);
        assertThat(steps).filteredOn(s -> s.endMillis() <= flood.startMillis())
                .as("calm before the flood")
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.mode()).isEqualTo(SegmentMode.NORMAL));
        Step clamp = steps.stream()
                .filter(s -> s.mode() == SegmentMode.CLAMPED)
                .findFirst()
                .orElseThrow(() -> new AssertionError(FLOOD_SEGMENT + " never clamped"));
        assertThat(clamp.endMillis() - flood.startMillis()).isBetween(0L, 10_000L);
        assertThat(run.updates).filteredOn(u -> u.segment.equals(FLOOD_SEGMENT) && u.mode == SegmentMode.CLAMPED)
                .first()
                .satisfies(u -> assertThat(u.segmentCapRps).isPositive());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {SEED, 1})
    void floodLeavesEveryOtherSegmentWithinFivePercentUntilTheCrowdArrives(long seed) {
        Run run = run(seed);
        assertOtherSegmentsWithinFivePercent(run, run.window(Scenario.SIGNUP_FLOOD).startMillis(),
                run.window(Scenario.FLASH_CROWD).startMillis());
    }

    /**
     * Fails with the controller's default configuration. Every member of the simulated crowd logs in
     * once, 1-4 s after arriving, so the auth rate of the big residential ASNs jumps from about
     * 0.2/s to 8-15/s for a few seconds while volume rises only 10-20 %. The volume adjustment does
     * not cover that and the auth rate's absolute floor (1/s) makes z 8-14: asn:64500 goes ELEVATED
     * (thresholds 20-37 % lower) in every seed tried and CLAMPED in seeds 1 and 99; asn:64501 is
     * tightened by 8-22 %. With that floor at 3/s this passes for seeds 42, 1 and 99 and the flood
     * still clamps 2 s after its start; at 2/s seed 99 still elevates asn:64500 (within 5 %).
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {SEED, 1, 99})
    void flashCrowdNeitherClampsNorTightensAnotherSegmentBeyondFivePercent(long seed) {
        Run run = run(seed);
        assertOtherSegmentsWithinFivePercent(run, run.window(Scenario.SIGNUP_FLOOD).startMillis(), Long.MAX_VALUE);
    }

    private static void assertOtherSegmentsWithinFivePercent(Run run, long fromMillis, long toMillis) {
        assertThat(run.steps.keySet()).contains(FLOOD_SEGMENT, "asn:64500", "ns:payments");
        for (Map.Entry<String, List<Step>> e : run.steps.entrySet()) {
            String segment = e.getKey();
            if (segment.equals(FLOOD_SEGMENT)) {
                continue;
            }
            SegmentThresholds pre = run.preAttack(segment);
            for (Step s : e.getValue()) {
                if (s.endMillis() <= fromMillis || s.endMillis() > toMillis) {
                    continue;
                }
                String at = segment + " at +" + (s.endMillis() - run.config.startEpochMillis()) / 1000 + " s";
                assertThat(s.mode()).as(at).isNotEqualTo(SegmentMode.CLAMPED);
                assertThat(s.thresholds().rateLimitScore).as(at).isCloseTo(pre.rateLimitScore, withinPercentage(5));
                assertThat(s.thresholds().quarantineScore).as(at).isCloseTo(pre.quarantineScore, withinPercentage(5));
                assertThat(s.thresholds().releaseScore).as(at).isCloseTo(pre.releaseScore, withinPercentage(5));
                assertThat(s.thresholds().limitMultiplier).as(at).isCloseTo(pre.limitMultiplier, withinPercentage(5));
                assertThat(s.thresholds().minLimitRps).as(at).isCloseTo(pre.minLimitRps, withinPercentage(5));
            }
        }
    }

    /** What the controller held a segment at after one interval. */
    record Step(long endMillis, SegmentInterval interval, SegmentMode mode, double pressure,
            SegmentThresholds thresholds) {}

    /** Figures of one interval counted with sets. */
    static final class Exact {
        long requests;
        long auth;
        long errors;
        int newIdentities;
        final Set<String> identities = new HashSet<>();
    }

    /** The whole pipeline over one simulated run, with every segment's history. */
    static final class Run {
        final SimulationConfig config;
        final TrafficSimulator simulator;
        final SegmentIntervalAggregator aggregator =
                new SegmentIntervalAggregator(SegmentIntervalAggregator.Config.defaults());
        final SegmentThresholdController controller;
        final Map<String, SegmentAggregationState> aggregation = new TreeMap<>();
        final Map<String, SegmentState> control = new TreeMap<>();
        final Map<String, List<Step>> steps = new TreeMap<>();
        final List<SegmentUpdate> updates = new ArrayList<>();
        /** Per segment and interval end: the same figures counted exactly. */
        final Map<String, Map<Long, Exact>> reference = new TreeMap<>();
        private final Map<String, Set<String>> seen = new HashMap<>();
        long deadLetters;

        Run(SimulationConfig config, SegmentControllerConfig cc) {
            this.config = config;
            this.controller = new SegmentThresholdController(cc);
            this.simulator = new TrafficSimulator(config);
            Clock clock = Clock.fixed(Instant.ofEpochMilli(config.endEpochMillis()), ZoneOffset.UTC);
            TelemetryDecoder decoder = new TelemetryDecoder(DecoderConfig.defaults(), clock);
            for (long tick = 0; tick < simulator.tickCount(); tick++) {
                simulator.generateTick(tick, line -> {
                    DecodeResult r = decoder.decode(line);
                    if (!r.isOk()) {
                        deadLetters++;
                        return;
                    }
                    MeshEvent e = r.event();
                    countExactly(e);
                    SegmentAggregationState s = aggregation.computeIfAbsent(e.segment, k -> aggregator.newState());
                    aggregator.add(s, e, interval -> control(e.segment, interval));
                });
                long watermark = simulator.tickEndMillis(tick) - 1;
                for (Map.Entry<String, SegmentAggregationState> e : aggregation.entrySet()) {
                    aggregator.advanceTo(e.getValue(), watermark, interval -> control(e.getKey(), interval));
                }
            }
            // End of input, as a bounded Flink source ends: the last open intervals close, no zeros follow.
            for (Map.Entry<String, SegmentAggregationState> e : aggregation.entrySet()) {
                aggregator.advanceTo(e.getValue(), Long.MAX_VALUE, interval -> control(e.getKey(), interval));
            }
        }

        private void countExactly(MeshEvent e) {
            long end = Math.floorDiv(e.timestampMillis, 1000) * 1000 + 1000;
            Exact x = reference.computeIfAbsent(e.segment, k -> new TreeMap<>()).computeIfAbsent(end, k -> new Exact());
            x.requests++;
            x.auth += PathClass.has(e.pathFlags, PathClass.AUTH) ? 1 : 0;
            int code = e.responseCode;
            x.errors += code >= 400 && code < 500 && code != 429 ? 1 : 0;
            x.identities.add(e.identity);
            if (seen.computeIfAbsent(e.segment, k -> new HashSet<>()).add(e.identity)) {
                x.newIdentities++;
            }
        }

        private void control(String segment, SegmentInterval interval) {
            SegmentState s = control.computeIfAbsent(segment, k -> new SegmentState());
            SegmentUpdate u = controller.onInterval(segment, s, interval);
            if (u != null) {
                updates.add(u);
            }
            steps.computeIfAbsent(segment, k -> new ArrayList<>()).add(new Step(interval.endMillis, interval, s.mode,
                    s.pressure, controller.thresholdsInForce(s, controller.config().limits)));
        }

        ScenarioWindow window(Scenario scenario) {
            return simulator.window(scenario).orElseThrow();
        }

        /** Thresholds in force at the last interval before the first attack or crowd began. */
        SegmentThresholds preAttack(String segment) {
            long first = window(Scenario.SIGNUP_FLOOD).startMillis();
            SegmentThresholds last = controller.config().limits.inForce(1.0);
            for (Step s : steps.get(segment)) {
                if (s.endMillis > first) {
                    break;
                }
                last = s.thresholds;
            }
            return last;
        }
    }
}
