package io.meshguard.model;

/** What enforcers should do with an identity's requests. */
public enum Action {
    ALLOW,
    RATE_LIMIT,
    QUARANTINE;

    /** Severity order: a higher rank is a stronger action. */
    public int rank() {
        return ordinal();
    }
}
