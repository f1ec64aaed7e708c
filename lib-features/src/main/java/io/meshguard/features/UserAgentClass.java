package io.meshguard.features;

/** Coarse class of a User-Agent header; see {@link io.meshguard.model.MeshEvent#userAgentClass}. */
public enum UserAgentClass {
    /** A browser or a well-formed client string. */
    NORMAL,
    /** No User-Agent at all. */
    EMPTY,
    /** A scripting library or attack tool (curl, python-requests, sqlmap, ...). */
    TOOL;

    private static final UserAgentClass[] VALUES = values();

    public static UserAgentClass ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** Empty and tool-like agents are anomalous for user-facing traffic. */
    public boolean isAnomalous() {
        return this != NORMAL;
    }
}
