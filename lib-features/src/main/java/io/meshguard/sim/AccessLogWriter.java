package io.meshguard.sim;

import java.util.SplittableRandom;

/**
 * Renders a request as one flat Envoy/Istio JSON access-log line. Like real fleets, lines differ
 * in how they spell a missing value ({@code "-"} or {@code null}) and now and then in writing
 * numbers as strings, so parsers downstream must cope with both. The optional identity and
 * enrichment keys are left out when they do not apply, unless the line spells missing values as
 * {@code null}.
 */
final class AccessLogWriter {
    /** Share of lines whose numeric fields are JSON strings, as some log formats configure them. */
    static final double NUMBERS_AS_STRINGS_SHARE = 0.01;
    /** Share of lines that write missing values as {@code null} rather than {@code "-"}. */
    static final double NULL_MISSING_SHARE = 0.3;
    /** Share of north-south lines whose X-Forwarded-For carries a client-supplied (spoofable) entry. */
    static final double FORWARDED_CHAIN_SHARE = 0.02;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder sb = new StringBuilder(1024);
    private final IsoTimestamps timestamps = new IsoTimestamps();
    private boolean nullMissing;
    private boolean numbersAsStrings;

    String render(Actor a, Request q, SplittableRandom r) {
        nullMissing = r.nextDouble() < NULL_MISSING_SHARE;
        numbersAsStrings = r.nextDouble() < NUMBERS_AS_STRINGS_SHARE;
        sb.setLength(0);
        sb.append("{\"start_time\":\"");
        timestamps.append(sb, q.startMillis);
        sb.append('"');
        string(",\"route_name\":", q.route);
        string(",\"method\":", q.method);
        string(",\"path\":", q.path);
        string(",\"protocol\":", a.http2 ? "HTTP/2" : "HTTP/1.1");
        number(",\"response_code\":", q.status);
        string(",\"response_flags\":", q.flags);
        string(",\"response_code_details\":", q.details);
        string(",\"connection_termination_details\":", q.terminationDetails);
        number(",\"bytes_received\":", q.bytesReceived);
        number(",\"bytes_sent\":", q.bytesSent);
        number(",\"duration\":", q.durationMillis);
        number(",\"upstream_service_time\":", q.upstreamMillis);
        forwardedFor(a, r);
        string(",\"user_agent\":", a.userAgent);
        requestId(r);
        string(",\"authority\":", q.authority);
        string(",\"upstream_host\":", q.upstreamHost);
        string(",\"upstream_cluster\":", q.upstream == null ? null : q.upstream.cluster);
        if (q.upstreamHost == null) {
            missing(",\"upstream_local_address\":");
        } else {
            address(",\"upstream_local_address\":", a.eastWest ? "127.0.0.6" : a.gatewayIp, ephemeralPort(r));
        }
        if (a.eastWest) {
            string(",\"downstream_local_address\":", q.upstream == null ? null : q.upstream.clusterIpPort);
            address(",\"downstream_remote_address\":", a.clientIp, ephemeralPort(r));
        } else {
            address(",\"downstream_local_address\":", a.gatewayIp, 8443);
            // The edge load balancer hands connections to the gateway; the client is only in XFF.
            address(",\"downstream_remote_address\":", a.gatewayIp, ephemeralPort(r));
        }
        string(",\"requested_server_name\":", q.serverName);
        string(",\"upstream_transport_failure_reason\":", q.transportFailure);
        optional(",\"downstream_peer_uri_san\":", a.spiffe);
        optional(",\"user_id\":", a.userId);
        optional(",\"source_namespace\":", a.namespace);
        optional(",\"source_workload\":", a.workload);
        optional(",\"client_asn\":", a.asn);
        optional(",\"client_country\":", a.country);
        sb.append('}');
        return sb.toString();
    }

    private void forwardedFor(Actor a, SplittableRandom r) {
        if (a.eastWest) {
            missing(",\"x_forwarded_for\":");
            return;
        }
        sb.append(",\"x_forwarded_for\":\"");
        if (r.nextDouble() < FORWARDED_CHAIN_SHARE) {
            // A client-supplied entry first; the gateway appends the address it really saw.
            sb.append("192.0.2.").append(1 + r.nextInt(254)).append(", ");
        }
        sb.append(a.clientIp).append('"');
    }

    private void requestId(SplittableRandom r) {
        long hi = r.nextLong();
        long lo = r.nextLong();
        sb.append(",\"request_id\":\"");
        hex(hi >>> 32, 8);
        sb.append('-');
        hex(hi >>> 16, 4);
        sb.append('-');
        hex((hi & 0x0fffL) | 0x4000L, 4);
        sb.append('-');
        hex(((lo >>> 48) & 0x3fffL) | 0x8000L, 4);
        sb.append('-');
        hex(lo, 12);
        sb.append('"');
    }

    private void hex(long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) ((value >>> shift) & 0xf)]);
        }
    }

    private static int ephemeralPort(SplittableRandom r) {
        return 32768 + r.nextInt(28232);
    }

    private void address(String key, String ip, int port) {
        sb.append(key).append('"').append(ip).append(':').append(port).append('"');
    }

    private void number(String key, long value) {
        sb.append(key);
        if (value < 0) {
            missingValue();
        } else if (numbersAsStrings) {
            sb.append('"').append(value).append('"');
        } else {
            sb.append(value);
        }
    }

    private void string(String key, String value) {
        sb.append(key);
        if (value == null) {
            missingValue();
            return;
        }
        sb.append('"');
        appendEscaped(sb, value);
        sb.append('"');
    }

    /**
     * Identity and enrichment keys are added by different filters; when one does not apply, some
     * fleets log it as null and others leave the key out.
     */
    private void optional(String key, String value) {
        if (value != null || nullMissing) {
            string(key, value);
        }
    }

    private void missing(String key) {
        sb.append(key);
        missingValue();
    }

    private void missingValue() {
        sb.append(nullMissing ? "null" : "\"-\"");
    }

    /** JSON string escaping: quotes, backslashes and control characters. */
    static void appendEscaped(StringBuilder out, String s) {
        int n = s.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, start, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    out.append("\\u00");
                    out.append(HEX[c >> 4]).append(HEX[c & 0xf]);
                }
            }
            start = i + 1;
        }
        out.append(s, start, n);
    }
}
