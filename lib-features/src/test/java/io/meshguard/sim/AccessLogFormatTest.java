package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Lines are valid, flat Envoy JSON with every required key and the quirks real fleets show. */
class AccessLogFormatTest {
    private final SimulatedRun run = SimulatedRun.sixtySeconds();

    @Test
    void everyLineIsValidJsonWithAllRequiredKeys() {
        // SimulatedRun already parsed every line with jackson-core and would have failed on bad JSON.
        assertThat(run.lines).hasSizeGreaterThan(100_000);
        assertThat(run.lines).noneMatch(SimulatedLine::missingRequiredKeys);
    }

    @Test
    void aboutOnePercentOfLinesWriteNumbersAsStrings() {
        assertThat(share(SimulatedLine::numbersAsStrings)).isBetween(0.006, 0.014);
    }

    @Test
    void missingValuesAreSpelledBothAsDashAndAsNull() {
        assertThat(share(SimulatedLine::nullSeen)).isBetween(0.2, 0.4);
        assertThat(share(SimulatedLine::dashSeen)).isGreaterThan(0.99);
    }

    @Test
    void linesHaveARealisticSize() {
        double average = run.lines.stream().mapToInt(SimulatedLine::length).average().orElseThrow();
        assertThat(average).isBetween(700.0, 1100.0);
        assertThat(run.lines).allMatch(l -> l.length() > 500 && l.length() < 1600);
    }

    @Test
    void requestIdsAreUuidShapedAndUnique() {
        Set<String> ids = new HashSet<>();
        for (SimulatedLine line : run.lines) {
            assertThat(line.requestId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            ids.add(line.requestId());
        }
        assertThat(ids).hasSameSizeAs(run.lines);
    }

    @Test
    void hostileScannerPathsSurviveEscaping() {
        assertThat(PathScanner.SENSITIVE).anyMatch(p -> p.contains("\"")).anyMatch(p -> p.contains("\\"));
        Actor scanner = Actor.northSouth(AddressPlan.HOSTING_ASN, "198.18.72.9", "10.244.0.11", null,
                UserAgents.ZGRAB, false, new int[0]);
        AccessLogWriter writer = new AccessLogWriter();
        SplittableRandom r = new SplittableRandom(1);
        for (String path : PathScanner.SENSITIVE) {
            Request q = new Request().reset(run.start());
            q.path = path;
            q.upstreamReply(r, MeshTopology.service("frontend"), 404);
            String raw = writer.render(scanner, q, r);
            SimulatedLine line = SimulatedLine.parse(raw, run.start(), Scenario.PATH_SCANNER, true, new HashMap<>());
            assertThat(line.path()).isEqualTo(path);
            assertThat(line.identity()).isEqualTo("ip:198.18.72.9");
        }
    }

    @Test
    void escapingRoundTripsQuotesBackslashesAndControlCharacters() throws IOException {
        String hostile = "/a\"b\\c\nd\te\u0001f\u007f✓";
        StringBuilder sb = new StringBuilder("{\"path\":\"");
        AccessLogWriter.appendEscaped(sb, hostile);
        sb.append("\"}");
        try (JsonParser p = new JsonFactory().createParser(sb.toString())) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
            assertThat(p.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
            assertThat(p.getText()).isEqualTo(hostile);
        }
    }

    @Test
    void northSouthLinesCarryTheClientAndEastWestLinesThePeer() {
        TrafficSimulator sim = run.simulator;
        List<String> lines = new ArrayList<>();
        sim.generateTick(sim.tickCount() / 2, lines::add);
        HashMap<String, String> intern = new HashMap<>();
        for (String raw : lines) {
            SimulatedLine line = SimulatedLine.parse(raw, 0, Scenario.LEGIT, false, intern);
            if (line.eastWest()) {
                assertThat(raw).contains("\"downstream_peer_uri_san\":\"spiffe://cluster.local/ns/")
                        .contains("\"source_workload\":\"").contains("\"protocol\":\"HTTP/");
                assertThat(line.upstreamCluster()).matches("outbound\\|8080\\|\\|[a-z-]+\\.[a-z]+\\.svc\\.cluster\\.local");
            } else {
                assertThat(raw).containsPattern("\"x_forwarded_for\":\"([0-9.]+, )?[0-9.]+\"")
                        .containsPattern("\"client_asn\":\"6\\d{4}\"")
                        .containsPattern("\"client_country\":\"[A-Z]{2}\"")
                        .containsPattern("\"downstream_remote_address\":\"10\\.244\\.\\d+\\.\\d+:\\d+\"");
            }
            assertThat(raw).containsPattern("^\\{\"start_time\":\"2026-11-23T08:00:\\d{2}\\.\\d{3}Z\"");
        }
    }

    private double share(Predicate<SimulatedLine> p) {
        return (double) run.lines.stream().filter(p).count() / run.lines.size();
    }
}
