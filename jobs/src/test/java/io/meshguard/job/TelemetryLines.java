package io.meshguard.job;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds Istio/Envoy JSON access-log lines for tests, one request at a time, with the keys the
 * decoder reads ({@code AccessLogKey}). North-south requests name their client in {@code
 * x_forwarded_for} behind an ingress gateway, as the mesh's edge writes them.
 *
 * <pre>{@code
 * String line = TelemetryLines.request(t).clientIp("198.18.0.7").asn(64500, "us").get("/products/42").status(200).toJson();
 * }</pre>
 */
final class TelemetryLines {
    static final String GATEWAY_IP = "10.244.0.11";
    static final String HOST = "shop.example.com";
    static final String BROWSER_UA =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    static final String FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    static final String SAFARI_UA =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15";

    private TelemetryLines() {}

    /** A request starting at {@code startMillis} (event time): GET / answered 200 until told otherwise. */
    static Request request(long startMillis) {
        return new Request(startMillis);
    }

    /** The {@code x_forwarded_for} value of a line this class wrote ("-" when none). */
    static String forwardedFor(String line) {
        String key = "\"x_forwarded_for\":\"";
        int from = line.indexOf(key);
        if (from < 0) {
            return "-";
        }
        from += key.length();
        return line.substring(from, line.indexOf('"', from));
    }

    /** Writes the requests' lines ordered by start time, as one access log would hold them. */
    static Path write(Path file, List<Request> requests) throws IOException {
        List<Request> sorted = new ArrayList<>(requests);
        sorted.sort(Comparator.comparingLong(r -> r.startMillis));
        List<String> lines = new ArrayList<>(sorted.size());
        for (Request r : sorted) {
            lines.add(r.toJson());
        }
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** One request; setters return {@code this}. Unset optional keys are written as {@code "-"}. */
    static final class Request {
        final long startMillis;
        private String method = "GET";
        private String path = "/";
        private int status = 200;
        private long bytesReceived = 0;
        private long bytesSent = 1_500;
        private long durationMillis = 12;
        private String clientIp;
        private String userId;
        private String peerSpiffe;
        private String sourceNamespace;
        private String asn;
        private String country;
        private String userAgent = BROWSER_UA;
        private String upstreamCluster = "outbound|8080||frontend.web.svc.cluster.local";
        private String routeName = "web";

        private Request(long startMillis) {
            this.startMillis = startMillis;
        }

        Request get(String path) {
            return method("GET").path(path);
        }

        Request post(String path) {
            return method("POST").path(path);
        }

        Request method(String method) {
            this.method = method;
            return this;
        }

        Request path(String path) {
            this.path = path;
            return this;
        }

        Request status(int status) {
            this.status = status;
            return this;
        }

        Request bytes(long received, long sent) {
            this.bytesReceived = received;
            this.bytesSent = sent;
            return this;
        }

        Request durationMillis(long millis) {
            this.durationMillis = millis;
            return this;
        }

        /** The client address the ingress gateway saw: the last {@code x_forwarded_for} entry. */
        Request clientIp(String ip) {
            this.clientIp = ip;
            return this;
        }

        /** An authenticated end user ({@code user_id}): the identity becomes {@code user:<id>}. */
        Request userId(String id) {
            this.userId = id;
            return this;
        }

        /** A mesh workload calling east-west: identity {@code peer:<spiffe id>}, no forwarded client. */
        Request peer(String spiffeId, String namespace) {
            this.peerSpiffe = spiffeId;
            this.sourceNamespace = namespace;
            return this;
        }

        /** The client's autonomous system and country: the north-south segment is {@code asn:<number>}. */
        Request asn(int number, String country) {
            this.asn = Integer.toString(number);
            this.country = country;
            return this;
        }

        Request userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        Request upstreamCluster(String cluster) {
            this.upstreamCluster = cluster;
            return this;
        }

        Request route(String routeName) {
            this.routeName = routeName;
            return this;
        }

        /** The line as Istio's JSON access-log format writes it. */
        String toJson() {
            StringBuilder sb = new StringBuilder(768).append('{');
            text(sb, "start_time", Instant.ofEpochMilli(startMillis).toString());
            text(sb, "route_name", routeName);
            text(sb, "method", method);
            text(sb, "path", path);
            text(sb, "protocol", "HTTP/1.1");
            number(sb, "response_code", status);
            text(sb, "response_flags", status == 0 ? "UC" : "-");
            text(sb, "response_code_details", status == 0 ? "upstream_reset_before_response_started" : "via_upstream");
            text(sb, "connection_termination_details", null);
            number(sb, "bytes_received", bytesReceived);
            number(sb, "bytes_sent", bytesSent);
            number(sb, "duration", durationMillis);
            number(sb, "upstream_service_time", Math.max(0, durationMillis - 1));
            boolean eastWest = peerSpiffe != null;
            text(sb, "x_forwarded_for", eastWest ? null : clientIp);
            text(sb, "user_agent", userAgent);
            text(sb, "request_id", requestId());
            text(sb, "authority", HOST);
            text(sb, "upstream_host", "10.244.3.21:8080");
            text(sb, "upstream_cluster", upstreamCluster);
            text(sb, "upstream_local_address", (eastWest ? "127.0.0.6" : GATEWAY_IP) + ":41234");
            text(sb, "downstream_local_address", eastWest ? "10.96.0.10:8080" : GATEWAY_IP + ":8443");
            // North-south connections reach the gateway from the edge load balancer; only
            // x_forwarded_for names the client.
            text(sb, "downstream_remote_address", (eastWest ? "10.244.5.9" : GATEWAY_IP) + ":51234");
            text(sb, "requested_server_name", eastWest ? null : HOST);
            text(sb, "upstream_transport_failure_reason", null);
            text(sb, "downstream_peer_uri_san", peerSpiffe);
            text(sb, "user_id", userId);
            text(sb, "source_namespace", sourceNamespace);
            text(sb, "client_asn", asn);
            text(sb, "client_country", country);
            sb.setLength(sb.length() - 1);
            return sb.append('}').toString();
        }

        private String requestId() {
            long h = (startMillis * 31 + path.hashCode()) * 0x9E3779B97F4A7C15L;
            return String.format("%08x-%04x-4%03x-8%03x-%012x", h >>> 32, (h >>> 16) & 0xffff, h & 0xfff,
                    (h >>> 20) & 0xfff, (h ^ startMillis) & 0xffffffffffffL);
        }

        private static void text(StringBuilder sb, String key, String value) {
            sb.append('"').append(key).append("\":");
            if (value == null) {
                sb.append("\"-\"");
            } else {
                sb.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
            }
            sb.append(',');
        }

        private static void number(StringBuilder sb, String key, long value) {
            sb.append('"').append(key).append("\":").append(value).append(',');
        }

        @Override
        public String toString() {
            return toJson();
        }
    }
}
