package io.meshguard.parse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The access-log keys the parser understands, each with how its value is read. */
enum AccessLogKey {
    START_TIME("start_time", Kind.TIME),
    ROUTE_NAME("route_name", Kind.TEXT),
    METHOD("method", Kind.TEXT),
    PATH("path", Kind.TEXT),
    PROTOCOL("protocol", Kind.TEXT),
    RESPONSE_CODE("response_code", Kind.STATUS),
    RESPONSE_FLAGS("response_flags", Kind.TEXT),
    RESPONSE_CODE_DETAILS("response_code_details", Kind.TEXT),
    CONNECTION_TERMINATION_DETAILS("connection_termination_details", Kind.TEXT),
    BYTES_RECEIVED("bytes_received", Kind.COUNT),
    BYTES_SENT("bytes_sent", Kind.COUNT),
    DURATION("duration", Kind.COUNT),
    UPSTREAM_SERVICE_TIME("upstream_service_time", Kind.COUNT),
    X_FORWARDED_FOR("x_forwarded_for", Kind.TEXT),
    USER_AGENT("user_agent", Kind.TEXT),
    REQUEST_ID("request_id", Kind.TEXT),
    AUTHORITY("authority", Kind.TEXT),
    UPSTREAM_HOST("upstream_host", Kind.TEXT),
    UPSTREAM_CLUSTER("upstream_cluster", Kind.TEXT),
    UPSTREAM_LOCAL_ADDRESS("upstream_local_address", Kind.TEXT),
    DOWNSTREAM_LOCAL_ADDRESS("downstream_local_address", Kind.TEXT),
    DOWNSTREAM_REMOTE_ADDRESS("downstream_remote_address", Kind.TEXT),
    REQUESTED_SERVER_NAME("requested_server_name", Kind.TEXT),
    UPSTREAM_TRANSPORT_FAILURE_REASON("upstream_transport_failure_reason", Kind.TEXT),
    DOWNSTREAM_PEER_URI_SAN("downstream_peer_uri_san", Kind.TEXT),
    USER_ID("user_id", Kind.TEXT),
    SOURCE_NAMESPACE("source_namespace", Kind.TEXT),
    SOURCE_WORKLOAD("source_workload", Kind.TEXT),
    CLIENT_ASN("client_asn", Kind.TEXT),
    CLIENT_COUNTRY("client_country", Kind.TEXT);

    /** How a key's value is read and validated. */
    enum Kind {
        /** Free text; any scalar is accepted and kept as written. */
        TEXT,
        /** A non-negative integer. */
        COUNT,
        /** An HTTP status, 0..999. */
        STATUS,
        /** ISO-8601 text or epoch milliseconds. */
        TIME
    }

    private static final Map<String, AccessLogKey> BY_WIRE_NAME = new HashMap<>();
    /**
     * Keys by a hash of their name's length, first and last char: a name read from a line is
     * compared with the one key (rarely two) in its slot, without hashing the whole name or copying
     * it out of the line. Correct for any set of names; with today's names no two share a slot.
     */
    private static final AccessLogKey[][] BY_SHAPE = new AccessLogKey[128][0];

    private static final int LONGEST_NAME;

    static {
        int longest = 0;
        for (AccessLogKey key : values()) {
            BY_WIRE_NAME.put(key.wireName, key);
            longest = Math.max(longest, key.wireName.length());
            int slot = slot(key.wireBytes.length, key.wireBytes[0], key.wireBytes[key.wireBytes.length - 1]);
            BY_SHAPE[slot] = Arrays.copyOf(BY_SHAPE[slot], BY_SHAPE[slot].length + 1);
            BY_SHAPE[slot][BY_SHAPE[slot].length - 1] = key;
        }
        LONGEST_NAME = longest;
    }

    private final String wireName;
    private final byte[] wireBytes;
    private final Kind kind;

    AccessLogKey(String wireName, Kind kind) {
        this.wireName = wireName;
        this.wireBytes = wireName.getBytes(StandardCharsets.US_ASCII);
        this.kind = kind;
    }

    /** The key, or null for keys the parser ignores. */
    static AccessLogKey byWireName(String name) {
        return BY_WIRE_NAME.get(name);
    }

    /**
     * The key whose wire name is exactly {@code latin1[from, to)}, a name in a line's {@link
     * Latin1Bytes}, or null for keys the parser ignores.
     */
    static AccessLogKey find(byte[] latin1, int from, int to) {
        int length = to - from;
        if (length == 0 || length > LONGEST_NAME) {
            return null;
        }
        for (AccessLogKey key : BY_SHAPE[slot(length, latin1[from], latin1[to - 1])]) {
            if (key.wireBytes.length == length && Latin1Bytes.regionMatches(latin1, from, key.wireBytes)) {
                return key;
            }
        }
        return null;
    }

    /** Whether {@code latin1} holds this key's name at {@code from}, followed by its closing quote. */
    boolean isNameAt(byte[] latin1, int from) {
        int end = from + wireBytes.length;
        return end < latin1.length && latin1[end] == '"' && Latin1Bytes.regionMatches(latin1, from, wireBytes);
    }

    private static int slot(int length, int first, int last) {
        return (length * 6 + first * 8 + last) & (BY_SHAPE.length - 1);
    }

    String wireName() {
        return wireName;
    }

    Kind kind() {
        return kind;
    }

    /** One bit per key, to remember which keys a line contained. */
    long bit() {
        return 1L << ordinal();
    }
}
