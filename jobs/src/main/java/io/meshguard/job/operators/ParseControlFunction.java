package io.meshguard.job.operators;

import io.meshguard.control.Control;
import io.meshguard.control.ControlLines;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.RawTelemetry;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reads control lines into {@link Control} messages. A line that cannot be a control message goes
 * to the dead-letter output with its reason; a policy document is passed on even when invalid, so
 * the policy gate can reject it in the audit output.
 */
public class ParseControlFunction extends ProcessFunction<RawTelemetry, Control> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;

    public ParseControlFunction(OutputTag<DeadLetter> deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void processElement(RawTelemetry raw, Context ctx, Collector<Control> out) {
        try {
            Control control = ControlLines.parse(raw.line, raw.origin);
            if (control != null) {
                out.collect(control);
            }
        } catch (IllegalArgumentException e) {
            ctx.output(deadLetters, new DeadLetter(
                    raw.line == null ? "" : raw.line, "control: " + e.getMessage(), raw.origin,
                    System.currentTimeMillis()));
        }
    }
}
