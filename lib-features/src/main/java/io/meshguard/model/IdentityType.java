package io.meshguard.model;

/** How a caller was identified, in decreasing order of trust. */
public enum IdentityType {
    /** An authenticated end user, e.g. a JWT subject. */
    USER("user"),
    /** A mesh workload proven by mTLS, e.g. a SPIFFE principal. */
    PEER("peer"),
    /** Only the client address is known. */
    IP("ip");

    private final String prefix;

    IdentityType(String prefix) {
        this.prefix = prefix;
    }

    /** Prefix of identity keys of this type, e.g. {@code ip} in {@code ip:203.0.113.7}. */
    public String prefix() {
        return prefix;
    }

    public String wireName() {
        return prefix;
    }
}
