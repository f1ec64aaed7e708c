package io.meshguard.sim;

/** The event-time interval {@code [startMillis, endMillis)} in which a scenario is active in a run. */
public record ScenarioWindow(Scenario scenario, long startMillis, long endMillis) {

    public ScenarioWindow {
        if (endMillis <= startMillis) {
            throw new IllegalArgumentException("empty window for " + scenario);
        }
    }

    /** Places the scenario's fractions on a run of the given start and duration. */
    static ScenarioWindow of(Scenario scenario, long runStartMillis, long runDurationMillis) {
        long start = runStartMillis + Math.round(scenario.startFraction() * runDurationMillis);
        long end = runStartMillis + Math.round(scenario.endFraction() * runDurationMillis);
        return new ScenarioWindow(scenario, start, end);
    }

    public boolean contains(long epochMillis) {
        return epochMillis >= startMillis && epochMillis < endMillis;
    }

    public long durationMillis() {
        return endMillis - startMillis;
    }
}
