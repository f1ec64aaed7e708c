package io.meshguard.sim;

/**
 * The kinds of traffic the simulator plays, with the part of the run (as fractions of its duration)
 * in which each non-baseline scenario is active.
 */
public enum Scenario {
    /** The ordinary population; always active. */
    LEGIT("legit", false, 0.0, 1.0),
    /** Hundreds of new users arriving within seconds: legitimate, and must not be punished. */
    FLASH_CROWD("flash-crowd", false, 0.50, 0.80),
    /** Many fresh addresses from one ASN creating accounts. */
    SIGNUP_FLOOD("signup-flood", true, 0.40, 0.70),
    /** A fast and a slow client walking a wordlist of sensitive paths. */
    PATH_SCANNER("path-scanner", true, 0.30, 0.60),
    /** Addresses from two ASNs replaying leaked credentials against the login endpoint. */
    CREDENTIAL_STUFFING("credential-stuffing", true, 0.35, 0.65),
    /** A mesh workload that behaves normally, then fans out across the mesh at many times its rate. */
    COMPROMISED_WORKLOAD("compromised-workload", true, 0.45, 0.75);

    private final String wireName;
    private final boolean attack;
    private final double startFraction;
    private final double endFraction;

    Scenario(String wireName, boolean attack, double startFraction, double endFraction) {
        this.wireName = wireName;
        this.attack = attack;
        this.startFraction = startFraction;
        this.endFraction = endFraction;
    }

    /** Name used in labels and summaries, e.g. {@code signup-flood}. */
    public String wireName() {
        return wireName;
    }

    /** Whether identities of this scenario are labelled {@code attack}. */
    public boolean isAttack() {
        return attack;
    }

    /** Start of the active window as a fraction of the run's duration. */
    public double startFraction() {
        return startFraction;
    }

    /** End (exclusive) of the active window as a fraction of the run's duration. */
    public double endFraction() {
        return endFraction;
    }

    public static Scenario ofWireName(String name) {
        for (Scenario s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario: " + name);
    }
}
