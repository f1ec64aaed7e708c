package io.meshguard.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Deterministic mesh traffic with labelled attacks, as Envoy JSON access-log lines.
 *
 * <p>A run is cut into ticks of {@link SimulationConfig#tickMillis()} event time. The lines of a
 * tick are a pure function of the configuration and the tick index, so readers may split ticks
 * among themselves, generate them in any order, and resume from a checkpointed tick index. Within
 * a tick, lines come in completion order, so start times may be out of order by up to
 * {@value TickContext#MAX_FLUSH_DELAY_MILLIS} ms; ticks themselves never overlap.
 *
 * <p>Construction builds the population (cheap: milliseconds); instances are immutable and
 * {@link #generateTick} is safe to call from several threads.
 */
public final class TrafficSimulator {
    private static final long TICK_DOMAIN = 0x71C4L;
    private static final long POPULATION_DOMAIN = 0x9090L;

    private final SimulationConfig config;
    private final long tickCount;
    private final long tickSeed;
    private final Map<Scenario, ScenarioWindow> windows = new EnumMap<>(Scenario.class);
    private final List<TrafficSource> sources = new ArrayList<>();
    private final List<GroundTruthLabel> labels;

    public TrafficSimulator(SimulationConfig config) {
        this.config = config;
        this.tickCount = config.tickCount();
        this.tickSeed = SimRandom.hash(config.seed(), TICK_DOMAIN);
        for (Scenario s : Scenario.values()) {
            if (s != Scenario.LEGIT && config.enabled(s)) {
                windows.put(s, ScenarioWindow.of(s, config.startEpochMillis(), config.durationMillis()));
            }
        }
        long populationSeed = SimRandom.hash(config.seed(), POPULATION_DOMAIN);
        // Each source draws from its own stream, so tuning one scenario leaves the others unchanged.
        AddressPlan addresses = new AddressPlan();
        sources.add(new LegitPopulation(config, addresses, SimRandom.stream(populationSeed, 1)));
        if (windows.containsKey(Scenario.FLASH_CROWD)) {
            sources.add(new FlashCrowd(config, windows.get(Scenario.FLASH_CROWD), addresses,
                    SimRandom.stream(populationSeed, 2)));
        }
        if (windows.containsKey(Scenario.SIGNUP_FLOOD)) {
            sources.add(new SignupFlood(config, windows.get(Scenario.SIGNUP_FLOOD), addresses,
                    SimRandom.stream(populationSeed, 3)));
        }
        if (windows.containsKey(Scenario.PATH_SCANNER)) {
            sources.add(new PathScanner(config, windows.get(Scenario.PATH_SCANNER), addresses,
                    SimRandom.stream(populationSeed, 4)));
        }
        if (windows.containsKey(Scenario.CREDENTIAL_STUFFING)) {
            sources.add(new CredentialStuffing(config, windows.get(Scenario.CREDENTIAL_STUFFING), addresses,
                    SimRandom.stream(populationSeed, 5)));
        }
        if (windows.containsKey(Scenario.COMPROMISED_WORKLOAD)) {
            sources.add(new CompromisedWorkload(config, windows.get(Scenario.COMPROMISED_WORKLOAD)));
        }
        if (windows.containsKey(Scenario.LOW_AND_SLOW_SIGNUPS)) {
            // Last, and with its own address slot and stream, so enabling it leaves every other source as it was.
            sources.add(new LowAndSlowSignups(config, windows.get(Scenario.LOW_AND_SLOW_SIGNUPS), addresses,
                    SimRandom.stream(populationSeed, 6)));
        }
        List<GroundTruthLabel> all = new ArrayList<>();
        for (TrafficSource s : sources) {
            all.addAll(s.labels());
        }
        this.labels = List.copyOf(all);
    }

    public SimulationConfig config() {
        return config;
    }

    /** Number of ticks in the run; valid tick indexes are {@code 0 .. tickCount() - 1}. */
    public long tickCount() {
        return tickCount;
    }

    /** Event time at which a tick starts. */
    public long tickStartMillis(long tick) {
        return config.startEpochMillis() + tick * config.tickMillis();
    }

    /** Event time just after a tick ends; the last tick may be shorter than the others. */
    public long tickEndMillis(long tick) {
        return Math.min(tickStartMillis(tick + 1), config.endEpochMillis());
    }

    /** Emits the lines whose start time falls in the tick. */
    public void generateTick(long tick, Consumer<String> out) {
        generateTick(tick, (line, time, scenario, attack) -> out.accept(line));
    }

    /** Emits the lines whose start time falls in the tick, with what the simulator knows about each. */
    public void generateTick(long tick, LineSink sink) {
        if (tick < 0 || tick >= tickCount) {
            throw new IndexOutOfBoundsException("tick " + tick + " outside [0, " + tickCount + ")");
        }
        TickContext ctx = new TickContext(tickStartMillis(tick), tickEndMillis(tick), SimRandom.hash(tickSeed, tick));
        for (TrafficSource source : sources) {
            source.generate(ctx);
        }
        ctx.drainTo(sink);
    }

    /** Ground truth for every identity of the run: the whole legitimate population and every attacker. */
    public List<GroundTruthLabel> labels() {
        return labels;
    }

    /** Windows of the enabled scenarios, in declaration order of {@link Scenario}. */
    public List<ScenarioWindow> scenarioWindows() {
        return List.copyOf(windows.values());
    }

    public Optional<ScenarioWindow> window(Scenario scenario) {
        return Optional.ofNullable(windows.get(scenario));
    }
}
