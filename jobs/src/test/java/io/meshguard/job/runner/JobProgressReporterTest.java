package io.meshguard.job.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.meshguard.job.runner.JobProgressReporter.JobOverview;
import io.meshguard.job.runner.JobProgressReporter.Totals;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JobProgressReporterTest {

    private static final String JOB = "5f8a1f2b3c4d5e6f7a8b9c0d1e2f3a4b";
    private static final String SOURCE_VERTEX = "cbc357ccb763df2852fee8c4fc7d55f2";
    private static final String DETECT_VERTEX = "90bea66de1c231edf33913ecd54406c1";

    /** Shaped like Flink 2.2's {@code GET /jobs/<id>}, trimmed; note the plan's nodes also carry ids. */
    private static final String JOB_DETAILS = """
            {"jid":"%s","name":"meshguard","isStoppable":false,"state":"RUNNING","job-type":"STREAMING",
             "start-time":1714564800000,"end-time":-1,"duration":65000,"maxParallelism":-1,"now":1714564865000,
             "timestamps":{"RUNNING":1714564800100,"CREATED":1714564800000},
             "vertices":[
               {"id":"%s","slotSharingGroupId":"a","name":"Source: telemetry -> parse","maxParallelism":128,
                "parallelism":2,"status":"RUNNING","start-time":1,"end-time":-1,"duration":64000,
                "tasks":{"RUNNING":2,"FINISHED":0},"metrics":{"read-bytes":0,"write-records":10,"write-records-complete":true}},
               {"id":"%s","slotSharingGroupId":"a","name":"detect","maxParallelism":128,"parallelism":2,
                "status":"RUNNING","tasks":{"RUNNING":2},"metrics":{}}
             ],
             "status-counts":{"RUNNING":2},
             "plan":{"jid":"%s","name":"meshguard","type":"STREAMING","nodes":[
               {"id":"not-a-vertex","parallelism":2,"operator":"","description":"x","inputs":[{"num":0,"id":"y"}]}]}}
            """.formatted(JOB, SOURCE_VERTEX, DETECT_VERTEX, JOB);

    private static final String SOURCE_METRIC_LIST = """
            [{"id":"Source__telemetry.numRecordsOut"},{"id":"parse.meshguard.eventsIn"},
             {"id":"parse.meshguard.deadLetters"},{"id":"numRecordsIn"},{"id":"parse.notmeshguard.eventsIn"}]
            """;

    private static final String DETECT_METRIC_LIST = """
            [{"id":"detect.meshguard.trackedIdentities"},{"id":"detect.meshguard.decisionsAllow"},
             {"id":"detect.meshguard.decisionsRateLimit"},{"id":"detect.meshguard.decisionsQuarantine"},
             {"id":"detect.numRecordsIn"}]
            """;

    @Nested
    class Formatting {
        @Test
        void showsTheRateSinceThePreviousLineAndAllTotals() {
            Totals before = new Totals(10_000, 50_000, 3, 900, 10, 2, 1);
            Totals now = new Totals(15_000, 75_000, 4, 1_200, 12, 5, 2);

            assertThat(JobProgressReporter.formatLine(now, before))
                    .isEqualTo("[meshguard] 0:00:15 | 5,000 events/s | 75,000 events | 4 dead letters"
                            + " | 1,200 identities | decisions: 12 allow, 5 rate-limit, 2 quarantine");
        }

        @Test
        void theFirstLineShowsTheAverageRateSinceTheStart() {
            Totals first = new Totals(4_000, 10_000, 0, 0, 0, 0, 0);

            assertThat(JobProgressReporter.formatLine(first, null)).contains("| 2,500 events/s |");
        }

        @Test
        void aRestartedCounterNeverShowsANegativeRate() {
            Totals before = new Totals(10_000, 50_000, 0, 0, 0, 0, 0);
            Totals afterRestart = new Totals(12_000, 100, 0, 0, 0, 0, 0);

            assertThat(JobProgressReporter.formatLine(afterRestart, before)).contains("| 0 events/s |");
        }

        @Test
        void noTimeElapsedMeansNoRate() {
            assertThat(JobProgressReporter.formatLine(Totals.NONE, Totals.NONE))
                    .startsWith("[meshguard] 0:00:00 | 0 events/s | 0 events |");
        }

        @Test
        void elapsedTimeIsHoursMinutesSeconds() {
            assertThat(JobProgressReporter.formatElapsed(3_723_999)).isEqualTo("1:02:03");
            assertThat(JobProgressReporter.formatElapsed(-5)).isEqualTo("0:00:00");
        }

        @Test
        void theSummaryGivesTotalsAndTheAverageRate() {
            Totals end = new Totals(100_000, 1_000_000, 7, 42, 1, 2, 3);

            assertThat(JobProgressReporter.formatSummary(end))
                    .isEqualTo("[meshguard] done 0:01:40 | 10,000 events/s | 1,000,000 events | 7 dead letters"
                            + " | 42 identities | decisions: 1 allow, 2 rate-limit, 3 quarantine");
        }
    }

    @Nested
    class Parsing {
        @Test
        void readsVertexIdsAndDurationButNotPlanNodes() throws IOException {
            JobOverview job = JobProgressReporter.parseJobOverview(JOB_DETAILS);

            assertThat(job.durationMillis()).isEqualTo(65_000);
            assertThat(job.vertexIds()).containsExactly(SOURCE_VERTEX, DETECT_VERTEX);
        }

        @Test
        void findsMeshguardMetricsBySuffixWhateverTheOperatorPrefix() throws IOException {
            assertThat(JobProgressReporter.matchingMetricIds(SOURCE_METRIC_LIST))
                    .containsExactly("parse.meshguard.eventsIn", "parse.meshguard.deadLetters");
            assertThat(JobProgressReporter.metricOf("meshguard.eventsIn")).isEqualTo("meshguard.eventsIn");
            assertThat(JobProgressReporter.metricOf("Map -> Filter.meshguard.eventsIn")).isEqualTo("meshguard.eventsIn");
            assertThat(JobProgressReporter.metricOf("xmeshguard.eventsIn")).isNull();
            assertThat(JobProgressReporter.metricOf("parse.meshguard.eventsInFlight")).isNull();
        }

        @Test
        void sumsTheSameMetricAcrossOperators() throws IOException {
            Map<String, Double> sums = new HashMap<>();
            JobProgressReporter.addSumsBySuffix(
                    "[{\"id\":\"a.meshguard.eventsIn\",\"sum\":10.0},{\"id\":\"b.meshguard.eventsIn\",\"sum\":5}]", sums);
            JobProgressReporter.addSumsBySuffix(
                    "[{\"id\":\"detect.meshguard.trackedIdentities\",\"min\":1.0,\"sum\":7.0,\"avg\":3.5}]", sums);

            assertThat(sums).containsEntry("meshguard.eventsIn", 15.0).containsEntry("meshguard.trackedIdentities", 7.0);
        }

        @Test
        void missingMetricsReadAsZero() {
            Totals totals = Totals.of(1_000, Map.of("meshguard.eventsIn", 12.0, "meshguard.deadLetters", Double.NaN));

            assertThat(totals).isEqualTo(new Totals(1_000, 12, 0, 0, 0, 0, 0));
        }

        @Test
        void unexpectedResponsesAreErrorsNotSilentZeros() {
            assertThatThrownBy(() -> JobProgressReporter.parseJobOverview("{\"errors\":[\"x\"]"))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> JobProgressReporter.matchingMetricIds("{\"errors\":[\"Job not found\"]}"))
                    .isInstanceOf(IOException.class);
        }
    }

    /** Polling against a stand-in REST endpoint serving canned Flink responses. */
    @Nested
    class Polling {
        private final Map<String, String> responses = new ConcurrentHashMap<>();
        private final List<String> aggregatedQueries = new CopyOnWriteArrayList<>();
        private HttpServer server;
        private boolean serverStopped;

        @BeforeEach
        void startServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                URI uri = exchange.getRequestURI();
                String query = uri.getRawQuery();
                String key = uri.getPath() + (query == null ? "" : "?agg");
                if (query != null) {
                    aggregatedQueries.add(URLDecoder.decode(query, StandardCharsets.UTF_8));
                }
                String body = responses.get(key);
                byte[] bytes = (body == null ? "{\"errors\":[\"Not found\"]}" : body).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(bytes);
                }
            });
            server.start();
        }

        @AfterEach
        void stopServer() {
            if (!serverStopped) {
                server.stop(0);
            }
        }

        private JobProgressReporter reporter(List<String> lines) {
            return new JobProgressReporter(server.getAddress().getPort(), JOB, Duration.ofSeconds(1), lines::add);
        }

        private void serveHealthyJob() {
            String vertices = "/jobs/" + JOB + "/vertices/";
            responses.put("/jobs/" + JOB, JOB_DETAILS);
            responses.put(vertices + SOURCE_VERTEX + "/subtasks/metrics", SOURCE_METRIC_LIST);
            responses.put(vertices + SOURCE_VERTEX + "/subtasks/metrics?agg",
                    "[{\"id\":\"parse.meshguard.eventsIn\",\"sum\":1234.0},{\"id\":\"parse.meshguard.deadLetters\",\"sum\":5.0}]");
            responses.put(vertices + DETECT_VERTEX + "/subtasks/metrics", DETECT_METRIC_LIST);
            responses.put(vertices + DETECT_VERTEX + "/subtasks/metrics?agg",
                    "[{\"id\":\"detect.meshguard.trackedIdentities\",\"sum\":321.0},"
                            + "{\"id\":\"detect.meshguard.decisionsAllow\",\"sum\":3.0},"
                            + "{\"id\":\"detect.meshguard.decisionsRateLimit\",\"sum\":2.0}]");
        }

        @Test
        void sumsMetricsAcrossVerticesIntoOneLine() {
            serveHealthyJob();
            List<String> lines = new CopyOnWriteArrayList<>();
            JobProgressReporter reporter = reporter(lines);

            reporter.printProgress();

            assertThat(reporter.summary()).isEqualTo(new Totals(65_000, 1234, 5, 321, 3, 2, 0));
            assertThat(lines).containsExactly(JobProgressReporter.formatLine(reporter.summary(), null));
            assertThat(aggregatedQueries).containsExactlyInAnyOrder(
                    "agg=sum&get=parse.meshguard.eventsIn,parse.meshguard.deadLetters",
                    "agg=sum&get=detect.meshguard.trackedIdentities,detect.meshguard.decisionsAllow,"
                            + "detect.meshguard.decisionsRateLimit,detect.meshguard.decisionsQuarantine");
        }

        @Test
        void aRestErrorSkipsTheLineAndKeepsTheLastTotals() {
            serveHealthyJob();
            List<String> lines = new CopyOnWriteArrayList<>();
            JobProgressReporter reporter = reporter(lines);
            reporter.printProgress();
            Totals good = reporter.summary();

            responses.remove("/jobs/" + JOB + "/vertices/" + DETECT_VERTEX + "/subtasks/metrics?agg");
            reporter.printProgress();
            responses.put("/jobs/" + JOB, "not json at all");
            reporter.printProgress();

            assertThat(lines).hasSize(1);
            assertThat(reporter.summary()).isEqualTo(good);
        }

        @Test
        void stoppingReadsTheFinalTotalsOnceMore() {
            serveHealthyJob();
            List<String> lines = new CopyOnWriteArrayList<>();
            JobProgressReporter reporter =
                    new JobProgressReporter(server.getAddress().getPort(), JOB, Duration.ofHours(1), lines::add);
            reporter.start();
            reporter.printProgress();
            responses.put("/jobs/" + JOB + "/vertices/" + SOURCE_VERTEX + "/subtasks/metrics?agg",
                    "[{\"id\":\"parse.meshguard.eventsIn\",\"sum\":2000.0}]");

            reporter.stop();

            assertThat(reporter.summary().eventsIn()).isEqualTo(2000);
            assertThat(lines).hasSize(1);
        }

        @Test
        void metricsDroppedAfterTheJobEndsDoNotWipeTheSummary() {
            serveHealthyJob();
            JobProgressReporter reporter =
                    new JobProgressReporter(server.getAddress().getPort(), JOB, Duration.ofHours(1), line -> {});
            reporter.start();
            reporter.printProgress();
            responses.put("/jobs/" + JOB + "/vertices/" + SOURCE_VERTEX + "/subtasks/metrics", "[]");
            responses.put("/jobs/" + JOB + "/vertices/" + DETECT_VERTEX + "/subtasks/metrics", "[]");

            reporter.stop();

            assertThat(reporter.summary().eventsIn()).isEqualTo(1234);
        }

        @Test
        void anUnreachableEndpointPrintsNothingAndNeverThrows() {
            List<String> lines = new CopyOnWriteArrayList<>();
            int port = server.getAddress().getPort();
            server.stop(0);
            serverStopped = true;
            JobProgressReporter reporter = new JobProgressReporter(port, JOB, Duration.ofMillis(10), lines::add);

            reporter.printProgress();
            reporter.start();
            reporter.stop();

            assertThat(lines).isEmpty();
            assertThat(reporter.summary()).isEqualTo(Totals.NONE);
        }
    }
}
