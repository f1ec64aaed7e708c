package io.meshguard.job.runner;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Prints a progress line every few seconds for a job on the local cluster, read from Flink's REST
 * API: elapsed time, event rate and totals, dead letters, tracked identities and decisions by action.
 *
 * <p>Operator metrics appear in REST as {@code <operator name>.meshguard.<metric>}; the operator
 * prefix depends on naming and chaining, so each metric is found by its suffix across all vertices
 * and summed over subtasks. Progress is a convenience: a missing metric reads as 0 and a failed
 * request only skips that line; nothing from polling ever reaches the job.
 */
public final class JobProgressReporter {
    public static final String EVENTS_IN = "meshguard.eventsIn";
    public static final String DEAD_LETTERS = "meshguard.deadLetters";
    public static final String TRACKED_IDENTITIES = "meshguard.trackedIdentities";
    public static final String DECISIONS_ALLOW = "meshguard.decisionsAllow";
    public static final String DECISIONS_RATE_LIMIT = "meshguard.decisionsRateLimit";
    public static final String DECISIONS_QUARANTINE = "meshguard.decisionsQuarantine";

    static final List<String> METRICS = List.of(
            EVENTS_IN, DEAD_LETTERS, TRACKED_IDENTITIES, DECISIONS_ALLOW, DECISIONS_RATE_LIMIT, DECISIONS_QUARANTINE);

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    /** Totals at one moment of the job; metrics that were not found are 0. */
    public record Totals(
            long elapsedMillis,
            long eventsIn,
            long deadLetters,
            long trackedIdentities,
            long decisionsAllow,
            long decisionsRateLimit,
            long decisionsQuarantine) {

        public static final Totals NONE = new Totals(0, 0, 0, 0, 0, 0, 0);

        /** From sums keyed by metric suffix, e.g. {@link #EVENTS_IN}. */
        static Totals of(long elapsedMillis, Map<String, Double> sums) {
            return new Totals(
                    elapsedMillis,
                    get(sums, EVENTS_IN),
                    get(sums, DEAD_LETTERS),
                    get(sums, TRACKED_IDENTITIES),
                    get(sums, DECISIONS_ALLOW),
                    get(sums, DECISIONS_RATE_LIMIT),
                    get(sums, DECISIONS_QUARANTINE));
        }

        private static long get(Map<String, Double> sums, String metric) {
            Double v = sums.get(metric);
            return v == null || !Double.isFinite(v) ? 0 : Math.round(v);
        }
    }

    private final URI restBase;
    private final String jobId;
    private final Duration interval;
    private final Consumer<String> out;
    private final HttpClient http;

    private ScheduledExecutorService scheduler;
    private long startNanos;
    private volatile Totals last = Totals.NONE;
    private Totals previousPrinted;

    /**
     * @param restBase e.g. {@code http://localhost:8081}
     * @param jobId the job's id in hex, as {@code JobID#toHexString()} gives it
     * @param out where progress lines go, e.g. {@code System.out::println}
     */
    public JobProgressReporter(URI restBase, String jobId, Duration interval, Consumer<String> out) {
        String base = restBase.toString();
        this.restBase = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.jobId = Objects.requireNonNull(jobId, "jobId");
        this.interval = interval;
        this.out = out;
        this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    }

    /** For the local runner, whose REST endpoint listens on {@code localhost:restPort}. */
    public JobProgressReporter(int restPort, String jobId, Duration interval, Consumer<String> out) {
        this(URI.create("http://localhost:" + restPort), jobId, interval, out);
    }

    /** Starts printing a line every interval on a daemon thread, so it never keeps the JVM alive. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        startNanos = System.nanoTime();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshguard-progress");
            t.setDaemon(true);
            return t;
        });
        long periodMillis = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::printProgress, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops printing, then reads the totals once more so {@link #summary()} covers the whole run
     * (best effort: if the cluster is already gone, the last line's totals remain).
     */
    public void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = scheduler;
            scheduler = null;
        }
        if (running == null) {
            return;
        }
        running.shutdownNow();
        try {
            running.awaitTermination(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Totals atEnd = poll();
            // Once a job has finished, its task metrics may be dropped from the REST metric store;
            // such a read must not replace the real totals with zeros.
            if (atEnd.eventsIn() >= last.eventsIn()) {
                last = atEnd;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Keep the totals of the last successful poll.
        }
    }

    /** The last totals read: the final ones after {@link #stop()}, all zero before any poll succeeded. */
    public Totals summary() {
        return last;
    }

    /** Reads the totals now and prints one line; any failure skips the line and nothing else. */
    void printProgress() {
        try {
            Totals now = poll();
            last = now;
            out.accept(formatLine(now, previousPrinted));
            previousPrinted = now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The REST endpoint may not be up yet or the job already gone. Catching everything also
            // matters because a scheduled task that throws is never run again.
        }
    }

    /** Reads every vertex's meshguard metrics and sums them by name. */
    Totals poll() throws IOException, InterruptedException {
        JobOverview job = parseJobOverview(get("/jobs/" + jobId));
        Map<String, Double> sums = new HashMap<>();
        for (String vertex : job.vertexIds()) {
            String metricsPath = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
            List<String> ids = matchingMetricIds(get(metricsPath));
            if (ids.isEmpty()) {
                continue;
            }
            String query = ids.stream().map(JobProgressReporter::encode).collect(Collectors.joining(","));
            addSumsBySuffix(get(metricsPath + "?agg=sum&get=" + query), sums);
        }
        long elapsed = job.durationMillis() >= 0
                ? job.durationMillis()
                : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return Totals.of(elapsed, sums);
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(restBase + path))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " returned " + response.statusCode());
        }
        return response.body();
    }

    /** Metric ids go in a comma-separated query parameter; spaces in operator names must be escaped. */
    private static String encode(String metricId) {
        return URLEncoder.encode(metricId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- formatting (pure) ------------------------------------------------------------------

    /**
     * One progress line. The event rate is the change since {@code previous}, or the average since
     * the start when there is no previous reading.
     */
    public static String formatLine(Totals now, Totals previous) {
        double rate;
        if (previous != null && now.elapsedMillis() > previous.elapsedMillis()) {
            long deltaMillis = now.elapsedMillis() - previous.elapsedMillis();
            rate = (now.eventsIn() - previous.eventsIn()) * 1000.0 / deltaMillis;
        } else {
            rate = averageRate(now);
        }
        return format("[meshguard]", now, rate);
    }

    /** The closing line of a run: final totals with the average event rate. */
    public static String formatSummary(Totals totals) {
        return format("[meshguard] done", totals, averageRate(totals));
    }

    private static double averageRate(Totals totals) {
        return totals.elapsedMillis() > 0 ? totals.eventsIn() * 1000.0 / totals.elapsedMillis() : 0;
    }

    private static String format(String prefix, Totals t, double eventsPerSecond) {
        return String.format(
                Locale.ROOT,
                "%s %s | %,.0f events/s | %,d events | %,d dead letters | %,d identities"
                        + " | decisions: %,d allow, %,d rate-limit, %,d quarantine",
                prefix,
                formatElapsed(t.elapsedMillis()),
                Math.max(0, eventsPerSecond), // counters restart from 0 when the job restarts
                t.eventsIn(),
                t.deadLetters(),
                t.trackedIdentities(),
                t.decisionsAllow(),
                t.decisionsRateLimit(),
                t.decisionsQuarantine());
    }

    static String formatElapsed(long millis) {
        long s = Math.max(0, millis) / 1000;
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    // ---- REST responses (pure) --------------------------------------------------------------

    /** What the progress line needs from {@code GET /jobs/<id>}; duration is -1 when absent. */
    record JobOverview(long durationMillis, List<String> vertexIds) {}

    static JobOverview parseJobOverview(String json) throws IOException {
        long duration = -1;
        List<String> vertices = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("duration".equals(field) && value.isNumeric()) {
                    duration = p.getLongValue();
                } else if ("vertices".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String id = stringField(p, "id");
                        if (id != null) {
                            vertices.add(id);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new JobOverview(duration, vertices);
    }

    /**
     * From a vertex's metric list ({@code [{"id": ...}, ...]}), the ids of meshguard metrics: either
     * the bare name or {@code <operator>.<name>}.
     */
    static List<String> matchingMetricIds(String json) throws IOException {
        List<String> ids = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String id = stringField(p, "id");
                if (id != null && metricOf(id) != null) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /**
     * Adds each {@code {"id": ..., "sum": ...}} of an aggregated metrics response to {@code sums},
     * keyed by metric name; the same metric on several operators adds up.
     */
    static void addSumsBySuffix(String json, Map<String, Double> sums) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String id = null;
                Double sum = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("id".equals(field) && value == JsonToken.VALUE_STRING) {
                        id = p.getText();
                    } else if ("sum".equals(field) && value.isNumeric()) {
                        sum = p.getDoubleValue();
                    } else {
                        p.skipChildren();
                    }
                }
                String metric = id == null ? null : metricOf(id);
                if (metric != null && sum != null) {
                    sums.merge(metric, sum, Double::sum);
                }
            }
        }
    }

    /** The meshguard metric a REST metric id refers to, or null. */
    static String metricOf(String id) {
        for (String metric : METRICS) {
            if (id.equals(metric)
                    || (id.endsWith(metric) && id.charAt(id.length() - metric.length() - 1) == '.')) {
                return metric;
            }
        }
        return null;
    }

    /** Reads the current object's fields and returns the named string field, skipping the rest. */
    private static String stringField(JsonParser p, String name) throws IOException {
        String found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals(field) && value == JsonToken.VALUE_STRING) {
                found = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual);
        }
    }
}
