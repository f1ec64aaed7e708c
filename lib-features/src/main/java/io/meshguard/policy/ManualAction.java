package io.meshguard.policy;

import java.util.Locale;

/** What an operator may order by hand, and for which kind of target. */
public enum ManualAction {
    /** Hold a segment CLAMPED with a cap ({@code cap_rps}). */
    CLAMP(true, false),
    /** Hold a segment NORMAL and untightened, or let an identity through (ALLOW). */
    RELEASE(true, true),
    /** Quarantine an identity. */
    QUARANTINE(false, true),
    /** Rate-limit an identity to {@code limit_rps}. */
    RATE_LIMIT(false, true);

    private final boolean forSegments;
    private final boolean forIdentities;

    ManualAction(boolean forSegments, boolean forIdentities) {
        this.forSegments = forSegments;
        this.forIdentities = forIdentities;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean appliesTo(ManualOverride.Scope scope) {
        return scope == ManualOverride.Scope.SEGMENT ? forSegments : forIdentities;
    }

    /** The action with this wire name, or null. */
    public static ManualAction byWireName(String name) {
        for (ManualAction a : values()) {
            if (a.wireName().equals(name)) {
                return a;
            }
        }
        return null;
    }
}
