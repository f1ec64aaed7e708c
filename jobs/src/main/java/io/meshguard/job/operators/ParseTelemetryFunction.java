package io.meshguard.job.operators;

import io.meshguard.model.DeadLetter;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import io.meshguard.parse.DecodeResult;
import io.meshguard.parse.DecoderConfig;
import io.meshguard.parse.TelemetryDecoder;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw telemetry into resolved {@link MeshEvent}s. Anything unusable goes to the dead-letter
 * side output with its reason; nothing thrown here can fail the job.
 */
public class ParseTelemetryFunction extends ProcessFunction<RawTelemetry, MeshEvent> {
    private static final long serialVersionUID = 1L;

    private final DecoderConfig config;
    private final OutputTag<DeadLetter> deadLetters;

    private transient TelemetryDecoder decoder;
    private transient Counter eventsIn;
    private transient Counter deadLetterCount;

    public ParseTelemetryFunction(DecoderConfig config, OutputTag<DeadLetter> deadLetters) {
        this.config = config;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new TelemetryDecoder(config);
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup("meshguard");
        eventsIn = metrics.counter("eventsIn");
        deadLetterCount = metrics.counter("deadLetters");
    }

    @Override
    public void processElement(RawTelemetry raw, Context ctx, Collector<MeshEvent> out) {
        eventsIn.inc();
        String reason;
        try {
            DecodeResult result = decoder.decode(raw.line);
            if (result.isOk()) {
                out.collect(result.event());
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
}
