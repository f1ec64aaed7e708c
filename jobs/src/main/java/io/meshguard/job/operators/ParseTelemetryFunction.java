package io.meshguard.job.operators;

import io.meshguard.control.Control;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import io.meshguard.parse.DecodeResult;
import io.meshguard.parse.DecoderConfig;
import io.meshguard.parse.TelemetryDecoder;
import io.meshguard.policy.Policy;
import io.meshguard.policy.PolicyHistory;
import io.meshguard.segment.SegmentLimits;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw telemetry into resolved {@link MeshEvent}s. Anything unusable goes to the dead-letter
 * side output with its reason; nothing thrown here can fail the job. A policy on the control
 * channel that sets the segmentation re-segments the events decoded after it.
 */
public class ParseTelemetryFunction extends BroadcastProcessFunction<RawTelemetry, Control, MeshEvent> {
    private static final long serialVersionUID = 1L;

    private final DecoderConfig config;
    private final OutputTag<DeadLetter> deadLetters;
    private final PolicyBroadcast policies;

    private transient TelemetryDecoder decoder;
    private transient long decoderPolicyVersion;
    private transient Counter eventsIn;
    private transient Counter deadLetterCount;

    public ParseTelemetryFunction(DecoderConfig config, OutputTag<DeadLetter> deadLetters) {
        this(config, deadLetters, SegmentLimits.defaults(), null);
    }

    /**
     * @param limits base thresholds and bounds policies are validated against (as everywhere else)
     * @param initialPolicyJson policy in force until the control channel brings a newer one; null
     *     for the built-in defaults
     */
    public ParseTelemetryFunction(
            DecoderConfig config, OutputTag<DeadLetter> deadLetters, SegmentLimits limits, String initialPolicyJson) {
        this.config = config;
        this.deadLetters = deadLetters;
        this.policies = new PolicyBroadcast(limits, initialPolicyJson);
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = null;
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("meshguard");
        eventsIn = metrics.counter("eventsIn");
        deadLetterCount = metrics.counter("deadLetters");
    }

    @Override
    public void processElement(RawTelemetry raw, ReadOnlyContext ctx, Collector<MeshEvent> out) throws Exception {
        eventsIn.inc();
        ensureDecoder(ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR));
        String reason;
        try {
            DecodeResult result = decoder.decode(raw.line);
            if (result.isOk()) {
                MeshEvent event = result.event();
                event.arrivalMillis = System.currentTimeMillis();
                out.collect(event);
                return;
            }
            reason = result.error();
        } catch (RuntimeException e) {
            // The decoder is not supposed to throw; if it does, the record is still not lost.
            reason = "internal decoding error: " + e;
        }
        deadLetterCount.inc();
        ctx.output(deadLetters, new DeadLetter(
                raw.line == null ? "" : raw.line, reason, raw.origin, System.currentTimeMillis()));
    }

    @Override
    public void processBroadcastElement(Control control, Context ctx, Collector<MeshEvent> out) throws Exception {
        if (control.kind != Control.Kind.POLICY) {
            return;
        }
        BroadcastState<String, String> state = ctx.getBroadcastState(PolicyBroadcast.DESCRIPTOR);
        PolicyHistory.Verdict verdict = policies.offer(state, control.policyJson);
        if (verdict.accepted) {
            decoder = null;
        }
    }

    private void ensureDecoder(ReadOnlyBroadcastState<String, String> state) throws Exception {
        Policy policy = policies.current(state);
        long version = policy == null ? 0 : policy.version();
        if (decoder != null && version == decoderPolicyVersion) {
            return;
        }
        DecoderConfig effective = policy == null || policy.segmentSpec() == null
                ? config
                : config.withSegments(policy.segmentSpec());
        decoder = new TelemetryDecoder(effective);
        decoderPolicyVersion = version;
    }

    /** For tests: the descriptor of the policy kept in broadcast state. */
    static MapStateDescriptor<String, String> policyDescriptor() {
        return PolicyBroadcast.DESCRIPTOR;
    }
}
