package io.meshguard.job.sources;

import io.meshguard.control.Control;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time for the control channel: none. Control messages are broadcast into operators that
 * also read telemetry, and an operator's event time is the minimum over its inputs; a control
 * channel that is quiet for hours must not stop identities and segments from ageing. Its
 * watermark therefore stands at the end of time from the start, and the telemetry alone drives
 * event time. (Control messages carry their own times where they need one: a policy's expiries,
 * a report's timestamp.)
 */
public final class ControlWatermarks {
    private ControlWatermarks() {}

    public static WatermarkStrategy<Control> neverHoldBack() {
        return context -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(Control event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        };
    }
}
