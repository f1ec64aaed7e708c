package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines are a pure function of (configuration, tick): reproducible, splittable and resumable. */
class SimulationDeterminismTest {
    private static final SimulationConfig CONFIG = SimulationConfig.builder().durationSeconds(60)
            .eventsPerSecond(400).legitIdentities(600).flashCrowdUsers(60).build();

    @Test
    void sameSeedGivesIdenticalLinesAndLabels() {
        assertThat(digest(new TrafficSimulator(CONFIG))).isEqualTo(digest(new TrafficSimulator(CONFIG)));
        assertThat(new TrafficSimulator(CONFIG).labels()).isEqualTo(new TrafficSimulator(CONFIG).labels());
    }

    @Test
    void differentSeedGivesDifferentLinesAndIdentities() {
        TrafficSimulator other = new TrafficSimulator(CONFIG.withSeed(43));
        assertThat(digest(other)).isNotEqualTo(digest(new TrafficSimulator(CONFIG)));
        assertThat(other.labels()).isNotEqualTo(new TrafficSimulator(CONFIG).labels());
    }

    @Test
    void aTickGeneratedAloneEqualsTheSameTickOfAFullRun() {
        TrafficSimulator full = new TrafficSimulator(CONFIG);
        List<List<String>> ticks = new ArrayList<>();
        for (long t = 0; t < full.tickCount(); t++) {
            ticks.add(tick(full, t));
        }
        // A fresh reader resuming mid-run, and readers taking ticks out of order, see the same lines.
        for (long t : new long[] {0, 1, 299, 300, 345, full.tickCount() - 1}) {
            assertThat(tick(new TrafficSimulator(CONFIG), t)).as("tick %d", t).isEqualTo(ticks.get((int) t));
        }
        TrafficSimulator backwards = new TrafficSimulator(CONFIG);
        for (long t = full.tickCount() - 1; t >= 0; t -= 7) {
            assertThat(tick(backwards, t)).isEqualTo(ticks.get((int) t));
        }
    }

    @Test
    void linesStayInsideTheirTickAndAreOutOfOrderByAtMost200Millis() {
        TrafficSimulator sim = new TrafficSimulator(CONFIG);
        long previousMax = Long.MIN_VALUE;
        long largestLag = 0;
        for (long t = 0; t < sim.tickCount(); t++) {
            long from = sim.tickStartMillis(t);
            long to = sim.tickEndMillis(t);
            long[] maxSoFar = {Long.MIN_VALUE};
            long[] lag = {0};
            long floor = previousMax;
            sim.generateTick(t, (line, time, scenario, attack) -> {
                assertThat(time).isBetween(from, to - 1).isGreaterThan(floor);
                if (maxSoFar[0] != Long.MIN_VALUE) {
                    lag[0] = Math.max(lag[0], maxSoFar[0] - time);
                }
                maxSoFar[0] = Math.max(maxSoFar[0], time);
            });
            largestLag = Math.max(largestLag, lag[0]);
            previousMax = Math.max(previousMax, maxSoFar[0]);
        }
        assertThat(largestLag).isPositive().isLessThanOrEqualTo(200);
    }

    @Test
    void tickGeometryCoversTheRunExactly() {
        SimulationConfig odd = CONFIG.toBuilder().durationSeconds(61).tickMillis(250).build();
        TrafficSimulator sim = new TrafficSimulator(odd);
        assertThat(sim.tickCount()).isEqualTo(244);
        assertThat(sim.tickStartMillis(0)).isEqualTo(odd.startEpochMillis());
        assertThat(sim.tickEndMillis(sim.tickCount() - 1)).isEqualTo(odd.endEpochMillis());
        assertThatThrownBy(() -> sim.generateTick(sim.tickCount(), line -> {}))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sim.generateTick(-1, line -> {})).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void parallelReadersSplittingTicksProduceTheSameLinesAsOneReader() throws Exception {
        TrafficSimulator shared = new TrafficSimulator(CONFIG);
        List<List<String>> expected = new ArrayList<>();
        for (long t = 0; t < shared.tickCount(); t++) {
            expected.add(tick(shared, t));
        }
        int readers = 4;
        List<List<List<String>>> got = new ArrayList<>();
        Thread[] threads = new Thread[readers];
        for (int r = 0; r < readers; r++) {
            int reader = r;
            List<List<String>> mine = new ArrayList<>();
            got.add(mine);
            threads[r] = new Thread(() -> {
                for (long t = reader; t < shared.tickCount(); t += readers) {
                    mine.add(tick(shared, t));
                }
            });
            threads[r].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int t = 0; t < expected.size(); t++) {
            assertThat(got.get(t % readers).get(t / readers)).isEqualTo(expected.get(t));
        }
    }

    private static List<String> tick(TrafficSimulator sim, long t) {
        List<String> lines = new ArrayList<>();
        sim.generateTick(t, lines::add);
        return lines;
    }

    private static String digest(TrafficSimulator sim) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (long t = 0; t < sim.tickCount(); t++) {
                sim.generateTick(t, line -> {
                    sha.update(line.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) '\n');
                });
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
