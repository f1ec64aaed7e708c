package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.baseline.BaselineConfig;
import io.meshguard.baseline.ScoringConfig;
import io.meshguard.cep.IntervalSummary;
import io.meshguard.control.Control;
import io.meshguard.detect.DecisionConfig;
import io.meshguard.detect.DetectionConfig;
import io.meshguard.detect.IdentityState;
import io.meshguard.features.Feature;
import io.meshguard.features.FeatureConfig;
import io.meshguard.features.PathClass;
import io.meshguard.features.UserAgentClass;
import io.meshguard.model.Action;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentThresholds;
import io.meshguard.segment.SegmentUpdate;
import io.meshguard.segment.ThresholdBounds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Harness tests of the keyed detector: decisions on change only, segment thresholds and policies
 * from the control channel, interval summaries, cleanup, snapshot and restore.
 */
class IdentityDetectorFunctionHarnessTest {
    private static final long T0 = 1_790_000_000_000L; // an interval boundary
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final String SEGMENT = "asn:64501";
    private static final String OTHER_SEGMENT = "asn:64502";

    private KeyedBroadcastOperatorTestHarness<String, MeshEvent, Control, Decision> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedBroadcastOperatorTestHarness<String, MeshEvent, Control, Decision> newHarness(
            IdentityDetectorFunction function) throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, IdentityDetectorFunction.BROADCAST_DESCRIPTORS),
                e -> e.identity, Types.STRING, 1, 1, 0);
    }

    private static KeyedBroadcastOperatorTestHarness<String, MeshEvent, Control, Decision> newHarness(Duration ttl)
            throws Exception {
        // A burst floor far below the rates used here, so summaries are judged by the typical-rate limit
        // these tests reason about (the floor has its own tests in IntervalTrackerTest).
        return newHarness(new IdentityDetectorFunction(DetectionConfig.defaults(), IDLE.toMillis(), ttl)
                .withBurstMinRps(0.01));
    }

    private static KeyedBroadcastOperatorTestHarness<String, MeshEvent, Control, Decision> newHarness()
            throws Exception {
        return newHarness(Duration.ofHours(1));
    }

    private int numKeyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private List<StreamRecord<IntervalSummary>> summaryRecords() {
        Queue<StreamRecord<IntervalSummary>> records = harness.getSideOutput(IdentityDetectorFunction.SUMMARIES);
        return records == null ? List.of() : new ArrayList<>(records);
    }

    private List<IntervalSummary> summaries() {
        return summaryRecords().stream().map(StreamRecord::getValue).toList();
    }

    private List<IntervalSummary> summariesOf(String identity) {
        return summaries().stream().filter(s -> s.identity.equals(identity)).toList();
    }

    private static MeshEvent request(String identity, String segment, long t, String path, int code, int flags) {
        MeshEvent e = new MeshEvent();
        e.identity = identity;
        e.identityType = IdentityType.IP;
        e.segment = segment;
        e.timestampMillis = t;
        e.method = "GET";
        e.path = path;
        e.pathHash = io.meshguard.features.Hashing.hash64(path);
        e.pathFlags = flags;
        e.upstreamHash = 7;
        e.responseCode = code;
        e.bytesReceived = 300;
        e.bytesSent = 2_000;
        e.durationMillis = 20;
        e.userAgentClass = UserAgentClass.NORMAL.ordinal();
        return e;
    }

    private static MeshEvent request(String identity, long t, String path, int code, int flags) {
        return request(identity, SEGMENT, t, path, code, flags);
    }

    /**
     * Event time of a two-input operator is the minimum of both inputs' watermarks: the control
     * channel's must advance too (in the job it is idle or carries watermarks).
     */
    private void advanceWatermark(long t) throws Exception {
        harness.processBroadcastWatermark(t);
        harness.processWatermark(t);
    }

    private void send(MeshEvent e) throws Exception {
        harness.processElement(e, e.timestampMillis);
    }

    private void normalTraffic(String identity, long fromMillis, int seconds) throws Exception {
        for (int s = 0; s < seconds; s++) {
            long t = fromMillis + s * 1000L;
            send(request(identity, t, "/api/v1/catalog/" + (s % 3), 200, 0));
        }
    }

    /** A scanner: 20 requests per second to distinct sensitive paths, all 404. */
    private void scan(String identity, long fromMillis, int seconds) throws Exception {
        for (int i = 0; i < seconds * 20; i++) {
            long t = fromMillis + i * 50L;
            send(request(identity, t, "/.env.backup" + i, 404, PathClass.SENSITIVE));
        }
    }

    private static SegmentUpdate update(String segment, long version, SegmentMode mode, double factor) {
        SegmentThresholds t = SegmentLimits.defaults().inForce(factor);
        SegmentUpdate u = new SegmentUpdate();
        u.segment = segment;
        u.version = version;
        u.timestampMillis = version;
        u.mode = mode;
        u.previousMode = SegmentMode.NORMAL;
        u.tighteningFactor = factor;
        u.rateLimitScore = t.rateLimitScore;
        u.quarantineScore = t.quarantineScore;
        u.releaseScore = t.releaseScore;
        u.limitMultiplier = t.limitMultiplier;
        u.minLimitRps = t.minLimitRps;
        return u;
    }

    @Nested
    class Detection {
        @Test
        void scannerEscalatesWithOneDecisionPerChangeAndIncreasingVersions() throws Exception {
            harness = newHarness();
            harness.open();

            scan("ip:198.51.100.7", T0, 10);

            List<Decision> decisions = harness.extractOutputValues();
            assertThat(decisions).isNotEmpty().hasSizeLessThanOrEqualTo(2);
            assertThat(decisions.get(decisions.size() - 1).action).isEqualTo(Action.QUARANTINE);
            assertThat(decisions).allSatisfy(d -> {
                assertThat(d.identity).isEqualTo("ip:198.51.100.7");
                assertThat(d.reasons).isNotEmpty();
                assertThat(d.version).isGreaterThanOrEqualTo(d.timestampMillis);
                assertThat(d.trigger).isEqualTo(Decision.TRIGGER_SCORE);
                assertThat(d.segmentMode).isEqualTo("NORMAL");
                assertThat(d.rateLimitScore).isEqualTo(4);
            });
            for (int i = 1; i < decisions.size(); i++) {
                assertThat(decisions.get(i).version).isGreaterThan(decisions.get(i - 1).version);
            }
        }

        @Test
        void normalTrafficProducesNoDecisionAndNoSummary() throws Exception {
            harness = newHarness();
            harness.open();

            normalTraffic("user:u-1", T0, 120);
            advanceWatermark(T0 + 121_000);

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(summaries()).isEmpty();
        }

        @Test
        void withoutHistoryTheSameBurstIsJudgedAgainstThePrior() throws Exception {
            harness = newHarness();
            harness.open();

            scan("user:fresh", T0 + 60_000, 10);

            assertThat(harness.extractOutputValues().get(0).baselineKind).isEqualTo("prior");
        }
    }

    /**
     * Scores on rate_short alone against a prior of 0.5 ± 1 req/s (floors 1 and 0.5 × 0.5), never
     * warm: score = max(0, rate - 2.5). k requests at one instant of a fresh identity have rate k /
     * 3.93469, so 20 requests score 2.58: over a tightened rate-limit score of 2, under the base 4.
     */
    @Nested
    class SegmentThresholdsInForce {
        private static final int BURST = 20;

        private DetectionConfig rateOnly() {
            ScoringConfig.Builder scoring = ScoringConfig.builder()
                    .noiseGate(2)
                    .deviationCap(20)
                    .evidenceRequests(10)
                    .prior(Feature.RATE_SHORT, 0.5, 1)
                    .absoluteFloor(Feature.RATE_SHORT, 1)
                    .relativeFloor(Feature.RATE_SHORT, 0.5);
            for (Feature f : Feature.values()) {
                scoring.weight(f, f == Feature.RATE_SHORT ? 1 : 0);
            }
            return new DetectionConfig(
                    FeatureConfig.defaults(),
                    BaselineConfig.builder().sampleIntervalMillis(1000).warmupSamples(1_000_000).build(),
                    scoring.build(),
                    DecisionConfig.defaults());
        }

        private IdentityDetectorFunction function(String initialPolicy) {
            return new IdentityDetectorFunction(
                    rateOnly(), IDLE.toMillis(), Duration.ofHours(1), SegmentLimits.defaults(), initialPolicy);
        }

        private void burst(String identity, String segment, long t) throws Exception {
            for (int i = 0; i < BURST; i++) {
                send(request(identity, segment, t, "/", 200, 0));
            }
        }

        @Test
        void segmentUpdateTighteningOneSegmentLimitsTheSameTrafficOnlyThere() throws Exception {
            harness = newHarness(function(null));
            harness.open();
            // factor 0.5: rate-limit score 2, quarantine 6 (its floor), multiplier 1, minimum 0.5 req/s
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0, SegmentMode.ELEVATED, 0.5)), T0);

            burst("ip:198.51.100.1", SEGMENT, T0 + 1_000);
            burst("ip:198.51.100.2", OTHER_SEGMENT, T0 + 1_000);

            List<Decision> decisions = harness.extractOutputValues();
            assertThat(decisions).singleElement().satisfies(d -> {
                assertThat(d.identity).isEqualTo("ip:198.51.100.1");
                assertThat(d.action).isEqualTo(Action.RATE_LIMIT);
                assertThat(d.rateLimitScore).isEqualTo(2);
                assertThat(d.quarantineScore).isEqualTo(6);
                assertThat(d.releaseScore).isEqualTo(1);
                assertThat(d.segmentMode).isEqualTo("ELEVATED");
                // max(0.5, 1 × prior 0.5)
                assertThat(d.limitRps).isEqualTo(0.5);
                assertThat(d.trigger).isEqualTo(Decision.TRIGGER_SCORE);
            });
        }

        @Test
        void olderSegmentUpdatesNeverRollASegmentBack() throws Exception {
            harness = newHarness(function(null));
            harness.open();
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0 + 5, SegmentMode.ELEVATED, 0.5)), T0);
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0 + 4, SegmentMode.NORMAL, 1.0)), T0);

            burst("ip:198.51.100.1", SEGMENT, T0 + 1_000);

            assertThat(harness.extractOutputValues()).singleElement()
                    .satisfies(d -> assertThat(d.rateLimitScore).isEqualTo(2));
        }

        @Test
        void aLaterUpdateLoosensTheSegmentAgain() throws Exception {
            harness = newHarness(function(null));
            harness.open();
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0, SegmentMode.ELEVATED, 0.5)), T0);
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0 + 1, SegmentMode.NORMAL, 1.0)), T0);

            burst("ip:198.51.100.1", SEGMENT, T0 + 1_000);

            assertThat(harness.extractOutputValues()).isEmpty();
        }

        @Test
        void policyOverrideSetsTheBaseThresholdsOfItsSegment() throws Exception {
            String policy = """
                    {"version": 3, "segments": {"overrides": {"asn:64501": {"rate_limit_score": 2.0}}}}""";
            harness = newHarness(function(null));
            harness.open();
            harness.processBroadcastElement(Control.policy(policy, "test"), T0);

            burst("ip:198.51.100.1", SEGMENT, T0 + 1_000);
            burst("ip:198.51.100.2", OTHER_SEGMENT, T0 + 1_000);

            assertThat(harness.extractOutputValues()).singleElement().satisfies(d -> {
                assertThat(d.identity).isEqualTo("ip:198.51.100.1");
                assertThat(d.rateLimitScore).isEqualTo(2);
                assertThat(d.policyVersion).isEqualTo(3);
                assertThat(d.segmentMode).isEqualTo("NORMAL");
            });
        }

        @Test
        void initialPolicyAppliesUntilANewerOneArrivesAndOlderOnesAreRejected() throws Exception {
            String tight = """
                    {"version": 3, "segments": {"overrides": {"asn:64501": {"rate_limit_score": 2.0}}}}""";
            String stale = """
                    {"version": 2, "segments": {"overrides": {"asn:64501": {"rate_limit_score": 8.0}}}}""";
            String loose = """
                    {"version": 4}""";
            harness = newHarness(function(tight));
            harness.open();
            harness.processBroadcastElement(Control.policy(stale, "test"), T0);
            harness.processBroadcastElement(Control.policy("{not json", "test"), T0);
            burst("ip:198.51.100.1", SEGMENT, T0 + 1_000);
            assertThat(harness.extractOutputValues()).singleElement()
                    .satisfies(d -> assertThat(d.policyVersion).isEqualTo(3));

            harness.processBroadcastElement(Control.policy(loose, "test"), T0 + 2_000);
            burst("ip:198.51.100.3", SEGMENT, T0 + 3_000);
            assertThat(harness.extractOutputValues()).hasSize(1);
        }

        @Test
        void aSegmentUpdateWinsOverThePolicyBase() throws Exception {
            String policy = """
                    {"version": 3, "segments": {"overrides": {"asn:64501": {"rate_limit_score": 2.0}}}}""";
            harness = newHarness(function(policy));
            harness.open();
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0, SegmentMode.NORMAL, 1.0)), T0);

            burst("ip:198.51.100.1", SEGMENT, T0 + 1_000);

            assertThat(harness.extractOutputValues()).isEmpty();
        }

        @Test
        void segmentThresholdsAndPolicySurviveSnapshotAndRestore() throws Exception {
            String policy = """
                    {"version": 5}""";
            harness = newHarness(function(null));
            harness.open();
            harness.processBroadcastElement(Control.policy(policy, "test"), T0);
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0, SegmentMode.CLAMPED, 0.5)), T0);
            send(request("ip:198.51.100.1", SEGMENT, T0 + 500, "/", 200, 0));
            OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 500);
            harness.close();

            harness = newHarness(function(null));
            harness.initializeState(snapshot);
            harness.open();
            burst("ip:198.51.100.1", SEGMENT, T0 + 1_000);
            burst("ip:198.51.100.2", OTHER_SEGMENT, T0 + 1_000);

            assertThat(harness.extractOutputValues()).singleElement().satisfies(d -> {
                assertThat(d.identity).isEqualTo("ip:198.51.100.1");
                assertThat(d.rateLimitScore).isEqualTo(2);
                assertThat(d.segmentMode).isEqualTo("CLAMPED");
                assertThat(d.policyVersion).isEqualTo(5);
            });
            // the identity's state came back too: 1 + 20 requests, first seen before the snapshot
            assertThat(numKeyedStateEntries()).isEqualTo(2);
        }
    }

    @Nested
    class Summaries {
        /** 5 requests per second to new failing paths: a slow scanner, far below any rate limit. */
        private void slowScan(String identity, long fromMillis, int seconds) throws Exception {
            int n = 0;
            for (int s = 0; s < seconds; s++) {
                for (int i = 0; i < 5; i++) {
                    long t = fromMillis + s * 1000L + i * 200L;
                    send(request(identity, t, "/wp-content/plugins/p" + n++ + "/readme.txt", 404, 0));
                }
            }
        }

        @Test
        void scannerYieldsSummariesWithCountsAndThresholdsWhileSteadyTrafficYieldsNone() throws Exception {
            harness = newHarness();
            harness.open();
            harness.processBroadcastElement(Control.segmentUpdate(update(SEGMENT, T0, SegmentMode.ELEVATED, 0.8)), T0);

            normalTraffic("user:steady", T0, 10);
            slowScan("ip:203.0.113.50", T0, 6);
            advanceWatermark(T0 + 6_000);

            assertThat(summariesOf("user:steady")).isEmpty();
            List<IntervalSummary> scans = summariesOf("ip:203.0.113.50");
            // 5 req/s is over the tightened limit of max(0.8, 1.6 × prior 1 req/s) = 1.6 req/s in every
            // second; the first 8 distinct paths are the new-path grace: second 0 has none, second 1 two
            assertThat(scans).extracting(s -> s.intervalStartMillis - T0)
                    .containsExactly(0L, 1_000L, 2_000L, 3_000L, 4_000L, 5_000L);
            assertThat(scans).extracting(s -> s.newPaths).containsExactly(0, 2, 5, 5, 5, 5);
            double limit = SegmentLimits.defaults().inForce(0.8).limitRps(1.0);
            assertThat(scans).allSatisfy(s -> {
                assertThat(s.identityType).isEqualTo(IdentityType.IP);
                assertThat(s.segment).isEqualTo(SEGMENT);
                assertThat(s.intervalMillis).isEqualTo(1_000);
                assertThat(s.requests).isEqualTo(5);
                assertThat(s.errors4xx).isEqualTo(5);
                assertThat(s.notFoundOrForbidden).isEqualTo(5);
                assertThat(s.sensitiveHits).isZero();
                assertThat(s.distinctUpstreams).isEqualTo(1);
                assertThat(s.rateLimitRps).isEqualTo(limit);
                assertThat(s.segmentMode).isEqualTo("elevated");
                assertThat(s.policyVersion).isZero();
            });
        }

        @Test
        void summariesLeaveFromTimersAtTheirIntervalsEnds() throws Exception {
            harness = newHarness();
            harness.open();

            slowScan("ip:203.0.113.50", T0, 3);
            // 5 req/s is over the limit of 2 × prior 1 req/s in every second
            assertThat(summaryRecords()).isEmpty();
            assertThat(harness.numEventTimeTimers()).isEqualTo(4); // cleanup + one per interesting interval

            advanceWatermark(T0 + 999);
            assertThat(summaryRecords()).isEmpty();
            advanceWatermark(T0 + 1_000);
            assertThat(summaryRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().intervalStartMillis).isEqualTo(T0);
                assertThat(r.getTimestamp()).isEqualTo(T0 + 1_000);
            });
            advanceWatermark(T0 + 3_000);

            List<StreamRecord<IntervalSummary>> records = summaryRecords();
            assertThat(records).extracting(r -> r.getValue().intervalStartMillis - T0)
                    .containsExactly(0L, 1_000L, 2_000L);
            assertThat(records).extracting(r -> r.getTimestamp() - T0).containsExactly(1_000L, 2_000L, 3_000L);
            assertThat(records).extracting(r -> r.getValue().requests).containsOnly(5);
            assertThat(harness.numEventTimeTimers()).isEqualTo(1); // only the cleanup timer is left
        }

        @Test
        void withEventTimeStalledTheRingGrowsToItsCapThenARequestClosesTheOldestAndHoldsTheRest()
                throws Exception {
            harness = newHarness();
            harness.open();

            slowScan("ip:203.0.113.50", T0, 13);
            // the ring holds 3 intervals, 12 at most: the first request of second 12 closes second 0,
            // stamped with its time; the others wait for the end of second 12, so that none leaves
            // with an earlier stamp
            assertThat(summaryRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().intervalStartMillis).isEqualTo(T0);
                assertThat(r.getTimestamp()).isEqualTo(T0 + 12_000);
            });
            assertThat(harness.numEventTimeTimers()).isEqualTo(2); // cleanup + the held summaries

            advanceWatermark(T0 + 12_999);
            assertThat(summaryRecords()).hasSize(1);
            advanceWatermark(T0 + 13_000);

            List<StreamRecord<IntervalSummary>> records = summaryRecords();
            assertThat(records).extracting(r -> (r.getValue().intervalStartMillis - T0) / 1_000)
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(records.stream().map(StreamRecord::getTimestamp).toList()).isSorted();
            assertThat(records.get(12).getTimestamp()).isEqualTo(T0 + 13_000);
            assertThat(records).extracting(r -> r.getValue().requests).containsOnly(5);
            assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        }

        @Test
        void shuffledArrivalYieldsExactPerSecondCountsInTimeOrderAndNeverLateForCep() throws Exception {
            harness = newHarness();
            harness.open();
            String[] bursters = {"ip:203.0.113.61", "ip:203.0.113.62"};
            // 40 req/s for 6 s each, every request delayed by up to the 2 s out-of-orderness
            java.util.Random random = new java.util.Random(7);
            List<long[]> arrivals = new ArrayList<>(); // {arrival, event time, burster}
            for (int b = 0; b < bursters.length; b++) {
                for (int i = 0; i < 240; i++) {
                    long t = T0 + b * 500L + i * 25L;
                    arrivals.add(new long[] {t + random.nextInt(2_000), t, b});
                }
            }
            arrivals.sort(java.util.Comparator.comparingLong(a -> a[0]));

            long newest = Long.MIN_VALUE;
            long watermark = Long.MIN_VALUE;
            int seen = 0;
            for (long[] a : arrivals) {
                send(request(bursters[(int) a[2]], a[1], "/api/v1/products/" + (a[1] % 7), 200, 0));
                List<StreamRecord<IntervalSummary>> records = summaryRecords();
                for (StreamRecord<IntervalSummary> r : records.subList(seen, records.size())) {
                    assertThat(r.getTimestamp()).as("stamp above the watermark CEP saw").isGreaterThan(watermark);
                }
                seen = records.size();
                newest = Math.max(newest, a[1]);
                // as the job's bounded-out-of-orderness watermark, in steps
                if (newest - 2_001 >= watermark + 300) {
                    watermark = newest - 2_001;
                    advanceWatermark(watermark);
                    seen = summaryRecords().size();
                }
            }
            advanceWatermark(T0 + 10_000);

            // the second burst starts half-way into a second: its first and last intervals are halves
            assertThat(countsBySecond(bursters[0])).containsExactly(40, 40, 40, 40, 40, 40);
            assertThat(countsBySecond(bursters[1])).containsExactly(20, 40, 40, 40, 40, 40, 20);
            assertThat(harness.numEventTimeTimers()).isEqualTo(2); // the cleanup timers
        }

        /**
         * One identity's summaries in the order they left: their request counts, after checking
         * that they cover consecutive seconds from T0 and carry non-decreasing stamps.
         */
        private List<Integer> countsBySecond(String identity) {
            List<StreamRecord<IntervalSummary>> records = summaryRecords().stream()
                    .filter(r -> r.getValue().identity.equals(identity)).toList();
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).getValue().intervalStartMillis).as(identity).isEqualTo(T0 + i * 1_000L);
            }
            assertThat(records.stream().map(StreamRecord::getTimestamp).toList()).as(identity).isSorted();
            return records.stream().map(r -> r.getValue().requests).toList();
        }

        @Test
        void aRequestLateForItsIntervalNeitherReopensItNorSetsATimer() throws Exception {
            harness = newHarness();
            harness.open();
            send(request("user:curious", T0 + 100, "/.git/config", 404, PathClass.SENSITIVE));
            advanceWatermark(T0 + 3_000);
            assertThat(summaries()).hasSize(1);

            send(request("user:curious", T0 + 900, "/.env", 404, PathClass.SENSITIVE));
            advanceWatermark(T0 + 10_000);

            assertThat(summaries()).hasSize(1);
            assertThat(harness.numEventTimeTimers()).isEqualTo(1); // the cleanup timer
        }

        @Test
        void outOfOrdernessSizesTheRing() throws Exception {
            harness = newHarness(new IdentityDetectorFunction(DetectionConfig.defaults(), IDLE.toMillis(),
                    Duration.ofHours(1)).withBurstMinRps(0.01).withOutOfOrderness(Duration.ZERO));
            harness.open();

            slowScan("ip:203.0.113.50", T0, 5);

            // a ring of 1 interval, 4 at most: the first request of second 4 closes second 0
            assertThat(summaryRecords()).singleElement().satisfies(r -> {
                assertThat(r.getValue().intervalStartMillis).isEqualTo(T0);
                assertThat(r.getTimestamp()).isEqualTo(T0 + 4_000);
            });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IdentityDetectorFunction(
                            DetectionConfig.defaults(), IDLE.toMillis(), Duration.ZERO)
                            .withOutOfOrderness(Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void sensitiveHitsMakeAnIntervalInteresting() throws Exception {
            harness = newHarness();
            harness.open();
            send(request("user:curious", T0 + 100, "/.git/config", 404, PathClass.SENSITIVE));
            advanceWatermark(T0 + 1_000);

            assertThat(summaries()).singleElement().satisfies(s -> {
                assertThat(s.sensitiveHits).isEqualTo(1);
                assertThat(s.newPaths).isZero(); // within the grace
                assertThat(s.notFoundOrForbidden).isEqualTo(1);
            });
        }
    }

    @Nested
    class Cleanup {
        @Test
        void idleIdentitiesAreEvictedWithTheirTimers() throws Exception {
            harness = newHarness();
            harness.open();
            normalTraffic("user:a", T0, 10);
            normalTraffic("user:b", T0, 10);
            scan("ip:203.0.113.9", T0, 5);
            assertThat(numKeyedStateEntries()).isEqualTo(3);
            assertThat(harness.numEventTimeTimers()).isGreaterThan(3); // summary timers of the scanner

            advanceWatermark(T0 + 10_000 + IDLE.toMillis() + 1);

            assertThat(numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
            assertThat(summariesOf("ip:203.0.113.9")).hasSize(5);
        }

        @Test
        void idleIdentitiesAreEvictedWithoutTheTtlBackstop() throws Exception {
            harness = newHarness(Duration.ZERO);
            harness.open();
            normalTraffic("user:a", T0, 10);
            scan("ip:203.0.113.9", T0, 5);
            assertThat(numKeyedStateEntries()).isEqualTo(2);
            assertThat(harness.extractOutputValues()).isNotEmpty();

            advanceWatermark(T0 + 10_000 + IDLE.toMillis() + 1);

            assertThat(numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }

        @Test
        void activeIdentityKeepsExactlyOnePendingTimer() throws Exception {
            harness = newHarness();
            harness.open();

            normalTraffic("user:a", T0, 300);
            advanceWatermark(T0 + IDLE.toMillis() + 1);

            assertThat(harness.numEventTimeTimers()).isEqualTo(1);
            assertThat(numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Nested
    class SnapshotAndRestore {
        @Test
        void identityBaselineSurvivesSnapshotAndRestore() throws Exception {
            harness = newHarness();
            harness.open();
            normalTraffic("user:steady", T0, 60);
            OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 60_000);
            harness.close();

            harness = newHarness();
            harness.initializeState(snapshot);
            harness.open();
            scan("user:steady", T0 + 60_000, 10);

            List<Decision> decisions = harness.extractOutputValues();
            assertThat(decisions).isNotEmpty();
            // Judged against the history it had before the restore, not the cold-start prior.
            assertThat(decisions.get(0).baselineKind).isEqualTo("own");
        }

        @Test
        void openIntervalAndItsTimerSurviveSnapshotAndRestore() throws Exception {
            harness = newHarness();
            harness.open();
            scan("ip:203.0.113.9", T0, 1); // 20 new sensitive paths in [T0, T0 + 1 s)
            OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 999);
            harness.close();

            harness = newHarness();
            harness.initializeState(snapshot);
            harness.open();
            advanceWatermark(T0 + 1_000);

            assertThat(summaries()).singleElement().satisfies(s -> {
                assertThat(s.requests).isEqualTo(20);
                assertThat(s.sensitiveHits).isEqualTo(20);
                assertThat(s.newPaths).isEqualTo(12);
            });
        }

        @Test
        void peerBaselinesSurviveSnapshotAndRestore() throws Exception {
            harness = newHarness();
            harness.open();
            // 80 established users in one segment: enough history for a peer distribution.
            for (int s = 0; s < 40; s++) {
                for (int u = 0; u < 80; u++) {
                    long t = T0 + s * 1000L + u;
                    send(request("ip:198.51.100." + u, t, "/api/v1/catalog/" + (s % 3), 200, 0));
                }
            }
            OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 40_000);
            harness.close();

            harness = newHarness();
            harness.initializeState(snapshot);
            harness.open();
            scan("ip:203.0.113.77", T0 + 40_000, 10);

            List<Decision> decisions = harness.extractOutputValues();
            assertThat(decisions).isNotEmpty();
            // A newcomer is judged against the restored peers of its segment, not the cold-start prior.
            assertThat(decisions.get(0).baselineKind).isEqualTo("segment-peers");
        }
    }

    @Test
    void eventStateAndControlTypesAreSerializedAsPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(IdentityState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(MeshEvent.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Decision.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(DeadLetter.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RawTelemetry.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(IntervalSummary.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(IdentityDetectorFunction.SegmentInForce.class);
    }

    @Test
    void idleTimeoutShorterThanAnIntervalIsRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IdentityDetectorFunction(
                        DetectionConfig.defaults(), 999, Duration.ZERO, SegmentLimits.defaults(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ThresholdBounds.defaults()).isNotNull();
    }
}
