package io.meshguard.sim;

/** Receives simulated log lines with what the simulator knows about them (not part of the line). */
@FunctionalInterface
public interface LineSink {
    /**
     * @param line one Envoy JSON access-log line, without a line terminator
     * @param eventTimeMillis the line's {@code start_time}
     * @param scenario the scenario of the identity that sent the request
     * @param attack whether the request is part of an attack (its identity is an attacker and the
     *     request falls inside the attack window)
     */
    void accept(String line, long eventTimeMillis, Scenario scenario, boolean attack);
}
