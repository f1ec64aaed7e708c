package io.meshguard.job.bench;

import io.meshguard.detect.DetectionConfig;
import io.meshguard.features.Hashing;
import io.meshguard.features.UserAgentClass;
import io.meshguard.job.operators.IdentityDetectorFunction;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import java.time.Duration;
import java.util.Locale;
import io.meshguard.control.Control;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * Retained heap per tracked identity in the real keyed operator on Flink's heap state backend:
 * identity key, state object, TTL wrapper, state-map entry and the pending cleanup timer.
 */
public final class StateFootprintBenchmark {
    private StateFootprintBenchmark() {}

    public static void main(String[] args) throws Exception {
        int identities = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int eventsPerIdentity = 6;
        KeyedBroadcastOperatorTestHarness<String, MeshEvent, Control, Decision> harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new IdentityDetectorFunction(
                                        DetectionConfig.defaults(), Duration.ofMinutes(30).toMillis(), Duration.ofHours(2)),
                                IdentityDetectorFunction.BROADCAST_DESCRIPTORS),
                        e -> e.identity, Types.STRING, 1, 1, 0);
        harness.open();
        long before = usedHeapAfterGc();
        long t0 = 1_795_420_800_000L;
        for (int round = 0; round < eventsPerIdentity; round++) {
            for (int i = 0; i < identities; i++) {
                long t = t0 + round * 2_000L + (i % 1000);
                harness.processElement(event("ip:100.64." + (i >>> 8) + "." + (i & 255), t, i + round), t);
            }
        }
        harness.getOutput().clear();
        long after = usedHeapAfterGc();
        System.out.printf(Locale.ROOT,
                "tracked identities: %,d (state entries %,d, timers %,d); retained heap %.1f MiB = %,.0f bytes per identity%n",
                identities,
                ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries(),
                harness.numEventTimeTimers(),
                (after - before) / 1048576.0, (double) (after - before) / identities);
        harness.close();
    }

    private static MeshEvent event(String identity, long t, long salt) {
        MeshEvent e = new MeshEvent();
        e.identity = identity;
        e.identityType = IdentityType.IP;
        e.segment = "asn:6450" + (salt & 7);
        e.timestampMillis = t;
        e.method = "GET";
        e.path = "/api/v1/catalog/" + (salt % 5);
        e.pathHash = Hashing.hash64(e.path);
        e.upstreamHash = 17;
        e.responseCode = 200;
        e.bytesReceived = 300;
        e.bytesSent = 4000;
        e.durationMillis = 12;
        e.userAgentClass = UserAgentClass.NORMAL.ordinal();
        return e;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
