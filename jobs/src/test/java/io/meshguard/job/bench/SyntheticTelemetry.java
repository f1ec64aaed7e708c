package io.meshguard.job.bench;

import io.meshguard.features.Hashing;
import io.meshguard.model.RawTelemetry;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Benchmark telemetry: realistic Istio JSON access-log lines (all standard keys, ~750 bytes) for a
 * fixed number of distinct identities, built from a template so generation stays cheap. Each
 * parallel reader gets an equal index range and starts at the same event time, so event time
 * advances evenly across readers.
 */
final class SyntheticTelemetry implements GeneratorFunction<Long, RawTelemetry> {
    private static final long serialVersionUID = 1L;
    private static final long START_MILLIS = 1_795_420_800_000L; // 2026-11-22T00:00:00Z
    private static final String[] PATHS = {
        "/api/v1/catalog/items", "/api/v1/catalog/items/42", "/api/v1/cart", "/api/v1/orders",
        "/static/app.js", "/static/app.css", "/api/v1/search", "/api/v1/login", "/api/v1/profile",
        "/.env", "/api/v1/recommendations", "/images/logo.png"
    };
    private static final int[] CODES = {200, 200, 200, 200, 200, 304, 200, 401, 200, 404, 200, 200};

    private final long identities;
    private final long rangeLength;
    private final double eventsPerMilli;
    private transient StringBuilder sb;

    /**
     * @param identities distinct identities to spread the events over
     * @param totalEvents events across all readers
     * @param readers parallel readers (the source's parallelism)
     * @param eventTimeRate event-time rate per reader, events per second
     */
    SyntheticTelemetry(long identities, long totalEvents, int readers, double eventTimeRate) {
        this.identities = identities;
        this.rangeLength = Math.max(1, totalEvents / readers);
        this.eventsPerMilli = eventTimeRate / 1000.0;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        sb = new StringBuilder(1024);
    }

    @Override
    public RawTelemetry map(Long index) {
        long i = index;
        long local = i % rangeLength;
        long t = START_MILLIS + (long) (local / eventsPerMilli);
        long identity = Long.remainderUnsigned(Hashing.mix64(i + 0x9E3779B97F4A7C15L), identities);
        int kind = (int) ((i * 31 + identity) % PATHS.length);
        return new RawTelemetry(line(t, identity, kind, i), "benchmark");
    }

    private String line(long t, long identity, int kind, long i) {
        StringBuilder b = sb;
        b.setLength(0);
        b.append("{\"start_time\":\"");
        appendIso(b, t);
        b.append("\",\"route_name\":\"default\",\"method\":\"GET\",\"path\":\"").append(PATHS[kind])
                .append("\",\"protocol\":\"HTTP/1.1\",\"response_code\":").append(CODES[kind])
                .append(",\"response_flags\":\"-\",\"response_code_details\":\"via_upstream\","
                        + "\"connection_termination_details\":null,\"bytes_received\":")
                .append(200 + (i & 255)).append(",\"bytes_sent\":").append(1500 + (i & 4095))
                .append(",\"duration\":").append(3 + (i & 31)).append(",\"upstream_service_time\":\"")
                .append(2 + (i & 15)).append("\",\"x_forwarded_for\":\"");
        appendIp(b, identity);
        b.append("\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/131.0 Safari/537.36\",\"request_id\":\"")
                .append(Long.toHexString(Hashing.mix64(i)))
                .append("\",\"authority\":\"shop.example.com\",\"upstream_host\":\"10.8.3.17:8080\","
                        + "\"upstream_cluster\":\"outbound|8080||storefront.shop.svc.cluster.local\","
                        + "\"upstream_local_address\":\"10.8.1.4:51234\",\"downstream_local_address\":\"10.8.1.4:8080\","
                        + "\"downstream_remote_address\":\"10.8.0.9:40312\",\"requested_server_name\":null,"
                        + "\"upstream_transport_failure_reason\":null,\"client_asn\":\"")
                .append(64500 + (identity & 7)).append("\",\"client_country\":\"DE\"}");
        return b.toString();
    }

    private static void appendIp(StringBuilder b, long identity) {
        // 100.64.0.0/10 has room for four million distinct addresses.
        long v = identity & 0x3FFFFF;
        b.append(100).append('.').append(64 + (v >>> 16)).append('.').append((v >>> 8) & 255).append('.').append(v & 255);
    }

    private static void appendIso(StringBuilder b, long millis) {
        java.time.LocalDateTime dt = java.time.LocalDateTime.ofEpochSecond(
                Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000, java.time.ZoneOffset.UTC);
        b.append(dt.getYear()).append('-');
        pad2(b, dt.getMonthValue()).append('-');
        pad2(b, dt.getDayOfMonth()).append('T');
        pad2(b, dt.getHour()).append(':');
        pad2(b, dt.getMinute()).append(':');
        pad2(b, dt.getSecond()).append('.');
        int ms = (int) Math.floorMod(millis, 1000);
        if (ms < 100) {
            b.append('0');
        }
        if (ms < 10) {
            b.append('0');
        }
        b.append(ms).append('Z');
    }

    private static StringBuilder pad2(StringBuilder b, int v) {
        if (v < 10) {
            b.append('0');
        }
        return b.append(v);
    }
}
