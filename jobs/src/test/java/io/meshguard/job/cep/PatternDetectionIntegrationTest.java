package io.meshguard.job.cep;

import static io.meshguard.job.cep.Summaries.T0;
import static io.meshguard.job.cep.Summaries.dotfiles;
import static io.meshguard.job.cep.Summaries.interval;
import static io.meshguard.job.cep.Summaries.probe;
import static io.meshguard.job.cep.Summaries.withLimit;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternConfig;
import io.meshguard.cep.PatternMatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * All four patterns on a MiniCluster at parallelism 2, over one minute of synthetic interval
 * summaries from attackers, normal users, a legitimate flash crowd and a segment whose limit is
 * tightened halfway. The job runs once; each test judges one group of identities.
 */
class PatternDetectionIntegrationTest {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final PatternConfig CONFIG = PatternConfig.defaults();
    private static final int SECONDS = 60;

    private static final String BURSTER = "user:burster";
    private static final String SPIKER = "user:spiker";
    private static final String SLOW_SCANNER = "ip:203.0.113.66";
    private static final String DOTFILE_PROBER = "ip:203.0.113.77";
    private static final String STEADY = "user:steady";
    private static final String STEADY_TWIN = "user:steady-twin";
    private static final int NORMAL_USERS = 20;
    private static final int FLASH_CROWD = 300;

    private static Map<String, List<PatternMatch>> matchesByIdentity;
    private static List<PatternMatch> allMatches;
    private static JobID jobId;

    /**
     * Runs the job on the first test that needs it. Not in {@code @BeforeAll}: the extension makes
     * {@code getExecutionEnvironment()} submit to its cluster only around each test.
     */
    @BeforeEach
    void runDetectionOnOneMinuteOfTrafficOnce() throws Exception {
        if (allMatches == null) {
            allMatches = run(traffic());
            matchesByIdentity = allMatches.stream().collect(Collectors.groupingBy(m -> m.identity));
        }
    }

    private static List<PatternMatch> run(List<IntervalSummary> traffic) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<IntervalSummary> summaries = env
                .fromData(traffic, TypeInformation.of(IntervalSummary.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<IntervalSummary>forMonotonousTimestamps()
                        .withTimestampAssigner((s, previous) -> s.intervalStartMillis));

        CloseableIterator<PatternMatch> results = PatternDetection.detect(summaries, CONFIG).collectAsync();
        JobClient job = env.executeAsync("cep patterns on synthetic summaries");
        jobId = job.getJobID();
        List<PatternMatch> out = new ArrayList<>();
        try (results) {
            results.forEachRemaining(out::add);
        }
        job.getJobExecutionResult().get();
        return out;
    }

    /** One minute of summaries, in event-time order as the identity operator would emit them. */
    private static List<IntervalSummary> traffic() {
        List<IntervalSummary> all = new ArrayList<>();
        for (int s = 0; s < SECONDS; s++) {
            // Three over-limit seconds within 10 s (not adjacent), otherwise 3 req/s.
            all.add(interval(BURSTER, "asn:64500", s, s == 20 ? 25 : s == 22 ? 30 : s == 25 ? 40 : 3));
            // One second at 80 x the limit.
            all.add(interval(SPIKER, "asn:64500", s, s == 30 ? 800 : 3));
            // 0.75 req/s, each request a new path, six in seven answered 404: never near a rate limit.
            if (s % 4 != 3) {
                all.add(probe(SLOW_SCANNER, "asn:64501", s, 1, 1, s % 7 == 0 ? 0 : 1));
            }
            // Dotfiles at 5, 8, 12 and 15 s (four in 30 s), one more at 40 s.
            if (s == 5 || s == 8 || s == 12 || s == 15 || s == 40) {
                all.add(dotfiles(DOTFILE_PROBER, "asn:64501", s, 1));
            }
            // The same 6 req/s in two segments; asn:64503 is tightened to 5 req/s at 30 s.
            IntervalSummary steady = interval(STEADY, "asn:64503", s, 6);
            all.add(s < 30 ? steady : withLimit(steady, 5, "elevated", 2));
            all.add(interval(STEADY_TWIN, "asn:64504", s, 6));
            for (int u = 0; u < NORMAL_USERS; u++) {
                all.add(normalUser(u, s));
            }
            for (int c = 0; c < FLASH_CROWD; c++) {
                int arrival = c % 10;
                if (s >= arrival && s < arrival + 20) {
                    all.add(flashCrowdVisitor(c, s - arrival, s));
                }
            }
        }
        all.sort(Comparator.comparingLong(x -> x.intervalStartMillis));
        return all;
    }

    /** 1 to 6 req/s, a few new pages, one 404 every 15 s. */
    private static IntervalSummary normalUser(int u, int s) {
        IntervalSummary x = probe("user:u-" + u, "asn:64500", s, 1 + (u + s) % 6, s % 10 == 0 ? 1 : 0,
                (s + u) % 15 == 0 ? 1 : 0);
        x.errors4xx = x.notFoundOrForbidden;
        return x;
    }

    /** A real visitor of a flash crowd: lands (new pages), then browses at 4-8 req/s, all 200. */
    private static IntervalSummary flashCrowdVisitor(int c, int sinceArrival, int s) {
        int newPaths = sinceArrival == 0 ? 5 : sinceArrival % 4 == 0 ? 1 : 0;
        return probe("ip:192.0.2." + c, "asn:64502", s, 4 + (c + s) % 5, newPaths, 0);
    }

    private static List<PatternMatch> matchesOf(String identity) {
        return matchesByIdentity.getOrDefault(identity, List.of());
    }

    private static String metricPattern(String name) {
        return "\\." + PatternDetection.METRIC_GROUP + "\\." + name + "$";
    }

    /** The counter summed over the operator's subtasks. */
    private static long counter(String name) {
        return METRICS.findMetrics(jobId, metricPattern(name)).values().stream()
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    @Test
    void threeOverLimitIntervalsWithinTenSecondsAreOneBurst() {
        assertThat(matchesOf(BURSTER)).singleElement().satisfies(m -> {
            assertThat(m.pattern).isEqualTo(PatternMatch.BURST);
            assertThat(m.segment).isEqualTo("asn:64500");
            assertThat(m.firstIntervalMillis).isEqualTo(T0 + 20_000);
            assertThat(m.lastIntervalMillis).isEqualTo(T0 + 25_000);
            assertThat(m.intervals).isEqualTo(3);
            assertThat(m.totalRequests).isEqualTo(95);
            assertThat(m.evidence).containsExactly(
                    "3 intervals over the rate limit in 6 s (burst: 3 within 10 s)",
                    "interval 12:00:20 25 req vs limit 10.0 req/s",
                    "interval 12:00:22 30 req vs limit 10.0 req/s",
                    "interval 12:00:25 40 req vs limit 10.0 req/s");
        });
    }

    @Test
    void oneHugeIntervalIsASpikeAndNotABurst() {
        assertThat(matchesOf(SPIKER)).singleElement().satisfies(m -> {
            assertThat(m.pattern).isEqualTo(PatternMatch.SPIKE);
            assertThat(m.firstIntervalMillis).isEqualTo(T0 + 30_000).isEqualTo(m.lastIntervalMillis);
            assertThat(m.evidence).containsExactly(
                    "interval 12:00:30 800 req vs spike limit 100.0 req/s (limit 10.0 req/s)");
        });
    }

    @Test
    void aSlowScannerBelowEveryRateLimitIsCaughtByScan() {
        List<PatternMatch> matches = matchesOf(SLOW_SCANNER);

        assertThat(matches).isNotEmpty().allSatisfy(m -> assertThat(m.pattern).isEqualTo(PatternMatch.SCAN));
        PatternMatch first = matches.stream().min(Comparator.comparingLong(m -> m.lastIntervalMillis)).orElseThrow();
        assertThat(first.firstIntervalMillis).as("the first failed probe").isEqualTo(T0 + 1_000);
        assertThat(first.lastIntervalMillis - first.firstIntervalMillis)
                .as("caught within the scan window").isLessThan(CONFIG.scanWithin.toMillis());
        assertThat((double) first.totalRequests * 1000 / (first.lastIntervalMillis + 1000 - first.firstIntervalMillis))
                .as("request rate of the scan").isLessThan(1.0);
        assertThat(first.evidence[0]).isEqualTo(
                "20 new paths in 26 s (cut-off 20 within 60 s), 18 of 20 requests (90%) 404/403/400 (cut-off 60%)");
        assertThat(first.evidence[1]).isEqualTo("interval 12:00:01 1 req, 1 new path, 1 404/403/400");
    }

    @Test
    void fourDotfileHitsWithinThirtySecondsAreSensitiveProbing() {
        assertThat(matchesOf(DOTFILE_PROBER)).singleElement().satisfies(m -> {
            assertThat(m.pattern).isEqualTo(PatternMatch.SENSITIVE_PROBE);
            assertThat(m.firstIntervalMillis).isEqualTo(T0 + 5_000);
            assertThat(m.lastIntervalMillis).isEqualTo(T0 + 15_000);
            assertThat(m.evidence).containsExactly(
                    "4 sensitive-path hits in 11 s (cut-off 4 within 30 s)",
                    "interval 12:00:05 1 sensitive-path hit, 1 req",
                    "interval 12:00:08 1 sensitive-path hit, 1 req",
                    "interval 12:00:12 1 sensitive-path hit, 1 req",
                    "interval 12:00:15 1 sensitive-path hit, 1 req");
        });
    }

    @Test
    void normalUsersAndALegitimateFlashCrowdAreNeverMatched() {
        assertThat(matchesByIdentity.keySet())
                .noneMatch(identity -> identity.startsWith("user:u-"))
                .noneMatch(identity -> identity.startsWith("ip:192.0.2."));
    }

    @Test
    void tighteningASegmentTurnsTheSameRateIntoBurstsWithoutChangingThePatterns() {
        assertThat(matchesOf(STEADY_TWIN)).as("same rate, limit unchanged").isEmpty();

        List<PatternMatch> bursts = matchesOf(STEADY);
        assertThat(bursts).as("30 tightened intervals, a burst every 3").hasSize(10)
                .allSatisfy(m -> {
                    assertThat(m.pattern).isEqualTo(PatternMatch.BURST);
                    assertThat(m.firstIntervalMillis).isGreaterThanOrEqualTo(T0 + 30_000);
                    assertThat(m.segmentMode).isEqualTo("elevated");
                    assertThat(m.policyVersion).isEqualTo(2);
                });
        PatternMatch first = bursts.stream().min(Comparator.comparingLong(m -> m.firstIntervalMillis)).orElseThrow();
        assertThat(first.evidence).contains("interval 12:00:30 6 req vs limit 5.0 req/s");
    }

    @Test
    void everyMatchIsCountedUnderItsPatternsMetric() {
        Map<String, Long> byPattern = allMatches.stream()
                .collect(Collectors.groupingBy(m -> m.pattern, Collectors.counting()));

        assertThat(byPattern).containsOnlyKeys(PatternMatch.PATTERNS);
        for (String pattern : PatternMatch.PATTERNS) {
            String metric = PatternDetection.metricName(pattern);
            assertThat(METRICS.findMetrics(jobId, metricPattern(metric))).as("%s on both subtasks", metric).hasSize(2);
            assertThat(counter(metric)).as(pattern).isEqualTo(byPattern.get(pattern));
        }
        assertThat(PatternDetection.metricName(PatternMatch.SENSITIVE_PROBE)).isEqualTo("cepMatchesSensitiveProbe");
    }
}
