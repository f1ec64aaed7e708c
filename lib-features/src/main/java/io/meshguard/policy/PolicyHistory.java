package io.meshguard.policy;

import java.io.Serializable;

/**
 * The policy in force and the gate new ones pass: a candidate is accepted only when it is valid
 * and its version is greater than the current one, so a replayed or out-of-order document never
 * rolls enforcement back; a rejected candidate leaves the last good policy in force.
 *
 * <p>Mutable, not thread-safe; one per operator instance (or its broadcast state).
 */
public final class PolicyHistory implements Serializable {
    private static final long serialVersionUID = 1L;

    private Policy current;
    private Verdict last;

    public PolicyHistory() {}

    public PolicyHistory(Policy initial) {
        this.current = initial;
    }

    /** The policy in force, or null before the first one was accepted (built-in defaults apply). */
    public Policy current() {
        return current;
    }

    /** Version of the policy in force; 0 for the built-in defaults. */
    public long currentVersion() {
        return current == null ? 0 : current.version();
    }

    /** The latest verdict, or null before the first candidate. */
    public Verdict lastVerdict() {
        return last;
    }

    /** Accepts a parsed policy if its version is greater than the current one. */
    public Verdict accept(Policy candidate) {
        long before = currentVersion();
        if (candidate.version() <= before) {
            last = new Verdict(false, candidate.version(), String.format(
                    "rejected policy version %d: version must be greater than the current version %d",
                    candidate.version(), before), current);
            return last;
        }
        current = candidate;
        last = new Verdict(true, candidate.version(),
                String.format("accepted policy version %d (was %d)", candidate.version(), before), current);
        return last;
    }

    /** Parses and validates a document, then accepts it as {@link #accept(Policy)} does. */
    public Verdict accept(String json, PolicyParser parser) {
        Policy candidate;
        try {
            candidate = parser.parse(json);
        } catch (PolicyValidationException e) {
            last = new Verdict(false, -1, "rejected policy: " + e.getMessage(), current);
            return last;
        }
        return accept(candidate);
    }

    /** Whether a candidate was taken, why, and what is in force afterwards. Immutable. */
    public static final class Verdict implements Serializable {
        private static final long serialVersionUID = 1L;

        public final boolean accepted;
        /** The candidate's version, or -1 when it could not be parsed. */
        public final long version;
        /** Human-readable, e.g. {@code rejected policy version 7: version must be greater than the current version 7}. */
        public final String reason;
        /** The policy in force after the verdict (null: built-in defaults). */
        public final Policy current;

        Verdict(boolean accepted, long version, String reason, Policy current) {
            this.accepted = accepted;
            this.version = version;
            this.reason = reason;
            this.current = current;
        }

        @Override
        public String toString() {
            return reason;
        }
    }
}
