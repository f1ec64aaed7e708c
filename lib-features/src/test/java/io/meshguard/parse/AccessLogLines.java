package io.meshguard.parse;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Realistic Istio access-log lines for tests, built key by key from raw JSON values. */
final class AccessLogLines {
    static final String START_TIME = "2026-11-23T10:15:30.123Z";
    static final long START_MILLIS = Instant.parse(START_TIME).toEpochMilli();
    /** A little after {@link #START_TIME}, so the lines are recent but not in the future. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    private AccessLogLines() {}

    /** Every key the parser knows, each with a present, realistic value (raw JSON). */
    static Map<String, String> fullyPopulated() {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("start_time", q(START_TIME));
        line.put("route_name", q("default"));
        line.put("method", q("POST"));
        line.put("path", q("/api/v1/login?next=%2Fhome"));
        line.put("protocol", q("HTTP/2"));
        line.put("response_code", "401");
        line.put("response_flags", q("UAEX"));
        line.put("response_code_details", q("ext_authz_denied"));
        line.put("connection_termination_details", q("rbac_access_denied_matched_policy[none]"));
        line.put("bytes_received", "512");
        line.put("bytes_sent", "87");
        line.put("duration", "14");
        line.put("upstream_service_time", "9");
        line.put("x_forwarded_for", q("198.51.100.23, 203.0.113.7"));
        line.put("user_agent", q("python-requests/2.31.0"));
        line.put("request_id", q("6f1c2d4e-8a9b-4c3d-9e8f-0a1b2c3d4e5f"));
        line.put("authority", q("shop.example.com"));
        line.put("upstream_host", q("10.44.1.17:8080"));
        line.put("upstream_cluster", q("outbound|8080||auth.shop.svc.cluster.local"));
        line.put("upstream_local_address", q("10.44.0.9:51234"));
        line.put("downstream_local_address", q("10.44.0.9:8443"));
        line.put("downstream_remote_address", q("10.44.2.5:40112"));
        line.put("requested_server_name", q("shop.example.com"));
        line.put("upstream_transport_failure_reason", q("TLS_error:CERTIFICATE_VERIFY_FAILED"));
        line.put("downstream_peer_uri_san", q("spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"));
        line.put("user_id", q("alice"));
        line.put("source_namespace", q("istio-system"));
        line.put("source_workload", q("istio-ingressgateway"));
        line.put("client_asn", q("64512"));
        line.put("client_country", q("DE"));
        return line;
    }

    /** A browser request from outside the mesh, through one edge proxy, as Istio writes it by default. */
    static Map<String, String> browserThroughEdge() {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("start_time", q(START_TIME));
        line.put("route_name", q("default"));
        line.put("method", q("GET"));
        line.put("path", q("/static/app.js?v=3#top"));
        line.put("protocol", q("HTTP/1.1"));
        line.put("response_code", "200");
        line.put("response_flags", q("-"));
        line.put("response_code_details", q("via_upstream"));
        line.put("connection_termination_details", "null");
        line.put("bytes_received", "0");
        line.put("bytes_sent", "1834");
        line.put("duration", "12");
        line.put("upstream_service_time", q("10"));
        line.put("x_forwarded_for", q("198.51.100.23, 203.0.113.7"));
        line.put("user_agent", q("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/120.0.0.0 Safari/537.36"));
        line.put("request_id", q("0d9a6c5e-1b2f-4a7e-8c3d-5e6f7a8b9c0d"));
        line.put("authority", q("shop.example.com"));
        line.put("upstream_host", q("10.44.1.17:8080"));
        line.put("upstream_cluster", q("outbound|8080||web.shop.svc.cluster.local"));
        line.put("upstream_local_address", q("10.44.0.9:51234"));
        line.put("downstream_local_address", q("10.44.0.9:8080"));
        line.put("downstream_remote_address", q("10.44.2.5:40112"));
        line.put("requested_server_name", "null");
        line.put("upstream_transport_failure_reason", "null");
        line.put("client_asn", q("AS64512"));
        line.put("client_country", q("DE"));
        return line;
    }

    /** A call between two mesh workloads over mTLS, without the optional enrichment keys. */
    static Map<String, String> meshCall() {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("start_time", q("2026-11-23T10:15:31.000Z"));
        line.put("method", q("GET"));
        line.put("path", q("/.env"));
        line.put("protocol", q("HTTP/1.1"));
        line.put("response_code", "404");
        line.put("bytes_received", q("-"));
        line.put("bytes_sent", "null");
        line.put("duration", q(""));
        line.put("user_agent", q("curl/8.5.0"));
        line.put("upstream_cluster", q("-"));
        line.put("downstream_remote_address", q("10.44.3.8:52000"));
        line.put("downstream_peer_uri_san", q("spiffe://cluster.local/ns/payments/sa/checkout"));
        return line;
    }

    static String json(Map<String, String> rawValues) {
        StringJoiner out = new StringJoiner(",", "{", "}");
        rawValues.forEach((key, raw) -> out.add(q(key) + ":" + raw));
        return out.toString();
    }

    /** The fully populated line with one key's raw JSON value replaced (or added). */
    static String fullWith(String key, String rawValue) {
        Map<String, String> line = fullyPopulated();
        line.put(key, rawValue);
        return json(line);
    }

    static String fullWithout(String key) {
        Map<String, String> line = fullyPopulated();
        line.remove(key);
        return json(line);
    }

    /** A JSON string literal. */
    static String q(String value) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
    }
}
