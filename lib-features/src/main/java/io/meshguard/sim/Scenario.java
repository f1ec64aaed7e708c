package io.meshguard.sim;

import java.util.EnumSet;
import java.util.Set;

/**
 * The kinds of traffic the simulator plays, with the part of the run (as fractions of its duration)
 * in which each non-baseline scenario is active. Opt-in scenarios are left out of {@link
 * #defaults()}, so adding one never changes the default runs and the numbers measured on them.
 */
public enum Scenario {
    /** The ordinary population; always active. */
    LEGIT("legit", false, 0.0, 1.0, false),
    /** Hundreds of new users arriving within seconds: legitimate, and must not be punished. */
    FLASH_CROWD("flash-crowd", false, 0.50, 0.80, false),
    /** Many fresh addresses from one ASN creating accounts. */
    SIGNUP_FLOOD("signup-flood", true, 0.40, 0.70, false),
    /** A fast and a slow client walking a wordlist of sensitive paths. */
    PATH_SCANNER("path-scanner", true, 0.30, 0.60, false),
    /** Addresses from two ASNs replaying leaked credentials against the login endpoint. */
    CREDENTIAL_STUFFING("credential-stuffing", true, 0.35, 0.65, false),
    /** A mesh workload that behaves normally, then fans out across the mesh at many times its rate. */
    COMPROMISED_WORKLOAD("compromised-workload", true, 0.45, 0.75, false),
    /**
     * Opt-in: a fake-account farm behind a residential-proxy pool, each exit signing up once at a
     * human pace; only the segment as a whole is abnormal (see {@link LowAndSlowSignups}).
     */
    LOW_AND_SLOW_SIGNUPS("low-and-slow-signups", true, 0.45, 0.75, true);

    /** Token of {@link #parseList(String)} that stands for {@link #defaults()}. */
    public static final String DEFAULT_TOKEN = "default";

    private final String wireName;
    private final boolean attack;
    private final double startFraction;
    private final double endFraction;
    private final boolean optIn;

    Scenario(String wireName, boolean attack, double startFraction, double endFraction, boolean optIn) {
        this.wireName = wireName;
        this.attack = attack;
        this.startFraction = startFraction;
        this.endFraction = endFraction;
        this.optIn = optIn;
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

    /** Whether the scenario plays only when asked for, i.e. is not among {@link #defaults()}. */
    public boolean isOptIn() {
        return optIn;
    }

    /** The scenarios a run plays unless told otherwise: every one that is not opt-in. */
    public static EnumSet<Scenario> defaults() {
        EnumSet<Scenario> set = EnumSet.noneOf(Scenario.class);
        for (Scenario s : values()) {
            if (!s.optIn) {
                set.add(s);
            }
        }
        return set;
    }

    /**
     * Reads a comma-separated list of wire names, e.g. {@code default,low-and-slow-signups}; the
     * token {@code default} stands for {@link #defaults()}. {@link #LEGIT} is always included, so
     * {@code legit} alone means the legitimate population only.
     *
     * @throws IllegalArgumentException on an empty list or an unknown name
     */
    public static EnumSet<Scenario> parseList(String list) {
        EnumSet<Scenario> set = EnumSet.of(LEGIT);
        boolean any = false;
        for (String part : list.split(",")) {
            String name = part.strip();
            if (name.isEmpty()) {
                continue;
            }
            any = true;
            if (name.equals(DEFAULT_TOKEN)) {
                set.addAll(defaults());
            } else {
                set.add(ofWireName(name));
            }
        }
        if (!any) {
            throw new IllegalArgumentException("empty scenario list; use e.g. 'default' or 'legit'");
        }
        return set;
    }

    /** The wire names of the given scenarios other than {@link #LEGIT}, comma-separated, in declaration order. */
    public static String wireNames(Set<Scenario> scenarios) {
        StringBuilder sb = new StringBuilder();
        for (Scenario s : values()) {
            if (s != LEGIT && scenarios.contains(s)) {
                sb.append(sb.length() == 0 ? "" : ",").append(s.wireName);
            }
        }
        return sb.toString();
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
