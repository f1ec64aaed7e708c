package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.meshguard.features.PathClass;
import io.meshguard.features.UserAgentClass;
import io.meshguard.identity.IdentityResolver;
import io.meshguard.job.MeshGuardWorkflow;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import io.meshguard.model.RawTelemetry;
import io.meshguard.parse.DecoderConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import io.meshguard.control.Control;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Harness tests of decoding: events on the main output, every unusable record dead-lettered with a reason. */
class ParseTelemetryFunctionHarnessTest {
    private static final String ORIGIN = "file:/var/log/istio/access.jsonl";
    /** In the past, so the decoder's future-skew check passes whatever the wall clock says. */
    private static final String START_TIME = "2026-11-23T10:15:30.123Z";

    private BroadcastOperatorTestHarness<RawTelemetry, Control, MeshEvent> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new ParseTelemetryFunction(DecoderConfig.defaults(), MeshGuardWorkflow.DEAD_LETTERS),
                ParseTelemetryFunction.policyDescriptor());
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void browserRequestThroughTheEdgeBecomesAnEventKeyedByTheClientAddress() throws Exception {
        harness.processElement(new RawTelemetry(json(browserThroughEdge()), ORIGIN), 0L);

        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).singleElement().satisfies(e -> {
            assertThat(e.identity).isEqualTo("ip:203.0.113.7");
            assertThat(e.identityType).isEqualTo(IdentityType.IP);
            assertThat(e.segment).isEqualTo("asn:64512");
            assertThat(e.timestampMillis).isEqualTo(Instant.parse(START_TIME).toEpochMilli());
            assertThat(e.method).isEqualTo("GET");
            assertThat(e.path).isEqualTo("/static/app.js");
            assertThat(e.pathFlags).isEqualTo(PathClass.STATIC);
            assertThat(e.responseCode).isEqualTo(200);
            assertThat(e.bytesSent).isEqualTo(1834);
            assertThat(e.durationMillis).isEqualTo(12);
            assertThat(e.userAgentClass).isEqualTo(UserAgentClass.NORMAL.ordinal());
        });
    }

    @Test
    void policyThatSetsTheSegmentationResegmentsLaterEvents() throws Exception {
        harness.processElement(new RawTelemetry(json(browserThroughEdge()), ORIGIN), 0L);
        harness.processBroadcastElement(Control.policy(
                "{\"version\": 2, \"segments\": {\"north_south\": \"country\"}}", "test"), 0L);
        harness.processElement(new RawTelemetry(json(browserThroughEdge()), ORIGIN), 0L);
        // Invalid (unknown dimension): rejected, the version-2 segmentation stays.
        harness.processBroadcastElement(Control.policy(
                "{\"version\": 3, \"segments\": {\"north_south\": \"planet\"}}", "test"), 0L);
        // Not newer: rejected as well.
        harness.processBroadcastElement(Control.policy(
                "{\"version\": 1, \"segments\": {\"north_south\": \"asn\"}}", "test"), 0L);
        harness.processElement(new RawTelemetry(json(browserThroughEdge()), ORIGIN), 0L);

        assertThat(harness.extractOutputValues()).extracting(e -> e.segment)
                .containsExactly("asn:64512", "country:de", "country:de");
    }

    @Test
    void meshWorkloadCallBecomesAnEventKeyedByItsPrincipalInItsNamespaceSegment() throws Exception {
        harness.processElement(new RawTelemetry(json(meshCall()), ORIGIN), 0L);

        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).singleElement().satisfies(e -> {
            assertThat(e.identity).isEqualTo("peer:spiffe://cluster.local/ns/payments/sa/checkout");
            assertThat(e.identityType).isEqualTo(IdentityType.PEER);
            assertThat(e.segment).isEqualTo("ns:payments");
            assertThat(e.path).isEqualTo("/.env");
            assertThat(e.pathFlags).isEqualTo(PathClass.SENSITIVE);
            assertThat(e.userAgentClass).isEqualTo(UserAgentClass.TOOL.ordinal());
        });
    }

    @Test
    void goodAndBadRecordsInterleavedAreSortedWithoutLosingAny() throws Exception {
        harness.processElement(new RawTelemetry(json(browserThroughEdge()), ORIGIN), 0L);
        harness.processElement(new RawTelemetry("not json", ORIGIN), 0L);
        harness.processElement(new RawTelemetry(json(meshCall()), ORIGIN), 0L);
        harness.processElement(new RawTelemetry(json(without(meshCall(), "path")), ORIGIN), 0L);

        assertThat(harness.extractOutputValues()).extracting(e -> e.identity)
                .containsExactly("ip:203.0.113.7", "peer:spiffe://cluster.local/ns/payments/sa/checkout");
        assertThat(deadLetters()).extracting(d -> d.raw)
                .containsExactly("not json", json(without(meshCall(), "path")));
    }

    static Stream<Arguments> malformedRecords() {
        return Stream.of(
                Arguments.of("not JSON", "GET /static/app.js HTTP/1.1 200 1834",
                        "malformed JSON: Unrecognized token 'GET'"),
                Arguments.of("truncated JSON", "{\"start_time\":\"" + START_TIME + "\",\"path\":\"/stat",
                        "truncated JSON: "),
                Arguments.of("an array", "[" + json(browserThroughEdge()) + "]",
                        "not a JSON object: found an array"),
                Arguments.of("a bare string", "\"GET /\"", "not a JSON object: found a string"),
                Arguments.of("empty", "", "blank line"),
                Arguments.of("blank", " \t  ", "blank line"),
                Arguments.of("missing start_time", json(without(browserThroughEdge(), "start_time")),
                        "missing required key 'start_time'"),
                Arguments.of("missing path", json(without(browserThroughEdge(), "path")),
                        "missing required key 'path'"),
                Arguments.of("path written as '-'", json(with(browserThroughEdge(), "path", q("-"))),
                        "missing value for required key 'path'"),
                Arguments.of("missing response_code", json(without(browserThroughEdge(), "response_code")),
                        "missing required key 'response_code'"),
                Arguments.of("unparseable start_time",
                        json(with(browserThroughEdge(), "start_time", q("23/Nov/2026:10:15:30 +0000"))),
                        "unparseable start_time: \"23/Nov/2026:10:15:30 +0000\""),
                Arguments.of("start_time far in the future",
                        json(with(browserThroughEdge(), "start_time", q("3026-11-23T10:15:30Z"))),
                        "start_time out of range: \"3026-11-23T10:15:30Z\" is more than 1 day ahead of the clock"),
                Arguments.of("non-numeric response_code", json(with(browserThroughEdge(), "response_code", q("OK"))),
                        "key 'response_code' is not a number: \"OK\""),
                Arguments.of("response_code out of range", json(with(browserThroughEdge(), "response_code", "1200")),
                        "response_code out of range 0..999: 1200"),
                Arguments.of("negative duration", json(with(browserThroughEdge(), "duration", "-12")),
                        "negative duration: -12"),
                Arguments.of("digits followed by garbage", json(with(browserThroughEdge(), "bytes_sent", q("12abc"))),
                        "key 'bytes_sent' is not a number: \"12abc\""),
                Arguments.of("fractional byte count", json(with(browserThroughEdge(), "bytes_sent", "18.5")),
                        "key 'bytes_sent' is not an integer: 18.5"),
                Arguments.of("object where a scalar belongs",
                        json(with(browserThroughEdge(), "method", "{\"verb\":\"GET\"}")),
                        "key 'method' must be a scalar, found an object"),
                Arguments.of("trailing garbage", json(browserThroughEdge()) + " garbage",
                        "trailing content after the JSON object"),
                Arguments.of("two records on one line", json(browserThroughEdge()) + json(meshCall()),
                        "trailing content after the JSON object"),
                Arguments.of("line over the length limit",
                        json(with(browserThroughEdge(), "user_agent", q("x".repeat(70_000)))),
                        "line too long: "),
                Arguments.of("no caller identity", json(anonymous()), IdentityResolver.NO_IDENTITY_REASON));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRecords")
    void malformedRecordIsDeadLetteredWithItsRawTextOriginAndReason(String kind, String line, String reason)
            throws Exception {
        long before = System.currentTimeMillis();

        harness.processElement(new RawTelemetry(line, ORIGIN), 0L);

        assertThat(harness.extractOutputValues()).as("events for %s", kind).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.raw).isEqualTo(line);
            assertThat(d.origin).isEqualTo(ORIGIN);
            assertThat(d.reason).startsWith(reason).doesNotContain("\n");
            assertThat(d.rejectedAtMillis).isBetween(before, System.currentTimeMillis());
        });
    }

    @Test
    void recordWithoutTextIsDeadLetteredAsBlankWithAnEmptyRaw() throws Exception {
        harness.processElement(new RawTelemetry(null, ORIGIN), 0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.raw).isEmpty();
            assertThat(d.reason).isEqualTo("blank line");
        });
    }

    static Stream<Arguments> hostileRecords() {
        // Field names that all hash alike in Jackson's symbol table: "Ab" and "BA" collide, so
        // every sequence of them does too.
        List<String> collidingKeys = new ArrayList<>();
        for (int bits = 0; bits < 1 << 10; bits++) {
            StringBuilder key = new StringBuilder();
            for (int b = 0; b < 10; b++) {
                key.append((bits >> b & 1) == 0 ? "Ab" : "BA");
            }
            collidingKeys.add(key.toString());
        }
        StringJoiner hashFlood = new StringJoiner(",", "{", "}");
        collidingKeys.forEach(k -> hashFlood.add(q(k) + ":0"));
        return Stream.of(
                Arguments.of("deeply nested arrays", "[".repeat(50_000)),
                Arguments.of("deeply nested value of an unknown key", "{\"x\":" + "[".repeat(50_000)),
                Arguments.of("colliding field names", hashFlood.toString()),
                Arguments.of("control characters and lone surrogates",
                        "{\"path\":\"/\u0000\ud800\",\"start_time\":\"\u0007\udfff\"}"),
                Arguments.of("number with a thousand digits",
                        json(with(browserThroughEdge(), "duration", "9".repeat(1000)))),
                Arguments.of("NUL bytes only", "\u0000".repeat(64)),
                Arguments.of("byte-order mark before the object", "\ufeff" + json(browserThroughEdge())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRecords")
    void hostileRecordNeverThrowsOutOfTheFunctionAndIsNeverLost(String kind, String line) {
        assertThatCode(() -> harness.processElement(new RawTelemetry(line, ORIGIN), 0L))
                .as(kind)
                .doesNotThrowAnyException();

        List<MeshEvent> events = harness.extractOutputValues();
        List<DeadLetter> deadLetters = deadLetters();
        assertThat(events.size() + deadLetters.size()).as("outputs for %s", kind).isEqualTo(1);
        assertThat(deadLetters).allSatisfy(d -> {
            assertThat(d.raw).isEqualTo(line);
            assertThat(d.reason).isNotBlank().doesNotContain("\n");
        });
    }

    private List<DeadLetter> deadLetters() {
        ConcurrentLinkedQueue<StreamRecord<DeadLetter>> side = harness.getSideOutput(MeshGuardWorkflow.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    // ---- Istio access-log lines, key by key as raw JSON values ----------------------------------

    private static Map<String, String> browserThroughEdge() {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("start_time", q(START_TIME));
        line.put("route_name", q("default"));
        line.put("method", q("GET"));
        line.put("path", q("/static/app.js?v=3"));
        line.put("protocol", q("HTTP/1.1"));
        line.put("response_code", "200");
        line.put("response_flags", q("-"));
        line.put("bytes_received", "0");
        line.put("bytes_sent", "1834");
        line.put("duration", "12");
        line.put("upstream_service_time", q("10"));
        line.put("x_forwarded_for", q("198.51.100.23, 203.0.113.7"));
        line.put("user_agent", q("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"));
        line.put("request_id", q("0d9a6c5e-1b2f-4a7e-8c3d-5e6f7a8b9c0d"));
        line.put("authority", q("shop.example.com"));
        line.put("upstream_cluster", q("outbound|8080||web.shop.svc.cluster.local"));
        line.put("downstream_remote_address", q("10.44.2.5:40112"));
        line.put("client_asn", q("AS64512"));
        line.put("client_country", q("DE"));
        return line;
    }

    private static Map<String, String> meshCall() {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("start_time", q(START_TIME));
        line.put("method", q("GET"));
        line.put("path", q("/.env"));
        line.put("response_code", "404");
        line.put("bytes_received", q("-"));
        line.put("bytes_sent", "null");
        line.put("duration", "3");
        line.put("user_agent", q("curl/8.5.0"));
        line.put("downstream_remote_address", q("10.44.3.8:52000"));
        line.put("downstream_peer_uri_san", q("spiffe://cluster.local/ns/payments/sa/checkout"));
        return line;
    }

    /** A request whose caller cannot be told: no user, no principal, no usable address. */
    private static Map<String, String> anonymous() {
        Map<String, String> line = browserThroughEdge();
        line.put("x_forwarded_for", q("not-an-address"));
        line.put("downstream_remote_address", q("envoy://internal_client_address/"));
        return line;
    }

    private static Map<String, String> with(Map<String, String> line, String key, String rawValue) {
        line.put(key, rawValue);
        return line;
    }

    private static Map<String, String> without(Map<String, String> line, String key) {
        line.remove(key);
        return line;
    }

    private static String json(Map<String, String> rawValues) {
        StringJoiner out = new StringJoiner(",", "{", "}");
        rawValues.forEach((key, raw) -> out.add(q(key) + ":" + raw));
        return out.toString();
    }

    /** A JSON string literal; the values used here need no escaping beyond quotes and backslashes. */
    private static String q(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
