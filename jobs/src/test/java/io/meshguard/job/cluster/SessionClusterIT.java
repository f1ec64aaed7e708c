package io.meshguard.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * {@code meshguard-job.jar} on a real Flink session cluster: a JobManager and a TaskManager JVM
 * started by {@code scripts/flink-cluster.sh} from the cluster-services classpath, the job submitted
 * through Flink's CLI front end (the code path of {@code flink run}), then watched, stopped with a
 * savepoint and resumed through the REST API the web UI uses.
 *
 * <p>The tests run in order on one cluster and one job lineage: each step needs the previous one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SessionClusterIT {
    private static final String CLASSPATH_RESOURCE = "io/meshguard/clusterservices/flink-cluster.classpath";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path root;
    private static Path jobJar;
    /** A residential ASN of the simulator with traffic every second. */
    private static final String CLAMPED_SEGMENT = "asn:64500";

    private static Path work;
    private static Path stateDir;
    private static Path confDir;
    private static Path classpathFile;
    private static int restPort;

    /** The running job; replaced by the resumed one. */
    private static String jobId;
    /** Identities the detector tracked shortly before the savepoint. */
    private static long trackedBeforeStop;
    private static String savepoint;
    private static boolean failed;

    @RegisterExtension
    static final TestWatcher FAILURES = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    };

    @BeforeAll
    static void startSessionCluster() throws Exception {
        jobJar = Path.of(System.getProperty("meshguard.job.jar", "target/meshguard-job.jar")).toAbsolutePath();
        assertThat(jobJar).as("the cluster jar, built in package before this test").isRegularFile();
        root = Path.of(System.getProperty("meshguard.root", "..")).toAbsolutePath().normalize();
        work = Files.createTempDirectory("meshguard-session-cluster");
        stateDir = Files.createDirectories(work.resolve("state"));
        confDir = Files.createDirectories(work.resolve("conf"));
        classpathFile = work.resolve("cluster.classpath");
        try (InputStream in = SessionClusterIT.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            assertThat(in).as(CLASSPATH_RESOURCE + " from the cluster-services module").isNotNull();
            Files.write(classpathFile, in.readAllBytes());
        }
        int[] ports = freePorts(2);
        restPort = ports[0];
        writeClusterConfig(ports[1]);

        // Stopped in @AfterAll even when start-up fails half-way: the script writes each PID first.
        script("start", List.of(), Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopSessionCluster() throws Exception {
        if (stateDir == null) {
            return;
        }
        if (failed) {
            for (String log : List.of("jobmanager.out", "taskmanager.out")) {
                System.err.println("---- last lines of " + log + " ----\n" + tail(stateDir.resolve("log").resolve(log), 60));
            }
        }
        try {
            script("stop", List.of(), Duration.ofSeconds(60));
        } finally {
            // Whatever the script left running is killed by PID, never by name.
            for (String pidFile : List.of("taskmanager.pid", "jobmanager.pid")) {
                Path file = stateDir.resolve(pidFile);
                if (Files.exists(file)) {
                    long pid = Long.parseLong(Files.readString(file).strip());
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            if (!failed) {
                deleteRecursively(work);
            } else {
                System.err.println("cluster files kept in " + work);
            }
        }
    }

    @Test
    @Order(1)
    void submittedJobRunsWithTheDesignedVertices() throws Exception {
        // The start-up policy clamps one busy segment by hand for years. The resumed job gets the same
        // policy: with its segment state restored it has nothing to report for that segment; had the
        // state been lost, it would clamp it again from NORMAL and say so in segments.jsonl.
        Path policy = Files.writeString(work.resolve("policy.json"), "{\"version\": 1, \"manual\": [{\"target\": "
                + "\"segment:" + CLAMPED_SEGMENT + "\", \"action\": \"clamp\", \"cap_rps\": 50, "
                + "\"until\": \"2036-01-01T00:00:00Z\"}]}");
        jobId = submit(List.of(), "300", "out", "--policy.initial", policy.toString());

        JsonNode job = await("job " + jobId + " RUNNING with every vertex running", () -> {
            JsonNode j = get("/jobs/" + jobId);
            return "RUNNING".equals(j.path("state").asText()) && allSourcesFedVerticesRunning(j) ? j : null;
        });

        List<String> vertices = new ArrayList<>();
        job.path("vertices").forEach(v -> vertices.add(v.path("name").asText()));
        assertThat(String.join("\n", vertices)).contains(
                "Traffic simulator", "Parse telemetry", "Segment controller", "Detect per identity",
                "CEP burst", "CEP spike", "CEP scan", "CEP sensitive-probe", "Decide", "Decisions file");
    }

    @Test
    @Order(2)
    void customMetricsReachTheRestApi() throws Exception {
        String parse = vertexId(jobId, "Parse telemetry");
        String segments = vertexId(jobId, "Segment controller");

        long eventsIn = await("meshguard.eventsIn above zero",
                () -> positive(metricSum(jobId, parse, "Parse_telemetry.meshguard.eventsIn")));
        assertThat(eventsIn).isPositive();
        // Gauges of the segment controller: one per mode, summed over subtasks, never one per segment.
        for (String mode : List.of("segmentsNormal", "segmentsElevated", "segmentsClamped")) {
            assertThat(metricSum(jobId, segments, "Segment_controller.meshguard." + mode))
                    .as(mode).isPresent();
        }
        trackedBeforeStop = await("the identity detector tracking at least 500 identities",
                () -> trackedIdentities(jobId).filter(n -> n >= 500).orElse(null));
        await("the hand-clamped segment CLAMPED", () -> clampedSegments(jobId).filter(n -> n >= 1).orElse(null));
    }

    @Test
    @Order(3)
    void stopWithSavepointThenResumeKeepsIdentityState() throws Exception {
        trackedBeforeStop = trackedIdentities(jobId).orElse(trackedBeforeStop);
        // The empty control source finishes a few seconds after the start; a savepoint triggered just
        // as it finishes is declined ("checkpoint request for unknown task"), so wait for it to be done.
        String started = jobId;
        await("the empty control source FINISHED", () -> {
            for (JsonNode v : get("/jobs/" + started).path("vertices")) {
                if (v.path("name").asText().startsWith("Source: No control input")) {
                    return "FINISHED".equals(v.path("status").asText()) ? true : null;
                }
            }
            return true;
        });
        String trigger = post("/jobs/" + jobId + "/stop", JSON.createObjectNode()
                .put("targetDirectory", work.resolve("savepoints").toUri().toString())
                .put("drain", false)).path("request-id").asText();
        JsonNode done = await("the savepoint", () -> {
            JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
            return "COMPLETED".equals(s.path("status").path("id").asText()) ? s : null;
        });
        assertThat(done.path("operation").has("failure-cause"))
                .as("savepoint failure: " + done.path("operation").path("failure-cause")).isFalse();
        savepoint = done.path("operation").path("location").asText();
        String stopped = jobId;
        await("the stopped job FINISHED",
                () -> "FINISHED".equals(get("/jobs/" + stopped).path("state").asText()) ? true : null);

        // Resumed at one request per second: whatever the detector then tracks was restored, not re-learnt.
        jobId = submit(List.of("-s", savepoint), "1", "out-resumed", "--policy.initial",
                work.resolve("policy.json").toString());
        JsonNode restored = await("the resumed job restored from the savepoint", () -> {
            JsonNode r = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
            return r.isMissingNode() || r.isNull() ? null : r;
        });
        assertThat(restored.path("is_savepoint").asBoolean()).isTrue();
        assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);

        long clampedAfterRestore = await("the hand-clamped segment CLAMPED in the resumed job",
                () -> clampedSegments(jobId).filter(n -> n >= 1).orElse(null));
        assertThat(clampedAfterRestore).isEqualTo(1);
        // The resumed job has closed intervals of that segment (the gauge is filled as it does) and
        // checkpointed since (files are flushed on checkpoints): had it started from NORMAL, the
        // re-clamp would be in its segments.jsonl by now.
        long checkpointsBefore = completedCheckpoints(jobId);
        await("a checkpoint of the resumed job", () -> completedCheckpoints(jobId) > checkpointsBefore ? true : null);
        assertThat(clampsFromNormal(work.resolve("out").resolve("segments.jsonl")))
                .as("the first job's clamp of %s, as the resumed job would report a second one", CLAMPED_SEGMENT)
                .isNotEmpty();
        assertThat(clampsFromNormal(work.resolve("out-resumed").resolve("segments.jsonl")))
                .as("updates of %s from NORMAL after the restore", CLAMPED_SEGMENT).isEmpty();

        long trackedAfterRestore = await("trackedIdentities reported by the resumed job",
                () -> trackedIdentities(jobId).filter(n -> n > 0).orElse(null));
        assertThat(trackedAfterRestore)
                .as("identities tracked after restore (%d before the savepoint)", trackedBeforeStop)
                .isGreaterThanOrEqualTo(trackedBeforeStop * 9 / 10);
    }

    // ---------------------------------------------------------------------------------------------

    private static void writeClusterConfig(int rpcPort) throws IOException {
        String config = String.join("\n",
                "jobmanager.rpc.address: localhost",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: localhost",
                "taskmanager.bind-host: localhost",
                "taskmanager.host: localhost",
                "rest.address: localhost",
                "rest.bind-address: localhost",
                "rest.port: " + restPort,
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.memory.process.size: 1536m",
                "taskmanager.numberOfTaskSlots: 2",
                "parallelism.default: 2",
                "cluster.registration.error-delay: 1000ms",
                // The REST API serves metrics at most this old (default 10 s).
                "metrics.fetcher.update-interval: 1000ms",
                "execution.checkpointing.interval: 5s",
                "state.checkpoints.dir: " + work.resolve("checkpoints").toUri(),
                "state.savepoints.dir: " + work.resolve("savepoints").toUri(),
                "io.tmp.dirs: " + Files.createDirectories(work.resolve("tmp")),
                "");
        Files.writeString(confDir.resolve("config.yaml"), config);
        Files.writeString(confDir.resolve("log4j-console.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.console.ref = ConsoleAppender",
                "appender.console.name = ConsoleAppender",
                "appender.console.type = CONSOLE",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1.} - %m%n",
                ""));
    }

    /** Submits the job jar through the script's {@code submit} (CliFrontend run, detached); returns the job id. */
    private static String submit(List<String> runOptions, String rate, String out, String... jobArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--jar", jobJar.toString()));
        args.addAll(runOptions);
        args.addAll(List.of("--", "--out", work.resolve(out).toString(),
                // Paced and long, so the job runs until stopped.
                "--duration", "3600", "--paced", "true", "--rate", rate));
        args.addAll(List.of(jobArgs));
        String output = script("submit", args, Duration.ofSeconds(90));
        Matcher id = Pattern.compile("submitted with JobID ([0-9a-f]{32})").matcher(output);
        if (!id.find()) {
            fail("no job id in the CliFrontend output:\n" + output);
        }
        return id.group(1);
    }

    private static String script(String command, List<String> extra, Duration timeout) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/flink-cluster.sh").toString(), command,
                "--conf-dir", confDir.toString(), "--state-dir", stateDir.toString(),
                "--classpath-file", classpathFile.toString()));
        cmd.addAll(extra);
        Path output = Files.createTempFile(work, command, ".out");
        Process process = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("flink-cluster.sh " + command + " did not finish within " + timeout + ":\n" + tail(output, 60));
        }
        String text = Files.readString(output);
        if (process.exitValue() != 0) {
            fail("flink-cluster.sh " + command + " exited " + process.exitValue() + ":\n" + tail(output, 60));
        }
        return text;
    }

    /** Every vertex but the finished "no control" placeholder source is RUNNING. */
    private static boolean allSourcesFedVerticesRunning(JsonNode job) {
        for (JsonNode v : job.path("vertices")) {
            String status = v.path("status").asText();
            if (!status.equals("RUNNING") && !status.equals("FINISHED")) {
                return false;
            }
        }
        return true;
    }

    private static String vertexId(String job, String namePrefix) throws Exception {
        for (JsonNode v : get("/jobs/" + job).path("vertices")) {
            if (v.path("name").asText().startsWith(namePrefix)) {
                return v.path("id").asText();
            }
        }
        throw new AssertionError("no vertex named " + namePrefix + "... in job " + job);
    }

    private static Optional<Long> trackedIdentities(String job) throws Exception {
        return metricSum(job, vertexId(job, "Detect per identity"), "Detect_per_identity.meshguard.trackedIdentities");
    }

    /** A metric summed over the vertex's subtasks, once every subtask reports it. */
    private static List<String> clampsFromNormal(Path segmentsFile) throws IOException {
        if (!Files.exists(segmentsFile)) {
            return List.of();
        }
        return Files.readAllLines(segmentsFile).stream()
                .filter(l -> l.contains("\"segment\":\"" + CLAMPED_SEGMENT + "\"")
                        && l.contains("\"previous_mode\":\"normal\"") && l.contains("\"mode\":\"clamped\""))
                .toList();
    }

    private static long completedCheckpoints(String job) throws Exception {
        return get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
    }

    private static Optional<Long> clampedSegments(String job) throws Exception {
        return metricSum(job, vertexId(job, "Segment controller"), "Segment_controller.meshguard.segmentsClamped");
    }

    private static Optional<Long> metricSum(String job, String vertex, String metric) throws Exception {
        JsonNode values = get("/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics?get=" + metric);
        for (JsonNode value : values) {
            if (metric.equals(value.path("id").asText()) && value.has("sum")) {
                return Optional.of((long) value.path("sum").asDouble());
            }
        }
        return Optional.empty();
    }

    private static Long positive(Optional<Long> value) {
        return value.filter(n -> n > 0).orElse(null);
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(rest(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static JsonNode post(String path, JsonNode body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(rest(path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST " + path + ": " + response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    private static URI rest(String path) {
        return URI.create("http://localhost:" + restPort + path);
    }

    /** Polls {@code probe} until it returns non-null; REST errors while the job starts count as "not yet". */
    private static <T> T await(String what, ThrowingSupplier<T> probe) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out after " + STEP_TIMEOUT + " waiting for " + what
                + (last == null ? "" : "; last error: " + last.getMessage()));
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }
}
