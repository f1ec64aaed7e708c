package io.meshguard.parse;

import static io.meshguard.parse.AccessLogLines.CLOCK;
import static io.meshguard.parse.AccessLogLines.START_MILLIS;
import static io.meshguard.parse.AccessLogLines.browserThroughEdge;
import static io.meshguard.parse.AccessLogLines.fullyPopulated;
import static io.meshguard.parse.AccessLogLines.json;
import static io.meshguard.parse.AccessLogLines.meshCall;
import static io.meshguard.parse.AccessLogLines.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.features.Hashing;
import io.meshguard.features.PathClass;
import io.meshguard.features.UserAgentClass;
import io.meshguard.identity.IdentityConfig;
import io.meshguard.identity.IdentityResolver;
import io.meshguard.identity.SegmentSpec;
import io.meshguard.model.AccessLogRecord;
import io.meshguard.model.IdentityType;
import io.meshguard.model.MeshEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TelemetryDecoderTest {
    private final TelemetryDecoder decoder = new TelemetryDecoder(DecoderConfig.defaults(), CLOCK);

    private MeshEvent decoded(String line) {
        DecodeResult result = decoder.decode(line);
        assertThat(result.isOk()).as("decode of %s: %s", line, result).isTrue();
        return result.event();
    }

    @Nested
    class RealisticLines {
        @Test
        void browserBehindTheEdgeIsKeyedByTheAddressTheEdgeSaw() {
            MeshEvent e = decoded(json(browserThroughEdge()));

            assertThat(e.identity).isEqualTo("ip:203.0.113.7");
            assertThat(e.identityType).isEqualTo(IdentityType.IP);
            assertThat(e.segment).isEqualTo("asn:64512");
            assertThat(e.timestampMillis).isEqualTo(START_MILLIS);
            assertThat(e.method).isEqualTo("GET");
            assertThat(e.path).isEqualTo("/static/app.js");
            assertThat(e.pathHash).isEqualTo(Hashing.hash64("/static/app.js"));
            assertThat(e.pathFlags).isEqualTo(PathClass.STATIC);
            assertThat(e.upstreamHash).isEqualTo((int) Hashing.hash64("outbound|8080||web.shop.svc.cluster.local"));
            assertThat(e.responseCode).isEqualTo(200);
            assertThat(e.bytesReceived).isZero();
            assertThat(e.bytesSent).isEqualTo(1834);
            assertThat(e.durationMillis).isEqualTo(12);
            assertThat(e.userAgentClass).isEqualTo(UserAgentClass.NORMAL.ordinal());
        }

        @Test
        void meshWorkloadProbingForSecretsIsKeyedByItsPrincipal() {
            MeshEvent e = decoded(json(meshCall()));

            assertThat(e.identity).isEqualTo("peer:spiffe://cluster.local/ns/payments/sa/checkout");
            assertThat(e.identityType).isEqualTo(IdentityType.PEER);
            assertThat(e.segment).isEqualTo("ns:payments");
            assertThat(e.timestampMillis).isEqualTo(Instant.parse("2026-11-23T10:15:31Z").toEpochMilli());
            assertThat(e.method).isEqualTo("GET");
            assertThat(e.path).isEqualTo("/.env");
            assertThat(e.pathHash).isEqualTo(Hashing.hash64("/.env"));
            assertThat(e.pathFlags).isEqualTo(PathClass.SENSITIVE);
            assertThat(e.upstreamHash).isZero();
            assertThat(e.responseCode).isEqualTo(404);
            assertThat(e.bytesReceived).isZero();
            assertThat(e.bytesSent).isZero();
            assertThat(e.durationMillis).isZero();
            assertThat(e.userAgentClass).isEqualTo(UserAgentClass.TOOL.ordinal());
        }

        @Test
        void authenticatedUserLoggingInIsKeyedByUser() {
            Map<String, String> line = fullyPopulated();
            line.remove("source_namespace");
            line.put("user_agent", "null");
            MeshEvent e = decoded(json(line));

            assertThat(e.identity).isEqualTo("user:alice");
            assertThat(e.identityType).isEqualTo(IdentityType.USER);
            assertThat(e.segment).isEqualTo("asn:64512");
            assertThat(e.timestampMillis).isEqualTo(START_MILLIS);
            assertThat(e.method).isEqualTo("POST");
            assertThat(e.path).isEqualTo("/api/v1/login");
            assertThat(e.pathHash).isEqualTo(Hashing.hash64("/api/v1/login"));
            assertThat(e.pathFlags).isEqualTo(PathClass.LOGIN);
            assertThat(e.upstreamHash).isEqualTo((int) Hashing.hash64("outbound|8080||auth.shop.svc.cluster.local"));
            assertThat(e.responseCode).isEqualTo(401);
            assertThat(e.bytesReceived).isEqualTo(512);
            assertThat(e.bytesSent).isEqualTo(87);
            assertThat(e.durationMillis).isEqualTo(14);
            assertThat(e.userAgentClass).isEqualTo(UserAgentClass.EMPTY.ordinal());
        }

        @Test
        void bytesDecodeLikeTheString() {
            String line = json(browserThroughEdge());
            DecodeResult fromBytes = decoder.decode(line.getBytes(StandardCharsets.UTF_8));

            assertThat(fromBytes.event()).usingRecursiveComparison().isEqualTo(decoded(line));
        }

        @Test
        void parsedRecordIsKeptForExplanations() {
            DecodeResult result = decoder.decode(json(browserThroughEdge()));
            assertThat(result.record()).get().extracting(r -> r.requestId)
                    .isEqualTo("0d9a6c5e-1b2f-4a7e-8c3d-5e6f7a8b9c0d");
        }

        @Test
        void configurationShapesIdentityAndSegment() {
            DecoderConfig config = DecoderConfig.defaults()
                    .withIdentity(IdentityConfig.defaults().withTrustedProxyHops(2))
                    .withSegments(SegmentSpec.parse("asn+country", "ns", "default"));
            MeshEvent e = new TelemetryDecoder(config, CLOCK).decode(json(browserThroughEdge())).event();

            assertThat(e.identity).isEqualTo("ip:198.51.100.23");
            assertThat(e.segment).isEqualTo("asn:64512,country:de");
        }

        @Test
        void simulatedRecordsCanBeResolvedWithoutText() {
            AccessLogRecord r = new AccessLogRecord();
            r.startTimeMillis = START_MILLIS;
            r.path = "/signup?ref=ad";
            r.responseCode = 201;
            r.userId = "mallory";

            MeshEvent e = decoder.resolve(r).event();
            assertThat(e.identity).isEqualTo("user:mallory");
            assertThat(e.path).isEqualTo("/signup");
            assertThat(e.pathFlags).isEqualTo(PathClass.SIGNUP);
            assertThat(e.bytesSent).isZero();
            assertThat(e.segment).isEqualTo("default");
        }
    }

    @Nested
    class UnusableLines {
        @Test
        void unparseableLineCarriesTheParsersReasonAndNoRecord() {
            DecodeResult result = decoder.decode("{\"path\":\"/\"}");

            assertThat(result.isOk()).isFalse();
            assertThat(result.error()).isEqualTo("missing required key 'start_time'");
            assertThat(result.record()).isEmpty();
        }

        @Test
        void anonymousCallerIsDeadLetteredWithTheRecordKept() {
            Map<String, String> line = browserThroughEdge();
            line.put("x_forwarded_for", q("not-an-address"));
            line.put("downstream_remote_address", q("envoy://internal_client_address/"));
            DecodeResult result = decoder.decode(json(line));

            assertThat(result.error()).isEqualTo(IdentityResolver.NO_IDENTITY_REASON);
            assertThat(result.record()).isPresent();
        }
    }

    @Nested
    class NeverThrows {
        private static final String ALPHABET = "{}[]:,\"\\-.0123456789eE+ \t\r\n"
                + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/_?#%&=~"
                + "\u0000\u0001\u001f\u007f\u00e9\u00ff\u2028\u4e2d\ud83d\ude80\ud800\udfff\ufffd";

        private final SplittableRandom random = new SplittableRandom(20261123L);

        @Test
        void randomGarbageNeverThrows() {
            for (int i = 0; i < 3_000; i++) {
                StringBuilder line = new StringBuilder();
                int length = random.nextInt(200);
                for (int c = 0; c < length; c++) {
                    line.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                assertHandled(line.toString());
            }
        }

        @Test
        void randomBytesNeverThrow() {
            for (int i = 0; i < 2_000; i++) {
                byte[] line = new byte[random.nextInt(300)];
                for (int b = 0; b < line.length; b++) {
                    line[b] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean() && line.length > 0) {
                    line[0] = '{';
                }
                assertHandled(decoder.decode(line), "bytes #" + i);
            }
        }

        @Test
        void mutationsOfValidLinesNeverThrow() {
            String[] seeds = {json(fullyPopulated()), json(browserThroughEdge()), json(meshCall())};
            int ok = 0;
            for (int i = 0; i < 6_000; i++) {
                String line = mutate(seeds[i % seeds.length], 1 + random.nextInt(6));
                DecodeResult result = assertHandled(line);
                if (result.isOk()) {
                    ok++;
                    MeshEvent e = result.event();
                    assertThat(e.identity).isNotBlank();
                    assertThat(e.segment).isNotBlank();
                    assertThat(e.path).isNotNull();
                    assertThat(e.identityType).isNotNull();
                }
                assertHandled(decoder.decode(line.getBytes(StandardCharsets.UTF_8)), line);
            }
            // Some mutations must leave the line valid, or the test only exercises the error paths.
            assertThat(ok).isGreaterThan(100);
        }

        private String mutate(String line, int edits) {
            StringBuilder out = new StringBuilder(line);
            for (int e = 0; e < edits && out.length() > 0; e++) {
                int at = random.nextInt(out.length());
                switch (random.nextInt(7)) {
                    case 0 -> out.deleteCharAt(at);
                    case 1 -> out.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    case 2 -> out.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    case 3 -> out.setLength(at);
                    case 4 -> {
                        int end = Math.min(out.length(), at + random.nextInt(40));
                        out.insert(random.nextInt(out.length()), out.substring(at, end));
                    }
                    case 5 -> out.delete(at, Math.min(out.length(), at + random.nextInt(40)));
                    default -> {
                        // Swap a value's quotes for digits or nesting, where type errors live.
                        int quote = out.indexOf(":\"", at);
                        if (quote >= 0) {
                            out.replace(quote + 1, quote + 2, random.nextBoolean() ? "[" : "-9");
                        }
                    }
                }
            }
            return out.toString();
        }

        private DecodeResult assertHandled(String line) {
            return assertHandled(decoder.decode(line), line);
        }

        private DecodeResult assertHandled(DecodeResult result, String input) {
            assertThat(result).as("result for %s", input).isNotNull();
            if (!result.isOk()) {
                assertThat(result.error()).as("reason for %s", input)
                        .isNotBlank()
                        .doesNotStartWith("internal error")
                        .doesNotContain("\n");
            }
            return result;
        }
    }
}
