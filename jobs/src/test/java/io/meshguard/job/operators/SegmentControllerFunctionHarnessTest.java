package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.control.Control;
import io.meshguard.control.FalsePositiveReport;
import io.meshguard.features.PathClass;
import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentAggregationState;
import io.meshguard.segment.SegmentControllerConfig;
import io.meshguard.segment.SegmentIntervalAggregator;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentBatch;
import io.meshguard.segment.SegmentBatcher;
import io.meshguard.segment.SegmentSample;
import io.meshguard.segment.SegmentState;
import io.meshguard.segment.SegmentUpdate;
import io.meshguard.segment.UpdateTrigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Harness tests of the segment operator with the default controller and aggregation settings
 * (1 s intervals, 3 s lateness, 60 warm-up intervals, holds of 30 s): one second of traffic per
 * step, then a watermark at the end of that second, as the telemetry source would send. The
 * broadcast input's watermark stands at the end of time, as {@code ControlWatermarks} sets it.
 */
class SegmentControllerFunctionHarnessTest {
    private static final long T0 = 1_790_000_000_000L;
    private static final String FLOODED = "asn:64666";
    private static final String CALM = "asn:64500";
    /** Long enough for the baseline to warm up (60 intervals) and settle. */
    private static final int WARM_UP_SECONDS = 180;

    private static final SegmentControllerConfig CONFIG = SegmentControllerConfig.defaults();
    private static final SegmentIntervalAggregator.Config AGGREGATION = SegmentIntervalAggregator.Config.defaults();

    private KeyedBroadcastOperatorTestHarness<String, SegmentBatch, Control, SegmentUpdate> harness;
    private SegmentControllerFunction function;
    /** Start of the next second to drive. */
    private long now = T0;

    private int fakes;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void floodOfNewIdentitiesClampsOnlyItsSegmentWithinTenSeconds() throws Exception {
        start();
        run(WARM_UP_SECONDS, t -> {
            calm(FLOODED, t);
            calm(CALM, t);
        });
        assertThat(drain()).as("calm traffic changes nothing").isEmpty();

        long floodStart = now;
        List<SegmentUpdate> updates = new ArrayList<>();
        SegmentUpdate clamp = null;
        while (clamp == null && now < floodStart + 10_000) {
            step(t -> {
                calm(FLOODED, t);
                flood(FLOODED, t, 40);
                calm(CALM, t);
            });
            updates.addAll(drain());
            clamp = updates.stream().filter(u -> u.mode == SegmentMode.CLAMPED).findFirst().orElse(null);
        }

        assertThat(clamp).as("CLAMPED within 10 s of event time (watermark %s)", now - 1 - floodStart).isNotNull();
        assertThat(clamp.segment).isEqualTo(FLOODED);
        assertThat(clamp.trigger).isEqualTo(UpdateTrigger.MODE);
        assertThat(clamp.driver).isIn("auth_rate", "new_identity_rate");
        assertThat(clamp.segmentCapRps).isGreaterThan(0);

        run(20, t -> {
            calm(FLOODED, t);
            flood(FLOODED, t, 40);
            calm(CALM, t);
        });
        updates.addAll(drain());
        assertThat(updates).isNotEmpty().allSatisfy(u -> assertThat(u.segment).isEqualTo(FLOODED));
        assertThat(updates).extracting(u -> u.mode).endsWith(SegmentMode.CLAMPED);
        assertVersionsIncrease(updates);

        assertThat(function.segmentsIn(SegmentMode.CLAMPED)).isEqualTo(1);
        assertThat(function.segmentsIn(SegmentMode.NORMAL)).isEqualTo(1);
        assertThat(function.segmentsIn(SegmentMode.ELEVATED)).isZero();
        assertThat(function.clampedLowestFactor()).isCloseTo(0.5, within(1e-9));
        assertThat(function.clampedLowestCapRps()).isEqualTo(clamp.segmentCapRps);
    }

    @Test
    void quietAfterTheFloodBringsTheSegmentBackToNormalWithoutFlapping() throws Exception {
        clampFloodedSegment(30);
        assertThat(drain().stream().filter(u -> u.trigger == UpdateTrigger.MODE).map(u -> u.mode))
                .last().isEqualTo(SegmentMode.CLAMPED);
        long floodEnd = now;

        // The flood stops and the segment goes quiet; zero intervals (then the operator's own ticks) drive recovery.
        List<SegmentUpdate> updates = new ArrayList<>();
        SegmentUpdate normal = null;
        while (normal == null && now < floodEnd + CONFIG.recoveryMillis() + 30_000) {
            step(t -> calm(CALM, t));
            updates.addAll(drain());
            normal = updates.stream().filter(u -> u.mode == SegmentMode.NORMAL).findFirst().orElse(null);
        }

        assertThat(normal).isNotNull();
        assertThat(normal.trigger).isEqualTo(UpdateTrigger.MODE);
        assertThat(normal.timestampMillis - floodEnd).isLessThanOrEqualTo(CONFIG.recoveryMillis() + 10_000);
        assertThat(updates.stream().filter(u -> u.trigger == UpdateTrigger.MODE).map(u -> u.mode))
                .as("one step down per hold, never up again")
                .containsExactly(SegmentMode.ELEVATED, SegmentMode.NORMAL);

        // The factor keeps recovering after NORMAL even though the segment is silent for good.
        run(200, t -> calm(CALM, t));
        updates.addAll(drain());
        assertThat(updates).allSatisfy(u -> assertThat(u.segment).isEqualTo(FLOODED));
        SegmentUpdate last = updates.get(updates.size() - 1);
        assertThat(last.tighteningFactor).isEqualTo(1.0);
        assertThat(last.rateLimitScore).isEqualTo(CONFIG.limits.base.rateLimitScore);
        assertThat(updates.size()).as("recovery is told in steps, not every interval").isLessThan(20);
        assertVersionsIncrease(updates);
    }

    @Test
    void manualClampInAPolicyAppliesAtOnceAndExpiresAtItsUntil() throws Exception {
        start();
        run(10, t -> calm(CALM, t));
        drain();
        long until = now + 30_000;

        broadcast(Control.policy(policy(2, clamp(CALM, 50, until)), "test"));

        assertThat(drain()).singleElement().satisfies(u -> {
            assertThat(u.segment).isEqualTo(CALM);
            assertThat(u.trigger).isEqualTo(UpdateTrigger.MANUAL);
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(u.segmentCapRps).isEqualTo(50.0);
            assertThat(u.manual).isTrue();
            assertThat(u.manualUntilMillis).isEqualTo(until);
            assertThat(u.reason).contains("policy v2");
        });
        assertThat(function.segmentsIn(SegmentMode.CLAMPED)).isEqualTo(1);
        assertThat(function.clampedLowestCapRps()).isEqualTo(50.0);

        run(35, t -> calm(CALM, t));

        List<SegmentUpdate> updates = drain();
        SegmentUpdate expiry = updates.stream().filter(u -> !u.manual).findFirst().orElseThrow();
        assertThat(expiry.trigger).isEqualTo(UpdateTrigger.MANUAL);
        assertThat(expiry.timestampMillis).isEqualTo(until);
        assertThat(expiry.mode).isEqualTo(SegmentMode.NORMAL);
        assertThat(expiry.segmentCapRps).isZero();
        assertThat(expiry.reason).contains("manual clamp expired");
        assertThat(updates.subList(0, updates.indexOf(expiry))).isNotEmpty().allSatisfy(u -> {
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(u.manual).isTrue();
        });
        assertThat(function.segmentsIn(SegmentMode.CLAMPED)).isZero();
    }

    @Test
    void manualClampReachesASegmentFirstSeenAfterThePolicy() throws Exception {
        start();
        run(5, t -> calm(CALM, t));
        broadcast(Control.policy(policy(2, clamp(FLOODED, 25, now + 60_000)), "test"));
        assertThat(drain()).as("the segment has no state here yet").isEmpty();

        run(5, t -> {
            calm(CALM, t);
            calm(FLOODED, t);
        });

        assertThat(drain()).first().satisfies(u -> {
            assertThat(u.segment).isEqualTo(FLOODED);
            assertThat(u.trigger).isEqualTo(UpdateTrigger.MANUAL);
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(u.segmentCapRps).isEqualTo(25.0);
        });
    }

    @Test
    void invalidPolicyLeavesThePreviousOneInForce() throws Exception {
        start();
        run(10, t -> calm(CALM, t));
        broadcast(Control.policy(policy(2, clamp(CALM, 50, now + 600_000)), "test"));
        assertThat(drain()).singleElement().satisfies(u -> assertThat(u.manual).isTrue());

        // Version 3 would withdraw the clamp, but a misspelt key makes the whole document invalid.
        broadcast(Control.policy("{\"version\": 3, \"manaul\": []}", "test"));
        assertThat(drain()).isEmpty();
        run(20, t -> calm(CALM, t));
        assertThat(drain()).isNotEmpty().allSatisfy(u -> {
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(u.manual).isTrue();
        });

        // A valid version 3 without the clamp withdraws it.
        broadcast(Control.policy(policy(3, null), "test"));
        assertThat(drain()).singleElement().satisfies(u -> {
            assertThat(u.trigger).isEqualTo(UpdateTrigger.MANUAL);
            assertThat(u.manual).isFalse();
            assertThat(u.reason).contains("withdrawn");
        });
    }

    @Test
    void falsePositiveReportLoosensItsSegment() throws Exception {
        clampFloodedSegment(15);
        drain();

        broadcast(Control.feedback(FalsePositiveReport.of("ip:203.0.113.9", "asn:64999", now, "unknown segment"), "test"));
        assertThat(drain()).as("no state for that segment: nothing to loosen").isEmpty();

        broadcast(Control.feedback(FalsePositiveReport.of("user:" + FLOODED + "-3", FLOODED, now, "ticket 7"), "test"));

        assertThat(drain()).singleElement().satisfies(u -> {
            assertThat(u.segment).isEqualTo(FLOODED);
            assertThat(u.trigger).isEqualTo(UpdateTrigger.FEEDBACK);
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(u.tighteningFactor).isCloseTo(0.5 + CONFIG.feedbackStep, within(1e-9));
            assertThat(u.reason).contains("false positive");
        });
    }

    @Test
    void restoredSegmentStaysClampedWithItsThresholdsAndVersions() throws Exception {
        clampFloodedSegment(15);
        broadcast(Control.policy(policy(5, null), "test"));
        List<SegmentUpdate> before = drain();
        SegmentUpdate clamp = before.stream().filter(u -> u.mode == SegmentMode.CLAMPED).findFirst().orElseThrow();
        long lastVersion = before.get(before.size() - 1).version;

        OperatorSubtaskState snapshot = harness.snapshot(1, now);
        harness.close();
        restore(snapshot);
        assertThat(function.segmentsIn(SegmentMode.CLAMPED)).as("gauges refill as segments close intervals").isZero();

        run(5, t -> {
            calm(FLOODED, t);
            flood(FLOODED, t, 40);
            calm(CALM, t);
        });
        assertThat(drain()).as("still CLAMPED at its floor: nothing to tell").isEmpty();
        assertThat(function.segmentsIn(SegmentMode.CLAMPED)).isEqualTo(1);
        assertThat(function.clampedLowestFactor()).isCloseTo(0.5, within(1e-9));

        // The policy in force came back too: an older version is refused.
        broadcast(Control.policy(policy(4, clamp(CALM, 5, now + 600_000)), "test"));
        assertThat(drain()).isEmpty();

        broadcast(Control.feedback(FalsePositiveReport.of("user:" + FLOODED + "-1", FLOODED, now, null), "test"));
        assertThat(drain()).singleElement().satisfies(u -> {
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
            assertThat(u.tighteningFactor).isCloseTo(0.6, within(1e-9));
            assertThat(u.segmentCapRps).isEqualTo(clamp.segmentCapRps);
            assertThat(u.version).isGreaterThan(lastVersion);
        });
    }

    @Test
    void stateIsClearedOnceSegmentsStayQuietLongEnough() throws Exception {
        clampFloodedSegment(15);
        assertThat(keyedStateEntries()).isEqualTo(6); // two segments × aggregation, controller, timer
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        // Everything goes quiet: the clamp recovers, then the look-back (10 min) passes.
        List<SegmentUpdate> updates = new ArrayList<>();
        run(12 * 60, t -> {});
        updates.addAll(drain());

        assertThat(updates).extracting(u -> u.mode).contains(SegmentMode.NORMAL);
        assertThat(keyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(function.segmentsIn(SegmentMode.NORMAL)).isZero();
        assertThat(function.segmentsIn(SegmentMode.CLAMPED)).isZero();
        assertThat(function.clampedLowestFactor()).isEqualTo(1.0);
        assertThat(function.clampedLowestCapRps()).isZero();

        // A segment coming back starts afresh (and its versions keep increasing: they follow event time).
        long lastVersion = updates.get(updates.size() - 1).version;
        broadcast(Control.policy(policy(2, clamp(FLOODED, 5, now + 60_000)), "test"));
        run(5, t -> calm(FLOODED, t));
        assertThat(drain()).first().satisfies(u -> assertThat(u.version).isGreaterThan(lastVersion));
    }

    @Test
    void oneTimerPerSegmentWhileTrafficFlows() throws Exception {
        start();
        run(30, t -> {
            calm(FLOODED, t);
            calm(CALM, t);
        });
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        assertThat(keyedStateEntries()).isEqualTo(6);
    }

    @Test
    void invalidInitialPolicyFailsAtConstruction() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SegmentControllerFunction(CONFIG, AGGREGATION, "{\"version\": 0}"))
                .withMessageContaining("initial policy is invalid");
    }

    @Test
    void stateAndStreamTypesAreFlinkPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SegmentAggregationState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SegmentState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SegmentBatch.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SegmentUpdate.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Control.class);
    }

    // ---------------------------------------------------------------------------------------------

    private void start() throws Exception {
        function = new SegmentControllerFunction(CONFIG, AGGREGATION, null);
        harness = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                function, s -> s.segment, Types.STRING, PolicyBroadcast.DESCRIPTOR);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
    }

    private void restore(OperatorSubtaskState snapshot) throws Exception {
        function = new SegmentControllerFunction(CONFIG, AGGREGATION, null);
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(PolicyBroadcast.DESCRIPTOR)),
                s -> s.segment, Types.STRING, 1, 1, 0);
        harness.initializeState(snapshot);
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(now - 1);
    }

    /** Warm-up on both segments, then a flood on {@link #FLOODED} for {@code seconds}; asserts it clamped. */
    private void clampFloodedSegment(int seconds) throws Exception {
        start();
        run(WARM_UP_SECONDS, t -> {
            calm(FLOODED, t);
            calm(CALM, t);
        });
        run(seconds, t -> {
            calm(FLOODED, t);
            flood(FLOODED, t, 40);
            calm(CALM, t);
        });
        assertThat(harness.extractOutputValues()).anySatisfy(u -> {
            assertThat(u.segment).isEqualTo(FLOODED);
            assertThat(u.mode).isEqualTo(SegmentMode.CLAMPED);
        });
    }

    /** Drives {@code seconds} seconds of traffic, each followed by a watermark at its end. */
    private void run(int seconds, LongConsumer traffic) throws Exception {
        for (int i = 0; i < seconds; i++) {
            step(traffic);
        }
    }

    private void step(LongConsumer traffic) throws Exception {
        traffic.accept(now);
        now += 1000;
        harness.processWatermark(now - 1);
    }

    /**
     * A segment's usual second: 20 requests from 12 returning callers, a login every third second,
     * an error every fourth, a new visitor every other second.
     */
    private void calm(String segment, long second) {
        long s = second / 1000;
        for (int i = 0; i < 20; i++) {
            boolean login = i == 0 && s % 3 == 0;
            int code = i == 7 && s % 4 == 0 ? 404 : 200;
            add(segment, "user:" + segment + "-" + (i % 12), second + i * 50, login ? PathClass.LOGIN : 0, code);
        }
        if (s % 2 == 0) {
            add(segment, "user:" + segment + "-visitor-" + s, second + 525, 0, 200);
        }
    }

    /** {@code perSecond} never-seen identities, two signup requests each. */
    private void flood(String segment, long second, int perSecond) {
        for (int j = 0; j < perSecond; j++) {
            String identity = "ip:198.18." + (fakes / 250) + "." + (fakes % 250);
            fakes++;
            long t = second + j * (1000L / perSecond);
            add(segment, identity, t, PathClass.SIGNUP, 200);
            add(segment, identity, t + 3, PathClass.SIGNUP, j % 5 == 0 ? 409 : 201);
        }
    }

    private void add(String segment, String identity, long t, int pathFlags, int code) {
        MeshEvent e = new MeshEvent();
        e.identity = identity;
        e.segment = segment;
        e.timestampMillis = t;
        e.pathFlags = pathFlags;
        e.responseCode = code;
        // Each request in a batch of its own.
        SegmentBatcher batcher = new SegmentBatcher(AGGREGATION.intervalMillis, Integer.MAX_VALUE);
        List<SegmentBatch> batches = new ArrayList<>();
        batcher.add(SegmentSample.of(e));
        batcher.drain(batches::add);
        try {
            harness.processElement(batches.get(0), t);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    private void broadcast(Control control) throws Exception {
        harness.processBroadcastElement(control, now - 1);
    }

    /** The output since the last call. */
    private List<SegmentUpdate> drain() {
        List<SegmentUpdate> out = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return out;
    }

    private int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private static void assertVersionsIncrease(List<SegmentUpdate> updates) {
        for (int i = 1; i < updates.size(); i++) {
            if (updates.get(i).segment.equals(updates.get(i - 1).segment)) {
                assertThat(updates.get(i).version).isGreaterThan(updates.get(i - 1).version);
            }
        }
    }

    private static String policy(long version, String manualOrNull) {
        return "{\"version\": " + version + (manualOrNull == null ? "" : ", \"manual\": [" + manualOrNull + "]") + "}";
    }

    private static String clamp(String segment, double capRps, long untilMillis) {
        return "{\"target\": \"segment:" + segment + "\", \"action\": \"clamp\", \"cap_rps\": " + capRps
                + ", \"until\": \"" + Instant.ofEpochMilli(untilMillis) + "\"}";
    }
}
