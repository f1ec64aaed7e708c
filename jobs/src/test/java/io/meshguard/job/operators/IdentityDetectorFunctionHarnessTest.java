package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.detect.DetectionConfig;
import io.meshguard.detect.IdentityState;
import io.meshguard.features.PathClass;
import io.meshguard.features.UserAgentClass;
import io.meshguard.model.Action;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Harness tests of the keyed detector: decisions on change only, cleanup, snapshot and restore. */
class IdentityDetectorFunctionHarnessTest {
    private static final long T0 = 1_790_000_000_000L;
    private static final Duration IDLE = Duration.ofMinutes(2);

    private KeyedOneInputStreamOperatorTestHarness<String, MeshEvent, Decision> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MeshEvent, Decision> newHarness()
            throws Exception {
        return newHarness(Duration.ofHours(1));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MeshEvent, Decision> newHarness(Duration ttl)
            throws Exception {
        IdentityDetectorFunction function =
                new IdentityDetectorFunction(DetectionConfig.defaults(), IDLE.toMillis(), ttl);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), e -> e.identity, Types.STRING);
    }

    private static MeshEvent request(String identity, long t, String path, int code, int flags) {
        MeshEvent e = new MeshEvent();
        e.identity = identity;
        e.identityType = IdentityType.IP;
        e.segment = "asn:64501";
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

    private void normalTraffic(String identity, long fromMillis, int seconds) throws Exception {
        for (int s = 0; s < seconds; s++) {
            long t = fromMillis + s * 1000L;
            harness.processElement(request(identity, t, "/api/v1/catalog/" + (s % 3), 200, 0), t);
        }
    }

    /** A scanner: 20 requests per second to distinct sensitive paths, all 404. */
    private void scan(String identity, long fromMillis, int seconds) throws Exception {
        for (int i = 0; i < seconds * 20; i++) {
            long t = fromMillis + i * 50L;
            harness.processElement(request(identity, t, "/.env.backup" + i, 404, PathClass.SENSITIVE), t);
        }
    }

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
        });
        for (int i = 1; i < decisions.size(); i++) {
            assertThat(decisions.get(i).version).isGreaterThan(decisions.get(i - 1).version);
        }
    }

    @Test
    void normalTrafficProducesNoDecision() throws Exception {
        harness = newHarness();
        harness.open();

        normalTraffic("user:u-1", T0, 120);

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void idleIdentitiesAreEvictedWithTheirTimers() throws Exception {
        harness = newHarness();
        harness.open();
        normalTraffic("user:a", T0, 10);
        normalTraffic("user:b", T0, 10);
        scan("ip:203.0.113.9", T0, 5);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(3);

        harness.processWatermark(T0 + 10_000 + IDLE.toMillis() + 1);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void idleIdentitiesAreEvictedWithoutTheTtlBackstop() throws Exception {
        harness = newHarness(Duration.ZERO);
        harness.open();
        normalTraffic("user:a", T0, 10);
        scan("ip:203.0.113.9", T0, 5);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.extractOutputValues()).isNotEmpty();

        harness.processWatermark(T0 + 10_000 + IDLE.toMillis() + 1);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void activeIdentityKeepsExactlyOnePendingTimer() throws Exception {
        harness = newHarness();
        harness.open();

        normalTraffic("user:a", T0, 300);
        harness.processWatermark(T0 + IDLE.toMillis() + 1);

        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

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
    void peerBaselinesSurviveSnapshotAndRestore() throws Exception {
        harness = newHarness();
        harness.open();
        // 80 established users in one segment: enough history for a peer distribution.
        for (int s = 0; s < 40; s++) {
            for (int u = 0; u < 80; u++) {
                long t = T0 + s * 1000L + u;
                harness.processElement(request("ip:198.51.100." + u, t, "/api/v1/catalog/" + (s % 3), 200, 0), t);
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

    @Test
    void withoutHistoryTheSameBurstIsJudgedAgainstThePrior() throws Exception {
        harness = newHarness();
        harness.open();

        scan("user:fresh", T0 + 60_000, 10);

        assertThat(harness.extractOutputValues().get(0).baselineKind).isEqualTo("prior");
    }

    @Test
    void eventAndStateTypesAreSerializedAsPojosWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(IdentityState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(MeshEvent.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Decision.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(DeadLetter.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RawTelemetry.class);
    }
}
