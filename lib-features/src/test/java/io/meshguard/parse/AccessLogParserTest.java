package io.meshguard.parse;

import static io.meshguard.parse.AccessLogLines.CLOCK;
import static io.meshguard.parse.AccessLogLines.START_MILLIS;
import static io.meshguard.parse.AccessLogLines.fullWith;
import static io.meshguard.parse.AccessLogLines.fullWithout;
import static io.meshguard.parse.AccessLogLines.fullyPopulated;
import static io.meshguard.parse.AccessLogLines.json;
import static io.meshguard.parse.AccessLogLines.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.model.AccessLogRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessLogParserTest {
    private final AccessLogParser parser = new AccessLogParser(DecoderConfig.defaults(), CLOCK);

    private AccessLogRecord parsed(String line) {
        ParseResult result = parser.parse(line);
        assertThat(result.isOk()).as("parse of %s: %s", line, result).isTrue();
        return result.record();
    }

    private String reason(String line) {
        ParseResult result = parser.parse(line);
        assertThat(result.isOk()).as("parse of %s", line).isFalse();
        return result.error();
    }

    @Nested
    class WellFormedLines {
        @Test
        void everyKeyOfAFullyPopulatedLineLandsInItsField() {
            AccessLogRecord r = parsed(json(fullyPopulated()));

            assertThat(r.startTimeMillis).isEqualTo(START_MILLIS);
            assertThat(r.routeName).isEqualTo("default");
            assertThat(r.method).isEqualTo("POST");
            assertThat(r.path).isEqualTo("/api/v1/login?next=%2Fhome");
            assertThat(r.protocol).isEqualTo("HTTP/2");
            assertThat(r.responseCode).isEqualTo(401);
            assertThat(r.responseFlags).isEqualTo("UAEX");
            assertThat(r.responseCodeDetails).isEqualTo("ext_authz_denied");
            assertThat(r.connectionTerminationDetails).isEqualTo("rbac_access_denied_matched_policy[none]");
            assertThat(r.bytesReceived).isEqualTo(512);
            assertThat(r.bytesSent).isEqualTo(87);
            assertThat(r.durationMillis).isEqualTo(14);
            assertThat(r.upstreamServiceTimeMillis).isEqualTo(9);
            assertThat(r.xForwardedFor).isEqualTo("198.51.100.23, 203.0.113.7");
            assertThat(r.userAgent).isEqualTo("python-requests/2.31.0");
            assertThat(r.requestId).isEqualTo("6f1c2d4e-8a9b-4c3d-9e8f-0a1b2c3d4e5f");
            assertThat(r.authority).isEqualTo("shop.example.com");
            assertThat(r.upstreamHost).isEqualTo("10.44.1.17:8080");
            assertThat(r.upstreamCluster).isEqualTo("outbound|8080||auth.shop.svc.cluster.local");
            assertThat(r.upstreamLocalAddress).isEqualTo("10.44.0.9:51234");
            assertThat(r.downstreamLocalAddress).isEqualTo("10.44.0.9:8443");
            assertThat(r.downstreamRemoteAddress).isEqualTo("10.44.2.5:40112");
            assertThat(r.requestedServerName).isEqualTo("shop.example.com");
            assertThat(r.upstreamTransportFailureReason).isEqualTo("TLS_error:CERTIFICATE_VERIFY_FAILED");
            assertThat(r.downstreamPeerUriSan)
                    .isEqualTo("spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account");
            assertThat(r.userId).isEqualTo("alice");
            assertThat(r.sourceNamespace).isEqualTo("istio-system");
            assertThat(r.sourceWorkload).isEqualTo("istio-ingressgateway");
            assertThat(r.clientAsn).isEqualTo("64512");
            assertThat(r.clientCountry).isEqualTo("DE");
        }

        @Test
        void utf8BytesParseLikeTheString() {
            String line = fullWith("user_agent", q("Mozilla/5.0 (Linux; Android 14) — Grüße"));
            ParseResult fromBytes = parser.parse(line.getBytes(StandardCharsets.UTF_8));

            assertThat(fromBytes.isOk()).isTrue();
            assertThat(fromBytes.record().userAgent).isEqualTo("Mozilla/5.0 (Linux; Android 14) — Grüße");
            assertThat(fromBytes.record().startTimeMillis).isEqualTo(START_MILLIS);
        }

        @Test
        void responseCodeZeroMeansNoResponseAndIsAccepted() {
            assertThat(parsed(fullWith("response_code", "0")).responseCode).isZero();
        }

        @Test
        void surroundingWhitespaceAndTrailingNewlineAreFine() {
            assertThat(parsed("  " + json(fullyPopulated()) + "\r\n").responseCode).isEqualTo(401);
        }

        @Test
        void lastOfRepeatedKeysWins() {
            String line = json(fullyPopulated()).replace("}", ",\"method\":\"DELETE\"}");
            assertThat(parsed(line).method).isEqualTo("DELETE");
        }
    }

    @Nested
    class MissingValues {
        static final List<String> OPTIONAL_TEXT_KEYS = List.of(
                "route_name", "method", "protocol", "response_flags", "response_code_details",
                "connection_termination_details", "x_forwarded_for", "user_agent", "request_id", "authority",
                "upstream_host", "upstream_cluster", "upstream_local_address", "downstream_local_address",
                "downstream_remote_address", "requested_server_name", "upstream_transport_failure_reason",
                "downstream_peer_uri_san", "user_id", "source_namespace", "source_workload", "client_asn",
                "client_country");
        static final List<String> NUMERIC_KEYS = List.of("bytes_received", "bytes_sent", "duration", "upstream_service_time");
        static final List<String> MISSING_MARKERS = List.of(q("-"), "null", q(""));

        static Stream<Arguments> textKeysWithMarkers() {
            return OPTIONAL_TEXT_KEYS.stream()
                    .flatMap(key -> MISSING_MARKERS.stream().map(marker -> Arguments.of(key, marker)));
        }

        static Stream<Arguments> numericKeysWithMarkers() {
            return NUMERIC_KEYS.stream()
                    .flatMap(key -> MISSING_MARKERS.stream().map(marker -> Arguments.of(key, marker)));
        }

        @ParameterizedTest(name = "{0} = {1} is null")
        @MethodSource("textKeysWithMarkers")
        void missingTextValueBecomesNull(String key, String marker) {
            AccessLogRecord r = parsed(fullWith(key, marker));
            assertThat(textField(key).apply(r)).isNull();
        }

        @ParameterizedTest(name = "{0} = {1} is -1")
        @MethodSource("numericKeysWithMarkers")
        void missingNumberBecomesMinusOne(String key, String marker) {
            AccessLogRecord r = parsed(fullWith(key, marker));
            assertThat(numericField(key).apply(r)).isEqualTo(-1L);
        }

        @ParameterizedTest(name = "absent {0} is -1")
        @ValueSource(strings = {"bytes_received", "bytes_sent", "duration", "upstream_service_time"})
        void absentNumberBecomesMinusOne(String key) {
            assertThat(numericField(key).apply(parsed(fullWithout(key)))).isEqualTo(-1L);
        }

        @Test
        void onlyTheRequiredKeysAreNeeded() {
            AccessLogRecord r = parsed("{\"start_time\":\"2026-11-23T10:15:30.123Z\",\"path\":\"/\",\"response_code\":200}");
            assertThat(r.path).isEqualTo("/");
            assertThat(r.method).isNull();
            assertThat(r.bytesSent).isEqualTo(-1);
        }
    }

    @Nested
    class NumbersWrittenAsStrings {
        @ParameterizedTest(name = "{0} = \"{1}\"")
        @MethodSource("io.meshguard.parse.AccessLogParserTest#numericKeySamples")
        void numberInAStringIsReadAsTheNumber(String key, long value) {
            AccessLogRecord r = parsed(fullWith(key, q(Long.toString(value))));
            assertThat(numericField(key).apply(r)).isEqualTo(value);
        }

        @Test
        void responseCodeInAStringIsReadAsTheNumber() {
            assertThat(parsed(fullWith("response_code", q("503"))).responseCode).isEqualTo(503);
        }

        @Test
        void numbersInTextKeysAreKeptAsWritten() {
            assertThat(parsed(fullWith("client_asn", "64512")).clientAsn).isEqualTo("64512");
        }
    }

    static Stream<Arguments> numericKeySamples() {
        return Stream.of(
                Arguments.of("bytes_received", 0L),
                Arguments.of("bytes_received", 1_048_576L),
                Arguments.of("bytes_sent", 123L),
                Arguments.of("bytes_sent", 5_000_000_000L),
                Arguments.of("duration", 0L),
                Arguments.of("duration", 3_600_000L),
                Arguments.of("upstream_service_time", 42L));
    }

    @Nested
    class StartTime {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
            "2026-11-23T10:15:30.123Z",
            "2026-11-23T10:15:30Z",
            "2026-11-23T10:15:30.1Z",
            "2026-11-23T10:15:30.123456789Z",
            "2026-11-23T11:15:30.123+01:00",
            "2026-11-23T05:15:30.123-05:00",
            "2026-11-23T10:15:30.123+00:00",
            "2024-02-29T23:59:59.999Z",
        })
        void isoShapesEnvoyWritesAreAccepted(String text) {
            long expected = OffsetDateTime.parse(text).toInstant().toEpochMilli();
            assertThat(parsed(fullWith("start_time", q(text))).startTimeMillis).isEqualTo(expected);
        }

        @Test
        void epochMillisAsNumberOrStringAreAccepted() {
            assertThat(parsed(fullWith("start_time", Long.toString(START_MILLIS))).startTimeMillis).isEqualTo(START_MILLIS);
            assertThat(parsed(fullWith("start_time", q(Long.toString(START_MILLIS)))).startTimeMillis)
                    .isEqualTo(START_MILLIS);
        }

        @Test
        void futureWithinTheSkewIsAccepted() {
            String justAhead = "2026-11-24T11:59:59.000Z"; // clock is 2026-11-23T12:00Z, skew 1 day
            assertThat(parsed(fullWith("start_time", q(justAhead))).startTimeMillis)
                    .isEqualTo(Instant.parse(justAhead).toEpochMilli());
        }

        @Test
        void skewIsConfigurable() {
            AccessLogParser strict = new AccessLogParser(DecoderConfig.defaults().withMaxFutureSkewMillis(60_000), CLOCK);
            ParseResult result = strict.parse(fullWith("start_time", q("2026-11-23T12:05:00.000Z")));
            assertThat(result.error()).isEqualTo("start_time out of range: \"2026-11-23T12:05:00.000Z\""
                    + " is more than 1 min ahead of the clock (2026-11-23T12:00:00Z)");
        }

        @Test
        void hostileStartTimeIsQuotedBoundedAndOnOneLine() {
            String hostile = "x".repeat(500) + "\nforged";
            assertThat(reason(fullWith("start_time", q(hostile))))
                    .isEqualTo("unparseable start_time: \"" + "x".repeat(64) + "...\"");
            assertThat(reason(fullWith("start_time", q("bad\nvalue"))))
                    .isEqualTo("unparseable start_time: \"bad\\nvalue\"");
        }
    }

    @Nested
    class UnusableLines {
        static Stream<Arguments> linesWithExactReasons() {
            return Stream.of(
                    Arguments.of("empty line", "", "blank line"),
                    Arguments.of("whitespace only", " \t \r\n", "blank line"),
                    Arguments.of("JSON array", "[{\"path\":\"/\"}]", "not a JSON object: found an array"),
                    Arguments.of("JSON string", "\"GET /\"", "not a JSON object: found a string"),
                    Arguments.of("JSON number", "404", "not a JSON object: found a number"),
                    Arguments.of("JSON null", "null", "not a JSON object: found null"),
                    Arguments.of("no start_time", fullWithout("start_time"), "missing required key 'start_time'"),
                    Arguments.of("no path", fullWithout("path"), "missing required key 'path'"),
                    Arguments.of("no response_code", fullWithout("response_code"),
                            "missing required key 'response_code'"),
                    Arguments.of("path \"-\" (a TCP connection)", fullWith("path", q("-")),
                            "missing value for required key 'path'"),
                    Arguments.of("start_time null", fullWith("start_time", "null"),
                            "missing value for required key 'start_time'"),
                    Arguments.of("response_code \"-\"", fullWith("response_code", q("-")),
                            "missing value for required key 'response_code'"),
                    Arguments.of("start_time not a time", fullWith("start_time", q("yesterday")),
                            "unparseable start_time: \"yesterday\""),
                    Arguments.of("start_time 30 February", fullWith("start_time", q("2026-02-30T10:15:30.123Z")),
                            "unparseable start_time: \"2026-02-30T10:15:30.123Z\""),
                    Arguments.of("start_time without zone", fullWith("start_time", q("2026-11-23T10:15:30.123")),
                            "unparseable start_time: \"2026-11-23T10:15:30.123\""),
                    Arguments.of("start_time a boolean", fullWith("start_time", "true"),
                            "unparseable start_time: true"),
                    Arguments.of("start_time before 2000", fullWith("start_time", q("1999-12-31T23:59:59.999Z")),
                            "start_time out of range: \"1999-12-31T23:59:59.999Z\" is before 2000-01-01T00:00:00Z"),
                    Arguments.of("start_time in epoch seconds", fullWith("start_time", "1763892930"),
                            "start_time out of range: 1763892930 is before 2000-01-01T00:00:00Z"),
                    Arguments.of("start_time two days ahead", fullWith("start_time", q("2026-11-25T12:00:00.001Z")),
                            "start_time out of range: \"2026-11-25T12:00:00.001Z\" is more than 1 day ahead of"
                                    + " the clock (2026-11-23T12:00:00Z)"),
                    Arguments.of("response_code a word", fullWith("response_code", q("OK")),
                            "key 'response_code' is not a number: \"OK\""),
                    Arguments.of("response_code 1000", fullWith("response_code", "1000"),
                            "response_code out of range 0..999: 1000"),
                    Arguments.of("response_code negative", fullWith("response_code", "-1"),
                            "response_code out of range 0..999: -1"),
                    Arguments.of("response_code fractional", fullWith("response_code", "200.5"),
                            "key 'response_code' is not an integer: 200.5"),
                    Arguments.of("negative duration", fullWith("duration", "-5"), "negative duration: -5"),
                    Arguments.of("negative bytes_received", fullWith("bytes_received", q("-1")),
                            "negative bytes_received: -1"),
                    Arguments.of("negative bytes_sent", fullWith("bytes_sent", "-200"), "negative bytes_sent: -200"),
                    Arguments.of("negative upstream_service_time", fullWith("upstream_service_time", "-3"),
                            "negative upstream_service_time: -3"),
                    Arguments.of("absurd duration", fullWith("duration", "3600001"),
                            "duration too long: 3600001 ms, maximum is 3600000 ms"),
                    Arguments.of("object under path", fullWith("path", "{\"raw\":\"/\"}"),
                            "key 'path' must be a scalar, found an object"),
                    Arguments.of("array under user_agent", fullWith("user_agent", "[\"curl\"]"),
                            "key 'user_agent' must be a scalar, found an array"),
                    Arguments.of("object under duration", fullWith("duration", "{}"),
                            "key 'duration' must be a scalar, found an object"),
                    Arguments.of("garbage after digits", fullWith("bytes_sent", q("12abc")),
                            "key 'bytes_sent' is not a number: \"12abc\""),
                    Arguments.of("number with spaces", fullWith("bytes_received", q(" 12")),
                            "key 'bytes_received' is not a number: \" 12\""),
                    Arguments.of("boolean count", fullWith("bytes_sent", "false"),
                            "key 'bytes_sent' is not a number: false"),
                    Arguments.of("fractional duration", fullWith("duration", "1.5"),
                            "key 'duration' is not an integer: 1.5"),
                    Arguments.of("huge count", fullWith("bytes_sent", "99999999999999999999"),
                            "key 'bytes_sent' is out of range: 99999999999999999999"),
                    Arguments.of("huge count in a string", fullWith("bytes_sent", q("1234567890123456789")),
                            "key 'bytes_sent' is out of range: \"1234567890123456789\""),
                    Arguments.of("trailing word", json(fullyPopulated()) + " trailing",
                            "trailing content after the JSON object"),
                    Arguments.of("two records on one line", json(fullyPopulated()) + json(fullyPopulated()),
                            "trailing content after the JSON object"),
                    Arguments.of("extra closing brace", json(fullyPopulated()) + "}",
                            "trailing content after the JSON object"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("linesWithExactReasons")
        void unusableLineGetsItsSpecificReason(String description, String line, String expectedReason) {
            assertThat(reason(line)).isEqualTo(expectedReason);
        }

        static Stream<Arguments> linesWithJsonSyntaxErrors() {
            String full = json(fullyPopulated());
            return Stream.of(
                    Arguments.of("Envoy text format", "[2026-11-23T10:15:30.123Z] \"GET / HTTP/1.1\" 200",
                            "malformed JSON: ", "Unexpected character ('-'"),
                    Arguments.of("plain text", "hello world", "malformed JSON: ", "Unrecognized token 'hello'"),
                    Arguments.of("missing colon", "{\"path\" \"/\"}", "malformed JSON: ", "colon"),
                    Arguments.of("single quotes", "{'path':'/'}", "malformed JSON: ", "Unexpected character"),
                    Arguments.of("cut after a value", "{\"path\":\"/x\"", "truncated JSON: ", "end-of-input"),
                    Arguments.of("cut in a string", full.substring(0, 60), "truncated JSON: ", "end-of-input"),
                    Arguments.of("cut before the closing brace", full.substring(0, full.length() - 1),
                            "truncated JSON: ", "end-of-input"),
                    Arguments.of("cut after a key", "{\"path\":", "truncated JSON: ", "end-of-input"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("linesWithJsonSyntaxErrors")
        void syntaxErrorQuotesJacksonsShortMessage(String description, String line, String prefix, String detail) {
            assertThat(reason(line))
                    .startsWith(prefix)
                    .contains(detail)
                    .doesNotContain("\n")
                    .doesNotContain("at [Source");
        }

        @Test
        void lineLongerThanTheMaximumIsRejectedUnread() {
            String padding = "x".repeat(AccessLogParser.DEFAULT_MAX_LINE_LENGTH);
            String line = fullWith("request_id", q(padding));

            assertThat(reason(line)).isEqualTo("line too long: " + line.length() + " chars, maximum is 65536");
            assertThat(parser.parse(line.getBytes(StandardCharsets.UTF_8)).error())
                    .isEqualTo("line too long: " + line.length() + " bytes, maximum is 65536");
        }

        @Test
        void maximaAreConfigurable() {
            AccessLogParser strict = new AccessLogParser(
                    DecoderConfig.defaults().withMaxLineLength(100).withMaxDurationMillis(1_000), CLOCK);

            assertThat(strict.parse(json(fullyPopulated())).error()).startsWith("line too long: ");
            assertThat(strict.parse("{\"start_time\":1763892930123,\"path\":\"/\",\"response_code\":200,\"duration\":1001}")
                            .error())
                    .isEqualTo("duration too long: 1001 ms, maximum is 1000 ms");
        }

        @Test
        void nullLineIsBlank() {
            assertThat(parser.parse((String) null).error()).isEqualTo("blank line");
            assertThat(parser.parse((byte[]) null).error()).isEqualTo("blank line");
        }

        @Test
        void invalidUtf8BytesAreMalformed() {
            byte[] line = "{\"path\":\"/x\"}".getBytes(StandardCharsets.UTF_8);
            line[10] = (byte) 0xff;
            assertThat(parser.parse(line).error()).startsWith("malformed JSON: ").contains("UTF-8");
        }
    }

    @Nested
    class UnknownKeys {
        @Test
        void unknownKeysOfEveryShapeAreSkipped() {
            Map<String, String> line = fullyPopulated();
            line.put("x_custom_header", q("value"));
            line.put("upstream_peer_cert", "{\"subject\":{\"cn\":\"x\",\"path\":\"/nested\"},\"chain\":[1,[2,{\"response_code\":7}]]}");
            line.put("tags", "[\"a\",{\"duration\":-5},[]]");
            line.put("sampled", "true");
            line.put("weight", "0.25");
            line.put("nothing", "null");

            AccessLogRecord r = parsed(json(line));

            assertThat(r.path).isEqualTo("/api/v1/login?next=%2Fhome");
            assertThat(r.responseCode).isEqualTo(401);
            assertThat(r.durationMillis).isEqualTo(14);
        }

        @Test
        void keysAreCaseSensitiveSoLookalikesAreIgnored() {
            AccessLogRecord r = parsed(fullWith("Path", q("/other")));
            assertThat(r.path).isEqualTo("/api/v1/login?next=%2Fhome");
        }
    }

    private static Function<AccessLogRecord, String> textField(String key) {
        return switch (key) {
            case "route_name" -> r -> r.routeName;
            case "method" -> r -> r.method;
            case "protocol" -> r -> r.protocol;
            case "response_flags" -> r -> r.responseFlags;
            case "response_code_details" -> r -> r.responseCodeDetails;
            case "connection_termination_details" -> r -> r.connectionTerminationDetails;
            case "x_forwarded_for" -> r -> r.xForwardedFor;
            case "user_agent" -> r -> r.userAgent;
            case "request_id" -> r -> r.requestId;
            case "authority" -> r -> r.authority;
            case "upstream_host" -> r -> r.upstreamHost;
            case "upstream_cluster" -> r -> r.upstreamCluster;
            case "upstream_local_address" -> r -> r.upstreamLocalAddress;
            case "downstream_local_address" -> r -> r.downstreamLocalAddress;
            case "downstream_remote_address" -> r -> r.downstreamRemoteAddress;
            case "requested_server_name" -> r -> r.requestedServerName;
            case "upstream_transport_failure_reason" -> r -> r.upstreamTransportFailureReason;
            case "downstream_peer_uri_san" -> r -> r.downstreamPeerUriSan;
            case "user_id" -> r -> r.userId;
            case "source_namespace" -> r -> r.sourceNamespace;
            case "source_workload" -> r -> r.sourceWorkload;
            case "client_asn" -> r -> r.clientAsn;
            case "client_country" -> r -> r.clientCountry;
            default -> throw new IllegalArgumentException(key);
        };
    }

    private static Function<AccessLogRecord, Long> numericField(String key) {
        return switch (key) {
            case "bytes_received" -> r -> r.bytesReceived;
            case "bytes_sent" -> r -> r.bytesSent;
            case "duration" -> r -> r.durationMillis;
            case "upstream_service_time" -> r -> r.upstreamServiceTimeMillis;
            default -> throw new IllegalArgumentException(key);
        };
    }
}
