package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.meshguard.job.config.CommandLine;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.runner.RunSummary;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.json.DeadLetterJson;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.model.MeshEvent;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays a simulated telemetry file salted with malformed lines, through the workflow on a
 * MiniCluster and through the local runner: every good line is scored, every bad one dead-lettered
 * with its text and reason, and the end of the file ends the job.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplayWithMalformedLinesIntegrationTest {
    private static final int PARALLELISM = 2;
    private static final long SEED = 20_261_123L;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    @TempDir
    static Path dir;

    private static TelemetryFile telemetry;

    @BeforeAll
    static void writeSaltedTelemetryFile() throws IOException {
        telemetry = TelemetryFile.write(dir.resolve("access.jsonl"));
    }

    @Test
    void saltedFileHoldsEveryKindOfBadLineAndEndsMidLine() throws IOException {
        Set<Kind> kinds = new HashSet<>();
        telemetry.badLines.forEach(b -> kinds.add(b.kind));
        byte[] content = Files.readAllBytes(telemetry.path);

        assertThat(kinds).hasSize(Kind.values().length).hasSizeGreaterThanOrEqualTo(12);
        assertThat(content[content.length - 1]).as("last byte").isNotEqualTo((byte) '\n');
        try (var lines = Files.lines(telemetry.path, StandardCharsets.ISO_8859_1)) {
            assertThat(lines.count()).isEqualTo(telemetry.goodLines + telemetry.badLines.size());
        }
    }

    @Test
    void workflowScoresEveryGoodLineAndDeadLettersEveryBadOneWithItsReason() throws Exception {
        Configuration cluster = new Configuration();
        // A failing job must fail the test at once instead of restarting from the file's start.
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        env.setParallelism(PARALLELISM);
        env.getConfig().enableObjectReuse();
        List<Collected<Decision>> decisions = new ArrayList<>();
        List<Collected<DeadLetter>> deadLetters = new ArrayList<>();

        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                TelemetrySources.file(env, telemetry.path.toString()), ControlSources.none(env),
                MeshGuardConfig.from(new Configuration()));
        decisions.add(Collected.of(streams.decisions()));
        deadLetters.add(Collected.of(streams.deadLetters()));
        Collected<MeshEvent> events = Collected.of(streams.events());
        JobClient job = env.executeAsync("replay with malformed lines");
        events.startDraining();
        decisions.get(0).startDraining();
        deadLetters.get(0).startDraining();

        List<MeshEvent> scored = events.await();
        List<DeadLetter> rejected = deadLetters.get(0).await();
        decisions.get(0).await();
        job.getJobExecutionResult().get();

        assertThat(job.getJobStatus().get()).as("the end of the file ends the job").isEqualTo(JobStatus.FINISHED);
        assertThat(scored).as("events from good lines").hasSize(telemetry.goodLines);
        assertThat(rejected).extracting(d -> d.raw)
                .as("dead letters, one per bad line")
                .containsExactlyInAnyOrderElementsOf(telemetry.badRaws());
        assertThat(rejected).allSatisfy(d -> {
            BadLine bad = telemetry.badLine(d.raw);
            assertThat(d.reason).as("reason for %s", bad.kind).isNotBlank().startsWith(bad.kind.reason);
            assertThat(d.origin).isEqualTo("file:" + telemetry.path);
        });
    }

    @Test
    void localRunnerWritesEveryBadLineToTheDeadLetterFileAndEveryDecisionToBothDecisionFiles() throws Exception {
        Path out = dir.resolve("runner-out");
        String[] args = {
            "--source", "file:" + telemetry.path,
            "--out", out.toString(),
            "--web-port", String.valueOf(freePort()),
            "--progress-interval", "1"
        };

        // The runner starts its own cluster with a web UI, as it does for users; the shared test
        // cluster must not stand in for it.
        TestStreamEnvironment.unsetAsContext();

        RunSummary summary = LocalRunner.run(CommandLine.parse(args, LocalRunner.allOptions()));

        List<Map<String, Object>> deadLetterLines = readJsonLines(out.resolve(LocalRunner.DEAD_LETTER_FILE));
        List<String> rawOfDeadLetters = new ArrayList<>();
        for (Map<String, Object> line : deadLetterLines) {
            String raw = (String) line.get("raw");
            // Raw input beyond the cap is cut, and flagged so.
            BadLine bad = Boolean.TRUE.equals(line.get("raw_truncated"))
                    ? telemetry.badLineStartingWith(raw, DeadLetterJson.DEFAULT_MAX_RAW_CHARS)
                    : telemetry.badLine(raw);
            assertThat(bad).as("dead letter with raw %s", abbreviate(raw)).isNotNull();
            assertThat((String) line.get("reason")).as("reason for %s", bad.kind).startsWith(bad.kind.reason);
            assertThat(line.get("origin")).isEqualTo("file:" + telemetry.path);
            rawOfDeadLetters.add(bad.raw);
        }
        assertThat(rawOfDeadLetters).containsExactlyInAnyOrderElementsOf(telemetry.badRaws());
        assertThat(deadLetterLines).anySatisfy(line -> assertThat(line.get("raw_truncated")).isEqualTo(true));

        List<Map<String, Object>> decisionLines = readJsonLines(out.resolve(LocalRunner.DECISIONS_FILE));
        List<Map<String, Object>> auditLines = readJsonLines(out.resolve(LocalRunner.AUDIT_FILE));
        assertThat(decisionLines).as("the simulated attacks are acted on").isNotEmpty();
        assertThat(auditLines).extracting(ReplayWithMalformedLinesIntegrationTest::decisionKey)
                .as("audit lines, one per decision")
                .containsExactlyInAnyOrderElementsOf(
                        decisionLines.stream().map(ReplayWithMalformedLinesIntegrationTest::decisionKey).toList());
        assertThat(auditLines).allSatisfy(line -> assertThat(line).containsKeys("features", "baseline", "deviations"));

        Map<String, Long> byAction = decisionLines.stream()
                .collect(Collectors.groupingBy(l -> (String) l.get("action"), TreeMap::new, Collectors.counting()));
        Set<Object> actedOn = decisionLines.stream()
                .filter(l -> !"ALLOW".equals(l.get("action")))
                .map(l -> l.get("identity"))
                .collect(Collectors.toSet());
        assertThat(summary.deadLetters).isEqualTo(deadLetterLines.size());
        assertThat(summary.decisions).isEqualTo(decisionLines.size());
        assertThat(summary.decisionsByAction).isEqualTo(byAction);
        assertThat(summary.identitiesActedOn).isEqualTo(actedOn.size()).isPositive();
        assertThat(summary.out).isEqualTo(out);
    }

    /** Identity, version and action: what makes a decision line unique. */
    private static String decisionKey(Map<String, Object> line) {
        return line.get("identity") + "@" + line.get("version") + ":" + line.get("action");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Each line as a map of its top-level scalars; nested values are kept as {@code "<object>"}. */
    private static List<Map<String, Object>> readJsonLines(Path file) throws IOException {
        assertThat(file).exists();
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.add(topLevel(line));
        }
        return lines;
    }

    private static Map<String, Object> topLevel(String line) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            assertThat(p.nextToken()).as("line %s", abbreviate(line)).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value.isStructStart()) {
                    p.skipChildren();
                    fields.put(name, "<object>");
                } else if (value == JsonToken.VALUE_STRING) {
                    fields.put(name, p.getText());
                } else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                    fields.put(name, p.getBooleanValue());
                } else if (value == JsonToken.VALUE_NULL) {
                    fields.put(name, null);
                } else {
                    fields.put(name, p.getNumberValue());
                }
            }
            assertThat(p.nextToken()).as("one object per line").isNull();
        }
        return fields;
    }

    // ---- The salted telemetry file ---------------------------------------------------------------

    /** The kinds of broken lines a real log pipeline delivers, each with the start of its reason. */
    enum Kind {
        NOT_JSON("malformed JSON: Unrecognized token"),
        TRUNCATED_JSON("truncated JSON: "),
        ARRAY("not a JSON object: found an array"),
        BLANK("blank line"),
        MISSING_START_TIME("missing required key 'start_time'"),
        MISSING_PATH("missing required key 'path'"),
        MISSING_RESPONSE_CODE("missing required key 'response_code'"),
        BAD_TIMESTAMP("unparseable start_time: "),
        NON_NUMERIC_RESPONSE_CODE("key 'response_code' is not a number: \"OK\""),
        NEGATIVE_DURATION("negative duration: -250"),
        OVER_LENGTH_LIMIT("line too long: "),
        DIGITS_THEN_GARBAGE("key 'bytes_sent' is not a number: \"12abc\""),
        TRAILING_GARBAGE("trailing content after the JSON object"),
        OBJECT_IN_SCALAR_KEY("key 'method' must be a scalar, found an object"),
        INVALID_UTF8("malformed JSON: Unexpected character");

        final String reason;

        Kind(String reason) {
            this.reason = reason;
        }
    }

    /** One bad line: its bytes as written and its text as a UTF-8 reader sees it. */
    record BadLine(Kind kind, byte[] bytes, String raw) {
        static BadLine of(Kind kind, String text) {
            return new BadLine(kind, text.getBytes(StandardCharsets.UTF_8), text);
        }

        static BadLine ofBytes(Kind kind, byte[] bytes) {
            // A UTF-8 reader replaces invalid bytes with U+FFFD, exactly as String decoding does.
            return new BadLine(kind, bytes, new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** A simulated minute of telemetry with bad lines at seeded random positions. */
    static final class TelemetryFile {
        private static final int COPIES_PER_KIND = 2;

        final Path path;
        final int goodLines;
        final List<BadLine> badLines;
        private final Map<String, BadLine> byRaw;

        private TelemetryFile(Path path, int goodLines, List<BadLine> badLines) {
            this.path = path;
            this.goodLines = goodLines;
            this.badLines = badLines;
            this.byRaw = badLines.stream().collect(Collectors.toMap(BadLine::raw, Function.identity()));
        }

        List<String> badRaws() {
            return badLines.stream().map(BadLine::raw).toList();
        }

        BadLine badLine(String raw) {
            return byRaw.get(raw);
        }

        /** The only bad line longer than {@code cap} that starts with {@code prefix}, or null. */
        BadLine badLineStartingWith(String prefix, int cap) {
            List<BadLine> matches = badLines.stream()
                    .filter(b -> prefix.length() == cap && b.raw.length() > cap && b.raw.startsWith(prefix))
                    .toList();
            return matches.size() == 1 ? matches.get(0) : null;
        }

        static TelemetryFile write(Path path) throws IOException {
            SimulationConfig simulation = SimulationConfig.builder()
                    .seed(SEED)
                    .durationSeconds(60)
                    .eventsPerSecond(300)
                    .build();
            TrafficSimulator simulator = new TrafficSimulator(simulation);
            List<String> good = new ArrayList<>();
            for (long tick = 0; tick < simulator.tickCount(); tick++) {
                simulator.generateTick(tick, good::add);
            }

            SplittableRandom random = new SplittableRandom(SEED);
            List<BadLine> bad = new ArrayList<>();
            for (Kind kind : Kind.values()) {
                for (int copy = 0; copy < COPIES_PER_KIND; copy++) {
                    bad.add(broken(kind, copy, good.get(random.nextInt(good.size()))));
                }
            }
            assertThat(bad.stream().map(BadLine::raw).collect(Collectors.toSet()))
                    .as("bad lines are distinct, so each dead letter names its line").hasSize(bad.size());

            // Bad lines go before the good line at their position; one more ends the file
            // unterminated, like a log cut off mid-write.
            Map<Integer, List<BadLine>> at = new HashMap<>();
            for (BadLine b : bad.subList(0, bad.size() - 1)) {
                at.computeIfAbsent(random.nextInt(good.size()), i -> new ArrayList<>()).add(b);
            }
            BadLine last = bad.get(bad.size() - 1);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
                for (int i = 0; i < good.size(); i++) {
                    for (BadLine b : at.getOrDefault(i, List.of())) {
                        out.write(b.bytes);
                        out.write('\n');
                    }
                    out.write(good.get(i).getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                }
                out.write(last.bytes);
            }
            return new TelemetryFile(path, good.size(), List.copyOf(bad));
        }

        /** A broken variant of a good simulated line. */
        private static BadLine broken(Kind kind, int copy, String good) {
            Map<String, String> fields = fields(good);
            return switch (kind) {
                case NOT_JSON -> BadLine.of(kind, "GET /api/v1/catalog/" + copy + " HTTP/1.1 200 - 512 1834");
                case TRUNCATED_JSON -> {
                    int path = good.indexOf("\"path\":\"");
                    yield BadLine.of(kind, good.substring(0, path + "\"path\":\"/".length() + copy));
                }
                case ARRAY -> BadLine.of(kind, "[" + good + "]");
                case BLANK -> BadLine.of(kind, copy == 0 ? "" : " \t  ");
                case MISSING_START_TIME -> BadLine.of(kind, json(without(fields, "start_time")));
                case MISSING_PATH -> BadLine.of(kind, json(without(fields, "path")));
                case MISSING_RESPONSE_CODE -> BadLine.of(kind, json(without(fields, "response_code")));
                case BAD_TIMESTAMP -> BadLine.of(kind,
                        json(with(fields, "start_time", quote("23/Nov/2026:10:1" + copy + ":30 +0000"))));
                case NON_NUMERIC_RESPONSE_CODE -> BadLine.of(kind, json(with(fields, "response_code", quote("OK"))));
                case NEGATIVE_DURATION -> BadLine.of(kind, json(with(fields, "duration", "-250")));
                case OVER_LENGTH_LIMIT -> BadLine.of(kind,
                        json(with(fields, "user_agent", quote("Mozilla/5.0 " + "x".repeat(70_000 + copy)))));
                case DIGITS_THEN_GARBAGE -> BadLine.of(kind, json(with(fields, "bytes_sent", quote("12abc"))));
                case TRAILING_GARBAGE -> BadLine.of(kind, good + (copy == 0 ? " garbage" : "}"));
                case OBJECT_IN_SCALAR_KEY -> BadLine.of(kind, json(with(fields, "method", "{\"verb\":\"GET\"}")));
                case INVALID_UTF8 -> {
                    // Bytes that are not UTF-8 where the first field name should start.
                    byte[] rest = good.substring(1).getBytes(StandardCharsets.UTF_8);
                    byte[] bytes = new byte[rest.length + 3];
                    bytes[0] = '{';
                    bytes[1] = (byte) 0xff;
                    bytes[2] = (byte) (copy == 0 ? 0xfe : 0xc3);
                    System.arraycopy(rest, 0, bytes, 3, rest.length);
                    yield BadLine.ofBytes(kind, bytes);
                }
            };
        }

        /** The raw JSON value of each key of a flat object, in line order. */
        private static Map<String, String> fields(String line) {
            Map<String, String> fields = new LinkedHashMap<>();
            try (JsonParser p = JSON.createParser(line)) {
                p.nextToken();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    fields.put(name, value == JsonToken.VALUE_STRING ? quote(p.getText()) : p.getText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return fields;
        }

        private static Map<String, String> with(Map<String, String> fields, String key, String rawValue) {
            fields.put(key, rawValue);
            return fields;
        }

        private static Map<String, String> without(Map<String, String> fields, String key) {
            assertThat(fields).containsKey(key);
            fields.remove(key);
            return fields;
        }

        private static String json(Map<String, String> fields) {
            StringJoiner out = new StringJoiner(",", "{", "}");
            fields.forEach((key, raw) -> out.add(quote(key) + ":" + raw));
            return out.toString();
        }

        private static String quote(String value) {
            return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + '"';
        }
    }
}
