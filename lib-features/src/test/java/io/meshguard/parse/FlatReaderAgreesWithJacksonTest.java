package io.meshguard.parse;

import static io.meshguard.parse.AccessLogLines.browserThroughEdge;
import static io.meshguard.parse.AccessLogLines.fullyPopulated;
import static io.meshguard.parse.AccessLogLines.json;
import static io.meshguard.parse.AccessLogLines.meshCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.model.MeshEvent;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.lang.reflect.Field;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Differential tests: {@link AccessLogParser#parse(String)}, which reads most lines with the {@link
 * FlatJsonReader}, must give exactly what the Jackson reader alone gives (the same record, or the
 * same reason) for realistic lines, for random JSON in and around the flat subset, and for
 * mutations of both.
 */
class FlatReaderAgreesWithJacksonTest {
    private static final SimulationConfig SIMULATION = SimulationConfig.defaults().withDurationSeconds(600);
    /** Just after the simulated run, so that its lines are neither stale nor in the future. */
    private static final Clock CLOCK =
            Clock.fixed(Instant.ofEpochMilli(SIMULATION.endEpochMillis()), ZoneOffset.UTC);

    private final AccessLogParser parser = new AccessLogParser(DecoderConfig.defaults(), CLOCK);
    private final SplittableRandom random = new SplittableRandom(20261123L);

    @Test
    void simulatedLinesParseAndDecodeAlikeAndNearlyAllTakeTheFastPath() {
        TelemetryDecoder decoder = new TelemetryDecoder(DecoderConfig.defaults(), CLOCK);
        List<String> lines = simulatedLines(5_000);
        int flat = 0;
        for (String line : lines) {
            assertSameOutcome(line);
            flat += parser.parseFlat(line) != null ? 1 : 0;

            DecodeResult fast = decoder.decode(line);
            ParseResult slow = parser.parseWithJackson(line);
            assertThat(fast.isOk()).as(line).isEqualTo(slow.isOk());
            if (fast.isOk()) {
                MeshEvent expected = decoder.resolve(slow.record()).event();
                assertThat(fields(fast.event())).as(line).isEqualTo(fields(expected));
            }
        }
        assertThat(flat).as("lines read by the fast path").isGreaterThan(lines.size() * 99 / 100);
    }

    @Test
    void mutatedRealisticLinesGetTheSameRecordOrReason() {
        List<String> seeds = new ArrayList<>(simulatedLines(300));
        seeds.add(json(fullyPopulated()));
        seeds.add(json(browserThroughEdge()));
        seeds.add(json(meshCall()));
        int ok = 0;
        for (int i = 0; i < 10_000; i++) {
            String line = mutate(seeds.get(random.nextInt(seeds.size())), 1 + random.nextInt(4));
            ok += assertSameOutcome(line) ? 1 : 0;
        }
        assertThat(ok).as("mutations that left the line usable").isGreaterThan(500);
    }

    @Test
    void randomJsonAroundTheFlatSubsetGetsTheSameRecordOrReason() {
        int ok = 0;
        int flat = 0;
        for (int i = 0; i < 20_000; i++) {
            String line = randomLine();
            ok += assertSameOutcome(line) ? 1 : 0;
            flat += parser.parseFlat(line) != null ? 1 : 0;
        }
        // Both readers must have had real work: usable lines, and lines the fast path decided alone.
        assertThat(ok).isGreaterThan(1_000);
        assertThat(flat).isGreaterThan(3_000);
    }

    @Test
    void randomJsonWithMutationsGetsTheSameRecordOrReason() {
        for (int i = 0; i < 20_000; i++) {
            assertSameOutcome(mutate(randomLine(), 1 + random.nextInt(3)));
        }
    }

    /** Returns whether the line was usable. */
    private boolean assertSameOutcome(String line) {
        ParseResult expected = parser.parseWithJackson(line);
        ParseResult actual = parser.parse(line);
        assertThat(actual.isOk()).as("usable: %s%nJackson: %s", line, expected).isEqualTo(expected.isOk());
        if (expected.isOk()) {
            assertThat(fields(actual.record())).as(line).isEqualTo(fields(expected.record()));
        } else {
            assertThat(actual.error()).as(line).isEqualTo(expected.error());
        }
        return expected.isOk();
    }

    /** Every public field as name=value, to compare records quickly and show any difference. */
    private static String fields(Object o) {
        StringBuilder out = new StringBuilder();
        for (Field field : o.getClass().getFields()) {
            try {
                out.append(field.getName()).append('=').append(field.get(o)).append('\n');
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return out.toString();
    }

    private static List<String> simulatedLines(int count) {
        TrafficSimulator simulator = new TrafficSimulator(SIMULATION);
        List<String> lines = new ArrayList<>();
        long stride = Math.max(1, simulator.tickCount() / 50);
        for (long tick = 0; lines.size() < count && tick < simulator.tickCount(); tick += stride) {
            simulator.generateTick(tick, (String line) -> lines.add(line));
        }
        return lines.subList(0, Math.min(count, lines.size()));
    }

    // ---- Random lines: mostly flat objects, with every kind of token near the subset's edges ----

    private static final String[] UNKNOWN_NAMES = {"", "x_custom", "Path", "path ", "pat", "paths", "start_timex",
        "é", "\u4e2d", "response_code_detail", "upstream_transport_failure_reasons"};

    private String randomLine() {
        StringBuilder out = new StringBuilder(1024);
        whitespace(out);
        out.append('{');
        List<String> members = new ArrayList<>();
        if (random.nextInt(10) < 7) {
            members.add(quoted("start_time") + ":" + (random.nextInt(10) < 8 ? quoted("2026-11-23T08:01:02.345Z")
                    : randomTimeValue()));
            members.add(quoted("path") + ":" + (random.nextInt(10) < 8 ? quoted("/api/v1/cart") : randomValue()));
            members.add(quoted("response_code") + ":" + (random.nextInt(10) < 8 ? "200" : randomNumberValue()));
        }
        int extra = random.nextInt(25);
        for (int i = 0; i < extra; i++) {
            String value = random.nextInt(10) < 8 ? plainValue() : randomValue();
            members.add(randomName() + sometimesWhitespace() + ":" + sometimesWhitespace() + value);
        }
        shuffle(members);
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                whitespace(out);
                out.append(',');
            }
            whitespace(out);
            out.append(members.get(i));
        }
        whitespace(out);
        out.append('}');
        if (random.nextInt(20) == 0) {
            out.append(random.nextBoolean() ? " x" : "{}");
        }
        whitespace(out);
        return out.toString();
    }

    private String randomName() {
        int pick = random.nextInt(100);
        if (pick < 80) {
            AccessLogKey[] keys = AccessLogKey.values();
            return quoted(keys[random.nextInt(keys.length)].wireName());
        }
        if (pick < 95) {
            return quoted(UNKNOWN_NAMES[random.nextInt(UNKNOWN_NAMES.length)]);
        }
        // Names spelled with escapes: Jackson reads them as the plain name.
        return random.nextBoolean() ? "\"pa\\u0074h\"" : "\"pa\\\\th\"";
    }

    /** A value that every key accepts: text, a missing marker or a small count. */
    private String plainValue() {
        String[] values = {"\"-\"", "null", "\"\"", "12", "\"34\"", "\"GET\"", "\"203.0.113.7\"", "\"10.0.0.1:443\""};
        return random.nextBoolean() ? values[random.nextInt(values.length)] : '"' + randomStringContent() + '"';
    }

    private String randomValue() {
        switch (random.nextInt(10)) {
            case 0:
            case 1:
                return randomNumberValue();
            case 2:
                return randomLiteral();
            case 3:
                return randomNested();
            case 4:
                return randomTimeValue();
            default:
                return '"' + randomStringContent() + '"';
        }
    }

    private String randomTimeValue() {
        String[] times = {"\"2026-11-23T08:01:02.345Z\"", "\"2026-11-23T08:01:02Z\"", "\"2026-11-23T09:01:02.345+01:00\"",
            "\"2026-02-30T08:01:02.345Z\"", "\"yesterday\"", "\"1763884862345\"", "1763884862345", "1763884862",
            "\"-\"", "\"\"", "null", "true", "1.5", "\"1999-12-31T23:59:59.999Z\"", "\"2030-01-01T00:00:00.000Z\"",
            "99999999999999999999", "\"2026-11-23T08:01:02.345\\u005a\""};
        return times[random.nextInt(times.length)];
    }

    private String randomNumberValue() {
        String[] numbers = {"0", "7", "200", "503", "-1", "-0", "1000", "999", "3600000", "3600001", "01", "00", "-",
            "-a", "1.", ".5", "+1", "1e3", "1E+3", "1e-3", "2.50", "1.5e", "1x", "12abc", "0x10",
            "999999999999999999", "1000000000000000000", "-999999999999999999", "99999999999999999999",
            "\"42\"", "\"-5\"", "\" 12\"", "\"12abc\"", "\"1234567890123456789\"", "\"-\"", "\"\"", "null", "false",
            "NaN", "Infinity", "-Infinity", "1".repeat(150), "1".repeat(1_200), "0." + "5".repeat(1_100)};
        return numbers[random.nextInt(numbers.length)];
    }

    private String randomLiteral() {
        String[] literals = {"true", "false", "null", "tru", "nul", "truex", "True", "NULL", "nullx", "fals", "t", "n"};
        return literals[random.nextInt(literals.length)];
    }

    private String randomNested() {
        String[] nested = {"{}", "[]", "{\"path\":\"/x\"}", "[1,[2,{\"a\":\"b\"}]]", "{\"a\":{\"b\":[true,null]}}",
            "[\"curl\"]", "{", "[", "{\"a\":}", "[1,]"};
        return nested[random.nextInt(nested.length)];
    }

    private static final String PLAIN_CHARS = "abcXYZ0189-_./:;,=?&% ()[]{}#'";
    private static final String[] SPECIAL_PIECES = {"\\\"", "\\\\", "\\/", "\\n", "\\t", "\\r", "\\b", "\\f", "\\u0041",
        "\\u00e9", "\\ud83d\\ude80", "\\ud800", "\\u12", "\\x", "\\", "\u00e9", "\u00ff", "\u4e2d", "\ud83d\ude80",
        "\ud800", "\u2028", "\u007f", "\u0000", "\u001f", "\n", "\t", "-", "curl", "AS64512"};

    private String randomStringContent() {
        StringBuilder out = new StringBuilder();
        int length = random.nextInt(random.nextInt(10) == 0 ? 200 : 30);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(40) == 0) {
                out.append(SPECIAL_PIECES[random.nextInt(SPECIAL_PIECES.length)]);
            } else {
                out.append(PLAIN_CHARS.charAt(random.nextInt(PLAIN_CHARS.length())));
            }
        }
        return out.toString();
    }

    private static final String[] WHITESPACE = {" ", "  ", "\t", "\n", "\r\n", "\u000b", "\u00a0", "\f", "\u2003"};

    private void whitespace(StringBuilder out) {
        if (random.nextInt(12) == 0) {
            out.append(WHITESPACE[random.nextInt(random.nextInt(10) == 0 ? WHITESPACE.length : 5)]);
        }
    }

    private String sometimesWhitespace() {
        StringBuilder out = new StringBuilder();
        whitespace(out);
        return out.toString();
    }

    private static String quoted(String name) {
        return '"' + name + '"';
    }

    private void shuffle(List<String> members) {
        for (int i = members.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            members.set(j, members.set(i, members.get(j)));
        }
    }

    // ---- Mutations: what truncation, corruption and careless producers do to a good line ----

    private static final String EDIT_CHARS = "{}[]:,\"\\-.0123456789eE+ \t\r\nabcnulltrefs/_?#%&=~"
            + "\u0000\u0001\u001f\u007f\u00e9\u00ff\u2028\u4e2d\ud83d\ude80\ud800\udfff\ufffd";

    private String mutate(String line, int edits) {
        StringBuilder out = new StringBuilder(line);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(9)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, EDIT_CHARS.charAt(random.nextInt(EDIT_CHARS.length())));
                case 2 -> out.setCharAt(at, EDIT_CHARS.charAt(random.nextInt(EDIT_CHARS.length())));
                case 3 -> out.setLength(at);
                case 4 -> {
                    int end = Math.min(out.length(), at + random.nextInt(40));
                    out.insert(random.nextInt(out.length()), out.substring(at, end));
                }
                case 5 -> out.delete(at, Math.min(out.length(), at + random.nextInt(40)));
                case 6 -> {
                    // A value's opening quote becomes a number, a literal or a nested value.
                    int quote = out.indexOf(":\"", at);
                    if (quote >= 0) {
                        String[] starts = {"[", "{", "-9", "0", "n", "t", "1.5,\"x\":\""};
                        out.replace(quote + 1, quote + 2, starts[random.nextInt(starts.length)]);
                    }
                }
                case 7 -> {
                    // Whitespace, legal or not, between tokens.
                    int comma = out.indexOf(",", at);
                    if (comma >= 0) {
                        out.insert(comma + (random.nextBoolean() ? 1 : 0), WHITESPACE[random.nextInt(WHITESPACE.length)]);
                    }
                }
                default -> {
                    // An escape inside a string.
                    int quote = out.indexOf("\"", at);
                    if (quote > 0) {
                        out.insert(quote, SPECIAL_PIECES[random.nextInt(SPECIAL_PIECES.length)]);
                    }
                }
            }
        }
        return out.toString();
    }
}
