package io.meshguard.job.sinks;

import java.io.Serializable;

/**
 * Turns one element into one output line, without a line terminator.
 *
 * <p>Serializable because it travels inside the sink to the task managers; static method references
 * such as {@code DecisionJson::decisionLine} qualify.
 */
@FunctionalInterface
public interface LineFormatter<T> extends Serializable {
    /** The line for {@code element}, or {@code null} to write nothing for it. */
    String format(T element);
}
