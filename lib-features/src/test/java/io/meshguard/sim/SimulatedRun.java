package io.meshguard.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A whole simulated run, parsed, with its labels; the default 60 s run is built once per JVM. */
final class SimulatedRun {
    private static SimulatedRun sixtySeconds;

    final SimulationConfig config;
    final TrafficSimulator simulator;
    final List<SimulatedLine> lines;
    final Map<String, GroundTruthLabel> labels;

    private SimulatedRun(SimulationConfig config) {
        this.config = config;
        this.simulator = new TrafficSimulator(config);
        Map<String, String> intern = new HashMap<>();
        List<SimulatedLine> parsed = new ArrayList<>();
        for (long tick = 0; tick < simulator.tickCount(); tick++) {
            simulator.generateTick(tick, (line, time, scenario, attack) ->
                    parsed.add(SimulatedLine.parse(line, time, scenario, attack, intern)));
        }
        this.lines = List.copyOf(parsed);
        Map<String, GroundTruthLabel> byIdentity = new HashMap<>();
        for (GroundTruthLabel label : simulator.labels()) {
            byIdentity.put(label.identity(), label);
        }
        this.labels = byIdentity;
    }

    /** The default configuration over 60 s: the shortest run that must contain every scenario. */
    static synchronized SimulatedRun sixtySeconds() {
        if (sixtySeconds == null) {
            sixtySeconds = of(SimulationConfig.builder().durationSeconds(60).build());
        }
        return sixtySeconds;
    }

    static SimulatedRun of(SimulationConfig config) {
        return new SimulatedRun(config);
    }

    GroundTruthLabel labelOf(SimulatedLine line) {
        return labels.get(line.identity());
    }

    List<SimulatedLine> linesOf(Scenario scenario) {
        return select(l -> l.scenario() == scenario);
    }

    List<SimulatedLine> select(Predicate<SimulatedLine> filter) {
        return lines.stream().filter(filter).collect(Collectors.toList());
    }

    Map<String, List<SimulatedLine>> byIdentity(List<SimulatedLine> selected) {
        return selected.stream().collect(Collectors.groupingBy(SimulatedLine::identity));
    }

    List<GroundTruthLabel> labelsOf(Scenario scenario) {
        return simulator.labels().stream().filter(l -> l.scenario() == scenario).collect(Collectors.toList());
    }

    ScenarioWindow window(Scenario scenario) {
        return simulator.window(scenario).orElseThrow();
    }

    long start() {
        return config.startEpochMillis();
    }
}
