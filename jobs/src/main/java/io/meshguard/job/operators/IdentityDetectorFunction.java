package io.meshguard.job.operators;

import io.meshguard.baseline.PeerBaselines;
import io.meshguard.detect.DetectionConfig;
import io.meshguard.detect.IdentityDetector;
import io.meshguard.detect.IdentityState;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.MeshEvent;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by identity: holds each identity's {@link IdentityState} and runs the plain-Java {@link
 * IdentityDetector} on every request. Idle identities are evicted by an event-time timer (one
 * pending timer per identity), with a processing-time state TTL as a safety net for when event
 * time stalls. Peer baselines live in operator state: each parallel instance sees a
 * hash-partitioned sample of every segment.
 */
public class IdentityDetectorFunction extends KeyedProcessFunction<String, MeshEvent, Decision>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    static final String STATE_NAME = "identity-state";
    static final String PEER_STATE_NAME = "peer-baselines";
    static final String TRACKED_STATE_NAME = "tracked-identities";

    private final DetectionConfig config;
    private final long idleTimeoutMillis;
    private final Duration stateTtl;

    private transient ValueState<IdentityState> identityState;
    private transient ListState<byte[]> peerState;
    private transient ListState<Long> trackedState;
    private transient PeerBaselines peers;
    private transient IdentityDetector detector;
    private transient long trackedIdentities;
    private transient Map<Action, Counter> decisionCounters;

    /**
     * @param idleTimeoutMillis event time without requests after which an identity is forgotten
     * @param stateTtl processing-time TTL of identity state, a backstop longer than the idle timeout
     */
    public IdentityDetectorFunction(DetectionConfig config, long idleTimeoutMillis, Duration stateTtl) {
        this.config = config;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.stateTtl = stateTtl;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        peerState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>(PEER_STATE_NAME, byte[].class));
        trackedState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>(TRACKED_STATE_NAME, Long.class));
        peers = new PeerBaselines(config.baseline);
        trackedIdentities = 0;
        if (context.isRestored()) {
            for (byte[] bytes : peerState.get()) {
                peers.absorb(PeerBaselines.fromBytes(bytes));
            }
            for (Long count : trackedState.get()) {
                trackedIdentities += count;
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        peerState.update(java.util.List.of(peers.toBytes()));
        trackedState.update(java.util.List.of(trackedIdentities));
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<IdentityState> descriptor =
                new ValueStateDescriptor<>(STATE_NAME, IdentityState.class);
        // Timers evict idle identities; the TTL only catches what they miss (event time stalled),
        // so it is cleaned lazily on snapshots and compaction. Incremental cleanup would scan
        // state entries on every access and cost more than the detection itself. A zero TTL turns
        // the backstop off, which saves a wrapper allocation per request.
        if (!stateTtl.isZero()) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(stateTtl)
                    .updateTtlOnCreateAndWrite()
                    .neverReturnExpired()
                    .disableCleanupInBackground()
                    .cleanupFullSnapshot()
                    .cleanupInRocksdbCompactFilter(1000)
                    .build());
        }
        identityState = getRuntimeContext().getState(descriptor);
        detector = new IdentityDetector(config, peers);

        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("meshguard");
        metrics.gauge("trackedIdentities", () -> trackedIdentities);
        metrics.gauge("peerSegments", () -> peers.segmentCount());
        decisionCounters = new EnumMap<>(Action.class);
        decisionCounters.put(Action.ALLOW, metrics.counter("decisionsAllow"));
        decisionCounters.put(Action.RATE_LIMIT, metrics.counter("decisionsRateLimit"));
        decisionCounters.put(Action.QUARANTINE, metrics.counter("decisionsQuarantine"));
    }

    @Override
    public void processElement(MeshEvent event, Context ctx, Collector<Decision> out) throws Exception {
        IdentityState state = identityState.value();
        if (state == null) {
            state = new IdentityState();
            trackedIdentities++;
        }
        Decision decision = detector.onEvent(ctx.getCurrentKey(), state, event);
        if (state.cleanupTimerMillis == 0) {
            state.cleanupTimerMillis = state.lastSeenMillis() + idleTimeoutMillis;
            ctx.timerService().registerEventTimeTimer(state.cleanupTimerMillis);
        }
        identityState.update(state);
        if (decision != null) {
            decisionCounters.get(decision.action).inc();
            out.collect(decision);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out) throws Exception {
        IdentityState state = identityState.value();
        if (state == null) {
            // Already removed by the TTL backstop.
            trackedIdentities = Math.max(0, trackedIdentities - 1);
            return;
        }
        long evictAt = state.lastSeenMillis() + idleTimeoutMillis;
        if (timestamp >= evictAt) {
            identityState.clear();
            trackedIdentities = Math.max(0, trackedIdentities - 1);
        } else {
            // Seen since the timer was set: one timer per identity, pushed forward lazily.
            state.cleanupTimerMillis = evictAt;
            ctx.timerService().registerEventTimeTimer(evictAt);
            identityState.update(state);
        }
    }
}
