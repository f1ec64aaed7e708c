package io.meshguard.baseline;

/** Which history an identity was compared with. */
public enum BaselineKind {
    /** The identity's own decayed history. */
    OWN("own"),
    /** Established identities in the same segment. */
    SEGMENT_PEERS("segment-peers"),
    /** Established identities of the same identity type, across all segments. */
    GLOBAL_PEERS("global-peers"),
    /** Configured cold-start values, before any history exists. */
    PRIOR("prior");

    private final String wireName;

    BaselineKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
