package io.meshguard.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One generated line, parsed with jackson-core the way a consumer would, plus what the sink said. */
record SimulatedLine(
        String identity,
        String segment,
        long startMillis,
        long sinkTimeMillis,
        Scenario scenario,
        boolean attack,
        String method,
        String path,
        int status,
        String responseFlags,
        String upstreamCluster,
        String userAgent,
        String forwardedFor,
        String requestId,
        String userId,
        boolean eastWest,
        boolean missingRequiredKeys,
        boolean numbersAsStrings,
        boolean nullSeen,
        boolean dashSeen,
        int length) {

    static final List<String> REQUIRED_KEYS = List.of(
            "start_time", "route_name", "method", "path", "protocol", "response_code", "response_flags",
            "response_code_details", "connection_termination_details", "bytes_received", "bytes_sent", "duration",
            "upstream_service_time", "x_forwarded_for", "user_agent", "request_id", "authority", "upstream_host",
            "upstream_cluster", "upstream_local_address", "downstream_local_address", "downstream_remote_address",
            "requested_server_name", "upstream_transport_failure_reason");

    private static final Set<String> NUMERIC = Set.of(
            "response_code", "bytes_received", "bytes_sent", "duration", "upstream_service_time");

    private static final JsonFactory JSON = new JsonFactory();

    /** Parses a line; repeated strings are shared through {@code intern} to keep big runs small. */
    static SimulatedLine parse(String line, long sinkTime, Scenario scenario, boolean attack,
            Map<String, String> intern) {
        Map<String, String> values = new HashMap<>(48);
        boolean numbersAsStrings = false;
        boolean nullSeen = false;
        boolean dashSeen = false;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("not an object: " + line);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    throw new IllegalStateException("log lines are flat: " + line);
                }
                if (values.containsKey(key)) {
                    throw new IllegalStateException("duplicate key " + key + ": " + line);
                }
                if (t == JsonToken.VALUE_NULL) {
                    nullSeen = true;
                    values.put(key, null);
                    continue;
                }
                String text = p.getText();
                dashSeen |= text.equals("-");
                if (NUMERIC.contains(key) && t == JsonToken.VALUE_STRING && !text.equals("-")) {
                    numbersAsStrings = true;
                }
                values.put(key, text);
            }
            if (p.nextToken() != null) {
                throw new IllegalStateException("trailing content: " + line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("invalid JSON: " + line, e);
        }
        boolean missingRequired = !values.keySet().containsAll(REQUIRED_KEYS);
        String identity = IdentityRule.identity(values.get("user_id"), values.get("downstream_peer_uri_san"),
                values.get("x_forwarded_for"), values.get("downstream_remote_address"));
        String segment = IdentityRule.segment(values.get("client_asn"), values.get("source_namespace"));
        return new SimulatedLine(
                shared(intern, identity),
                shared(intern, segment),
                Instant.parse(values.get("start_time")).toEpochMilli(),
                sinkTime,
                scenario,
                attack,
                shared(intern, values.get("method")),
                shared(intern, values.get("path")),
                Integer.parseInt(values.get("response_code")),
                shared(intern, values.get("response_flags")),
                shared(intern, values.get("upstream_cluster")),
                shared(intern, values.get("user_agent")),
                values.get("x_forwarded_for"),
                values.get("request_id"),
                shared(intern, values.get("user_id")),
                !IdentityRule.missing(values.get("downstream_peer_uri_san")),
                missingRequired,
                numbersAsStrings,
                nullSeen,
                dashSeen,
                line.length());
    }

    private static String shared(Map<String, String> intern, String s) {
        return s == null ? null : intern.computeIfAbsent(s, k -> k);
    }
}
