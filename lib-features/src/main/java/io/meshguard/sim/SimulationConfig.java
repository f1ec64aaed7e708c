package io.meshguard.sim;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable settings of one simulated run. Defaults give a five-minute run of 2,000 legitimate
 * requests per second from 3,000 identities with every scenario enabled except the opt-in ones
 * ({@link Scenario#defaults()}), so adding an opt-in scenario never changes a default run; the fixed
 * start time and seed make runs reproducible. Serializable so a streaming job can ship it to its readers.
 */
public final class SimulationConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_START_EPOCH_MILLIS = Instant.parse("2026-11-23T08:00:00Z").toEpochMilli();

    private final long seed;
    private final long startEpochMillis;
    private final int durationSeconds;
    private final double eventsPerSecond;
    private final int legitIdentities;
    private final int tickMillis;
    private final int dayLengthSeconds;
    private final double dailyAmplitude;
    private final int signupFloodIps;
    private final int credentialStuffingIps;
    private final int flashCrowdUsers;
    private final double fastScannerRequestsPerSecond;
    private final double slowScannerRequestsPerSecond;
    private final double compromisedBurstFactor;
    private final double lowAndSlowArrivalsPerSecond;
    private final EnumSet<Scenario> scenarios;

    private SimulationConfig(Builder b) {
        this.seed = b.seed;
        this.startEpochMillis = b.startEpochMillis;
        this.durationSeconds = b.durationSeconds;
        this.eventsPerSecond = b.eventsPerSecond;
        this.legitIdentities = b.legitIdentities;
        this.tickMillis = b.tickMillis;
        this.dayLengthSeconds = b.dayLengthSeconds;
        this.dailyAmplitude = b.dailyAmplitude;
        this.signupFloodIps = b.signupFloodIps;
        this.credentialStuffingIps = b.credentialStuffingIps;
        this.flashCrowdUsers = b.flashCrowdUsers;
        this.fastScannerRequestsPerSecond = b.fastScannerRequestsPerSecond;
        this.slowScannerRequestsPerSecond = b.slowScannerRequestsPerSecond;
        this.compromisedBurstFactor = b.compromisedBurstFactor;
        this.lowAndSlowArrivalsPerSecond = b.lowAndSlowArrivalsPerSecond;
        this.scenarios = EnumSet.copyOf(b.scenarios);
        this.scenarios.add(Scenario.LEGIT);
        validate();
    }

    public static SimulationConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public SimulationConfig withSeed(long seed) {
        return toBuilder().seed(seed).build();
    }

    public SimulationConfig withDurationSeconds(int durationSeconds) {
        return toBuilder().durationSeconds(durationSeconds).build();
    }

    public SimulationConfig withEventsPerSecond(double eventsPerSecond) {
        return toBuilder().eventsPerSecond(eventsPerSecond).build();
    }

    public SimulationConfig withLegitIdentities(int legitIdentities) {
        return toBuilder().legitIdentities(legitIdentities).build();
    }

    public SimulationConfig withDayLengthSeconds(int dayLengthSeconds) {
        return toBuilder().dayLengthSeconds(dayLengthSeconds).build();
    }

    /** Seed of every random choice: same seed, same lines. */
    public long seed() {
        return seed;
    }

    /** Event time of the run's first instant. */
    public long startEpochMillis() {
        return startEpochMillis;
    }

    public int durationSeconds() {
        return durationSeconds;
    }

    public long durationMillis() {
        return durationSeconds * 1000L;
    }

    /** Event time just after the run's last instant. */
    public long endEpochMillis() {
        return startEpochMillis + durationMillis();
    }

    /** Baseline rate of the legitimate population (north-south and east-west), before any scenario. */
    public double eventsPerSecond() {
        return eventsPerSecond;
    }

    /** Size of the ordinary population; scenario identities come on top. */
    public int legitIdentities() {
        return legitIdentities;
    }

    /** Event-time span of one tick, the unit of generation, parallelism and checkpointing. */
    public int tickMillis() {
        return tickMillis;
    }

    /** Number of ticks in the run; the last one may be partial. */
    public long tickCount() {
        return Math.floorDiv(durationMillis() + tickMillis() - 1, tickMillis());
    }

    /**
     * Period of the daily rhythm, which starts at the baseline at the run's start and peaks a quarter
     * period later; shorten it to see the rhythm within a short run.
     */
    public int dayLengthSeconds() {
        return dayLengthSeconds;
    }

    /** Relative swing of the legitimate rate over a day: 0.5 means between 50% and 150% of baseline. */
    public double dailyAmplitude() {
        return dailyAmplitude;
    }

    public int signupFloodIps() {
        return signupFloodIps;
    }

    public int credentialStuffingIps() {
        return credentialStuffingIps;
    }

    public int flashCrowdUsers() {
        return flashCrowdUsers;
    }

    public double fastScannerRequestsPerSecond() {
        return fastScannerRequestsPerSecond;
    }

    public double slowScannerRequestsPerSecond() {
        return slowScannerRequestsPerSecond;
    }

    /** How many times its normal rate the compromised workload sends during its attack. */
    public double compromisedBurstFactor() {
        return compromisedBurstFactor;
    }

    /** New fake accounts per second of {@link Scenario#LOW_AND_SLOW_SIGNUPS}' window, each from a fresh address. */
    public double lowAndSlowArrivalsPerSecond() {
        return lowAndSlowArrivalsPerSecond;
    }

    /** Enabled scenarios; {@link Scenario#LEGIT} is always among them. */
    public Set<Scenario> scenarios() {
        return Collections.unmodifiableSet(scenarios);
    }

    public boolean enabled(Scenario scenario) {
        return scenarios.contains(scenario);
    }

    private void validate() {
        require(durationSeconds >= 1, "durationSeconds must be at least 1");
        require(eventsPerSecond > 0 && Double.isFinite(eventsPerSecond), "eventsPerSecond must be positive");
        require(legitIdentities >= 2 && legitIdentities <= 1_000_000, "legitIdentities must be in [2, 1000000]");
        require(tickMillis >= 1 && tickMillis <= 60_000, "tickMillis must be in [1, 60000]");
        require(dayLengthSeconds >= 1, "dayLengthSeconds must be at least 1");
        require(dailyAmplitude >= 0 && dailyAmplitude < 1, "dailyAmplitude must be in [0, 1)");
        require(signupFloodIps >= 1 && signupFloodIps <= 100_000, "signupFloodIps must be in [1, 100000]");
        require(credentialStuffingIps >= 1 && credentialStuffingIps <= 100_000,
                "credentialStuffingIps must be in [1, 100000]");
        require(flashCrowdUsers >= 1 && flashCrowdUsers <= 100_000, "flashCrowdUsers must be in [1, 100000]");
        require(fastScannerRequestsPerSecond > 0, "fastScannerRequestsPerSecond must be positive");
        require(slowScannerRequestsPerSecond > 0, "slowScannerRequestsPerSecond must be positive");
        require(compromisedBurstFactor >= 1, "compromisedBurstFactor must be at least 1");
        require(lowAndSlowArrivalsPerSecond > 0 && lowAndSlowArrivalsPerSecond <= 1_000,
                "lowAndSlowArrivalsPerSecond must be in (0, 1000]");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SimulationConfig c)) {
            return false;
        }
        return seed == c.seed && startEpochMillis == c.startEpochMillis && durationSeconds == c.durationSeconds
                && Double.compare(eventsPerSecond, c.eventsPerSecond) == 0 && legitIdentities == c.legitIdentities
                && tickMillis == c.tickMillis && dayLengthSeconds == c.dayLengthSeconds
                && Double.compare(dailyAmplitude, c.dailyAmplitude) == 0 && signupFloodIps == c.signupFloodIps
                && credentialStuffingIps == c.credentialStuffingIps && flashCrowdUsers == c.flashCrowdUsers
                && Double.compare(fastScannerRequestsPerSecond, c.fastScannerRequestsPerSecond) == 0
                && Double.compare(slowScannerRequestsPerSecond, c.slowScannerRequestsPerSecond) == 0
                && Double.compare(compromisedBurstFactor, c.compromisedBurstFactor) == 0
                && Double.compare(lowAndSlowArrivalsPerSecond, c.lowAndSlowArrivalsPerSecond) == 0
                && scenarios.equals(c.scenarios);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, startEpochMillis, durationSeconds, eventsPerSecond, legitIdentities, tickMillis,
                dayLengthSeconds, dailyAmplitude, signupFloodIps, credentialStuffingIps, flashCrowdUsers,
                fastScannerRequestsPerSecond, slowScannerRequestsPerSecond, compromisedBurstFactor,
                lowAndSlowArrivalsPerSecond, scenarios);
    }

    @Override
    public String toString() {
        return "SimulationConfig{seed=" + seed + ", start=" + Instant.ofEpochMilli(startEpochMillis)
                + ", durationSeconds=" + durationSeconds + ", eventsPerSecond=" + eventsPerSecond
                + ", legitIdentities=" + legitIdentities + ", tickMillis=" + tickMillis
                + ", dayLengthSeconds=" + dayLengthSeconds + ", dailyAmplitude=" + dailyAmplitude
                + ", signupFloodIps=" + signupFloodIps + ", credentialStuffingIps=" + credentialStuffingIps
                + ", flashCrowdUsers=" + flashCrowdUsers + ", fastScannerRequestsPerSecond="
                + fastScannerRequestsPerSecond + ", slowScannerRequestsPerSecond=" + slowScannerRequestsPerSecond
                + ", compromisedBurstFactor=" + compromisedBurstFactor + ", lowAndSlowArrivalsPerSecond="
                + lowAndSlowArrivalsPerSecond + ", scenarios=" + scenarios + "}";
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private long seed = 42L;
        private long startEpochMillis = DEFAULT_START_EPOCH_MILLIS;
        private int durationSeconds = 300;
        private double eventsPerSecond = 2000;
        private int legitIdentities = 3000;
        private int tickMillis = 100;
        private int dayLengthSeconds = 86_400;
        private double dailyAmplitude = 0.5;
        private int signupFloodIps = 80;
        private int credentialStuffingIps = 20;
        private int flashCrowdUsers = 300;
        private double fastScannerRequestsPerSecond = 5.0;
        private double slowScannerRequestsPerSecond = 0.7;
        private double compromisedBurstFactor = 30.0;
        private double lowAndSlowArrivalsPerSecond = 25.0;
        // Opt-in scenarios stay off unless asked for, so default runs (and their numbers) never change.
        private EnumSet<Scenario> scenarios = Scenario.defaults();

        private Builder() {}

        private Builder(SimulationConfig c) {
            seed = c.seed;
            startEpochMillis = c.startEpochMillis;
            durationSeconds = c.durationSeconds;
            eventsPerSecond = c.eventsPerSecond;
            legitIdentities = c.legitIdentities;
            tickMillis = c.tickMillis;
            dayLengthSeconds = c.dayLengthSeconds;
            dailyAmplitude = c.dailyAmplitude;
            signupFloodIps = c.signupFloodIps;
            credentialStuffingIps = c.credentialStuffingIps;
            flashCrowdUsers = c.flashCrowdUsers;
            fastScannerRequestsPerSecond = c.fastScannerRequestsPerSecond;
            slowScannerRequestsPerSecond = c.slowScannerRequestsPerSecond;
            compromisedBurstFactor = c.compromisedBurstFactor;
            lowAndSlowArrivalsPerSecond = c.lowAndSlowArrivalsPerSecond;
            scenarios = EnumSet.copyOf(c.scenarios);
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder startEpochMillis(long startEpochMillis) {
            this.startEpochMillis = startEpochMillis;
            return this;
        }

        public Builder durationSeconds(int durationSeconds) {
            this.durationSeconds = durationSeconds;
            return this;
        }

        public Builder eventsPerSecond(double eventsPerSecond) {
            this.eventsPerSecond = eventsPerSecond;
            return this;
        }

        public Builder legitIdentities(int legitIdentities) {
            this.legitIdentities = legitIdentities;
            return this;
        }

        public Builder tickMillis(int tickMillis) {
            this.tickMillis = tickMillis;
            return this;
        }

        public Builder dayLengthSeconds(int dayLengthSeconds) {
            this.dayLengthSeconds = dayLengthSeconds;
            return this;
        }

        public Builder dailyAmplitude(double dailyAmplitude) {
            this.dailyAmplitude = dailyAmplitude;
            return this;
        }

        public Builder signupFloodIps(int signupFloodIps) {
            this.signupFloodIps = signupFloodIps;
            return this;
        }

        public Builder credentialStuffingIps(int credentialStuffingIps) {
            this.credentialStuffingIps = credentialStuffingIps;
            return this;
        }

        public Builder flashCrowdUsers(int flashCrowdUsers) {
            this.flashCrowdUsers = flashCrowdUsers;
            return this;
        }

        public Builder fastScannerRequestsPerSecond(double rate) {
            this.fastScannerRequestsPerSecond = rate;
            return this;
        }

        public Builder slowScannerRequestsPerSecond(double rate) {
            this.slowScannerRequestsPerSecond = rate;
            return this;
        }

        public Builder compromisedBurstFactor(double factor) {
            this.compromisedBurstFactor = factor;
            return this;
        }

        public Builder lowAndSlowArrivalsPerSecond(double rate) {
            this.lowAndSlowArrivalsPerSecond = rate;
            return this;
        }

        /** Enables exactly these scenarios (plus the always-on legitimate population). */
        public Builder scenarios(Set<Scenario> enabled) {
            this.scenarios = enabled.isEmpty() ? EnumSet.noneOf(Scenario.class) : EnumSet.copyOf(enabled);
            return this;
        }

        /** Only the legitimate population, e.g. to measure false positives or raw throughput. */
        public Builder legitOnly() {
            this.scenarios = EnumSet.of(Scenario.LEGIT);
            return this;
        }

        public SimulationConfig build() {
            return new SimulationConfig(this);
        }
    }
}
