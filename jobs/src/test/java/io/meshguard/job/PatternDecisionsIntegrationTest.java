package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.cep.PatternMatch;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.sources.ControlSources;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.model.Action;
import io.meshguard.model.DeadLetter;
import io.meshguard.model.Decision;
import io.meshguard.model.RawTelemetry;
import io.meshguard.sim.SimulationConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour patterns alone, on a MiniCluster at parallelism 2: with the score cut-offs out of
 * reach, a slow path scanner, a burster and a sensitive-path prober hidden in ordinary browsing are
 * each caught by the pattern made for them, and no ordinary user is touched.
 *
 * <p>The replayed file reaches the parsers partitioned by client, so each identity's requests stay
 * in event-time order. Spread round-robin (as {@link TelemetrySources#file} spreads them), a fast
 * replay delivers one identity's requests out of order by a network buffer's worth of event time;
 * {@link #burstIsCountedPerEventTimeSecondWhateverTheArrivalOrder} checks that the per-second
 * interval counts the patterns read are still exact.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PatternDecisionsIntegrationTest {
    private static final int PARALLELISM = 2;
    private static final long T0 = SimulationConfig.DEFAULT_START_EPOCH_MILLIS;
    private static final int RUN_SECONDS = 150;

    /** Attacks start once every legitimate identity has a baseline of its own. */
    private static final long ATTACKS_FROM = T0 + 60_000;

    private static final String SCANNER_IP = "198.18.200.7";
    private static final String BURSTER_IP = "198.18.200.8";
    private static final String PROBER_IP = "198.18.200.9";
    private static final String SCANNER = "ip:" + SCANNER_IP;
    private static final String BURSTER = "ip:" + BURSTER_IP;
    private static final String PROBER = "ip:" + PROBER_IP;
    private static final long SCAN_FROM = ATTACKS_FROM;
    private static final long BURST_FROM = ATTACKS_FROM + 20_000;
    private static final long PROBE_FROM = ATTACKS_FROM + 30_000;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    @TempDir
    static Path dir;

    private static Traffic traffic;
    private static Path file;
    private static List<Decision> decisions;
    private static List<PatternMatch> matches;

    @BeforeAll
    static void runTrafficThroughTheWorkflow() throws Exception {
        traffic = Traffic.generate(new SplittableRandom(20_261_123L));
        file = TelemetryLines.write(dir.resolve("access.jsonl"), traffic.requests);

        Outcome outcome = run(true);
        decisions = outcome.decisions;
        matches = outcome.matches;
    }

    private record Outcome(List<Decision> decisions, List<PatternMatch> matches) {}

    /**
     * @param inOrderPerIdentity hand each client's lines to one parser instance, so every identity's
     *     requests reach the detector in event-time order; else the file's lines are spread over
     *     the parsers round-robin, as {@link TelemetrySources#file} does
     */
    private static Outcome run(boolean inOrderPerIdentity) throws Exception {
        Configuration cluster = new Configuration();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        env.setParallelism(PARALLELISM);
        env.getConfig().enableObjectReuse();
        DataStream<RawTelemetry> lines = TelemetrySources.file(env, file.toString());
        if (inOrderPerIdentity) {
            lines = lines.partitionCustom((client, n) -> Math.floorMod(client.hashCode(), n),
                    raw -> TelemetryLines.forwardedFor(raw.line));
        }
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env, lines, ControlSources.none(env),
                MeshGuardConfig.from(scoreCutOffsOutOfReach()));
        Collected<Decision> collectedDecisions = Collected.of(streams.decisions());
        Collected<PatternMatch> collectedMatches = Collected.of(streams.patternMatches());
        Collected<DeadLetter> deadLetters = Collected.of(streams.deadLetters());
        env.executeAsync("behaviour patterns");
        collectedDecisions.startDraining();
        collectedMatches.startDraining();
        deadLetters.startDraining();

        Outcome outcome = new Outcome(collectedDecisions.await(), collectedMatches.await());
        assertThat(deadLetters.await()).as("every crafted line is valid telemetry").isEmpty();
        return outcome;
    }

    /**
     * The score-based detector would catch these attackers too (and usually first), so a decision
     * could not tell which detector acted. With the cut-offs at the top of their sane ranges (100
     * and 1000) no score reaches them: a feature contributes at most (deviation cap 20 − noise gate
     * 2) × its weight, and the norm over all sixteen default weights is 18 × √10.11 ≈ 57. The
     * tightening factor is pinned at 1 so that a segment under pressure cannot halve the cut-offs
     * back into reach (it would also halve the burst floor, which this test wants at its 20 req/s).
     */
    private static Configuration scoreCutOffsOutOfReach() {
        Configuration c = new Configuration();
        c.set(MeshGuardOptions.THRESHOLDS_QUARANTINE_SCORE_MAX, 1000.0);
        c.set(MeshGuardOptions.THRESHOLDS_RATE_LIMIT_SCORE_MAX, 100.0);
        c.set(MeshGuardOptions.DECISION_QUARANTINE_SCORE, 1000.0);
        c.set(MeshGuardOptions.DECISION_RATE_LIMIT_SCORE, 100.0);
        c.set(MeshGuardOptions.THRESHOLDS_TIGHTENING_FACTOR_MIN, 1.0);
        return c;
    }

    @Test
    void slowScannerBelowAnyRateLimitIsQuarantinedByTheScanPattern() {
        Decision first = firstNonAllow(SCANNER);

        assertThat(first.action).isEqualTo(Action.QUARANTINE);
        assertThat(first.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
        assertThat(first.pattern).isEqualTo(PatternMatch.SCAN);
        assertThat(first.evidence).isNotEmpty();
        assertThat(first.evidence[0]).contains("new paths").contains("404/403/400");
        // 8 distinct paths are grace, then 20 new failing ones at 0.65 req/s: about 40 s (measured 41 s).
        assertThat(first.timestampMillis - SCAN_FROM).as("ms from the scanner's first request to its quarantine")
                .isBetween(30_000L, 60_000L);
    }

    @Test
    void burstOverTheFloorIsRateLimitedByTheBurstPattern() {
        Decision first = firstNonAllow(BURSTER);

        assertThat(first.action).isEqualTo(Action.RATE_LIMIT);
        assertThat(first.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
        assertThat(first.pattern).isEqualTo(PatternMatch.BURST);
        assertThat(first.limitRps).isPositive().isLessThan(Traffic.BURST_RPS);
        assertThat(first.evidence).isNotEmpty();
        assertThat(first.evidence[0]).contains("over the rate limit");
        // Three over-limit one-second intervals: the third one starts 2 s into the burst (measured 2 s).
        assertThat(first.timestampMillis - BURST_FROM).as("ms from the burst's start to the rate limit")
                .isBetween(2_000L, 6_000L);
        assertThat(decisionsOf(BURSTER)).extracting(d -> d.pattern).as("a burst, not a spike").doesNotContain(
                PatternMatch.SPIKE);
    }

    @Test
    void sensitivePathProberIsQuarantinedByTheSensitiveProbePattern() {
        Decision first = firstNonAllow(PROBER);

        assertThat(first.action).isEqualTo(Action.QUARANTINE);
        assertThat(first.trigger).isEqualTo(Decision.TRIGGER_PATTERN);
        assertThat(first.pattern).isEqualTo(PatternMatch.SENSITIVE_PROBE);
        assertThat(first.evidence).isNotEmpty();
        assertThat(first.evidence[0]).contains("sensitive-path hits");
        // The fourth probe comes 9 s after the first (measured 9 s); the window is 30 s.
        assertThat(first.timestampMillis - PROBE_FROM).as("ms from the first probe to the quarantine")
                .isBetween(9_000L, 30_000L);
    }

    @Test
    void patternStreamNamesEachPatternForItsIdentity() {
        assertThat(matchedPatterns(SCANNER)).containsExactly(PatternMatch.SCAN);
        assertThat(matchedPatterns(BURSTER)).containsExactly(PatternMatch.BURST);
        assertThat(matchedPatterns(PROBER)).containsExactly(PatternMatch.SENSITIVE_PROBE);
        assertThat(matches).allSatisfy(m -> {
            assertThat(m.identity).isIn(SCANNER, BURSTER, PROBER);
            assertThat(m.evidence).isNotEmpty();
            assertThat(m.segment).isEqualTo("asn:" + Traffic.HOSTING_ASN);
        });
    }

    @Test
    void scoreBasedDetectorNeverActs() {
        assertThat(decisions).isNotEmpty();
        assertThat(decisions).extracting(d -> d.trigger)
                .as("triggers: patterns and the end of what they held")
                .containsOnly(Decision.TRIGGER_PATTERN, Decision.TRIGGER_EXPIRY);
    }

    @Test
    void ordinaryBrowsingIsNeverActedOn() {
        Set<String> actedOn = decisions.stream()
                .filter(d -> d.action != Action.ALLOW)
                .map(d -> d.identity)
                .collect(Collectors.toSet());

        assertThat(traffic.legitIdentities).hasSizeGreaterThanOrEqualTo(200);
        assertThat(actedOn).containsExactlyInAnyOrder(SCANNER, BURSTER, PROBER);
        assertThat(decisions).filteredOn(d -> traffic.legitIdentities.contains(d.identity))
                .as("decisions about legitimate identities")
                .isEmpty();
    }

    @Test
    void burstIsCountedPerEventTimeSecondWhateverTheArrivalOrder() throws Exception {
        Outcome outcome = run(false);

        List<PatternMatch> bursts = outcome.matches.stream().filter(m -> m.identity.equals(BURSTER)).toList();
        // 6 s over the limit: two bursts of 3 intervals each, as when every identity's requests arrive in order
        assertThat(bursts).extracting(m -> m.pattern).containsExactly(PatternMatch.BURST, PatternMatch.BURST);
        assertThat(bursts).allSatisfy(burst -> assertThat(Arrays.asList(burst.evidence).subList(1, burst.evidence.length))
                .as("one line per matched interval")
                .hasSize(3)
                .allSatisfy(line -> assertThat(line).containsPattern(" 4[0-5] req vs limit 20.0 req/s")));
    }

    private static Decision firstNonAllow(String identity) {
        List<Decision> acted = decisionsOf(identity).stream().filter(d -> d.action != Action.ALLOW).toList();
        assertThat(acted).as("non-ALLOW decisions for %s", identity).isNotEmpty();
        return acted.get(0);
    }

    /** One identity's decisions in the order they were made. */
    private static List<Decision> decisionsOf(String identity) {
        return decisions.stream()
                .filter(d -> d.identity.equals(identity))
                .sorted((a, b) -> Long.compare(a.version, b.version))
                .toList();
    }

    private static Set<String> matchedPatterns(String identity) {
        return matches.stream().filter(m -> m.identity.equals(identity)).map(m -> m.pattern)
                .collect(Collectors.toSet());
    }

    /** Crafted traffic: ordinary browsing from residential ASNs, and three attackers in a hosting ASN. */
    static final class Traffic {
        static final int HOSTING_ASN = 64601;
        static final double BURST_RPS = 40;
        private static final int[] RESIDENTIAL_ASNS = {64500, 64501, 64502, 64503};
        private static final String[] COUNTRIES = {"us", "us", "de", "gb"};
        private static final String[] USER_AGENTS =
                {TelemetryLines.BROWSER_UA, TelemetryLines.FIREFOX_UA, TelemetryLines.SAFARI_UA};
        private static final String[] PAGES = {"/", "/products", "/cart", "/account", "/help", "/deals"};
        private static final String[] ASSETS = {"/static/app.js", "/static/app.css", "/static/logo.svg",
            "/static/fonts/inter.woff2"};
        private static final String[] SCAN_DIRECTORIES = {"tmp", "test", "dev", "staging", "vendor", "private",
            "uploads", "files", "data", "include", "scripts", "api/v2", "api/beta"};
        private static final String[] SCAN_EXTENSIONS = {".php", ".json", ".txt", ".asp", ".jsp", ".yml", ""};
        private static final String[] SENSITIVE = {"/.env", "/.git/config", "/admin", "/backup.sql",
            "/wp-admin/", "/server-status", "/.aws/credentials", "/db.bak"};

        final List<TelemetryLines.Request> requests = new ArrayList<>();
        final Set<String> legitIdentities = new HashSet<>();

        static Traffic generate(SplittableRandom r) {
            Traffic t = new Traffic();
            for (int i = 0; i < 200; i++) {
                int a = i % RESIDENTIAL_ASNS.length;
                String ip = "198.18." + (a + 1) + "." + (10 + i / RESIDENTIAL_ASNS.length);
                // A third of the users are logged in: their identity is the JWT subject.
                String user = i % 3 == 0 ? "shopper-" + i : null;
                t.legitIdentities.add(user != null ? "user:" + user : "ip:" + ip);
                String agent = USER_AGENTS[i % USER_AGENTS.length];
                t.browse(r, T0 + r.nextInt(5_000), T0 + RUN_SECONDS * 1000L, ip, user, RESIDENTIAL_ASNS[a],
                        COUNTRIES[a], agent);
            }
            // Somebody on a VPN in the same hosting ASN as the attackers, browsing like everyone else.
            t.legitIdentities.add("ip:198.18.200.50");
            t.browse(r, T0 + 2_000, T0 + RUN_SECONDS * 1000L, "198.18.200.50", null, HOSTING_ASN, "nl",
                    TelemetryLines.FIREFOX_UA);
            t.slowScan(r);
            t.burst(r);
            t.probe(r);
            return t;
        }

        /**
         * Page loads every 2-8 s: the page, some of its assets within half a second, and an API call
         * or two; now and then a product page never seen before, and a rare broken link (404).
         */
        private void browse(SplittableRandom r, long from, long until, String ip, String user, int asn,
                String country, String agent) {
            for (long t = from; t < until; t += 2_000 + r.nextInt(6_000)) {
                String page = r.nextDouble() < 0.4 ? "/products/" + (1 + r.nextInt(400)) : PAGES[r.nextInt(PAGES.length)];
                boolean broken = r.nextDouble() < 0.03;
                add(t, ip, user, asn, country, agent).get(page).status(broken ? 404 : 200)
                        .bytes(0, broken ? 153 : 20_000 + r.nextInt(40_000)).durationMillis(30 + r.nextInt(80));
                int assets = r.nextInt(ASSETS.length + 1);
                for (int k = 0; k < assets; k++) {
                    add(t + 40 + 60L * k, ip, user, asn, country, agent).get(ASSETS[k])
                            .status(r.nextDouble() < 0.5 ? 304 : 200).bytes(0, 2_000 + r.nextInt(50_000))
                            .durationMillis(3 + r.nextInt(10));
                }
                int calls = 1 + r.nextInt(2);
                for (int k = 0; k < calls; k++) {
                    String api = r.nextBoolean() ? "/api/v1/cart" : "/api/v1/recommendations";
                    add(t + 300 + 120L * k, ip, user, asn, country, agent).get(api).bytes(0, 800 + r.nextInt(3_000))
                            .durationMillis(15 + r.nextInt(40));
                }
            }
        }

        /** About 0.7 req/s, every request a path never seen, nearly all answered 404 or 403. */
        private void slowScan(SplittableRandom r) {
            long t = SCAN_FROM;
            for (int i = 0; i < 60; i++) {
                StringBuilder path = new StringBuilder("/").append(SCAN_DIRECTORIES[r.nextInt(SCAN_DIRECTORIES.length)])
                        .append('/');
                for (int k = 0; k < 6; k++) {
                    path.append((char) ('a' + r.nextInt(26)));
                }
                path.append(SCAN_EXTENSIONS[r.nextInt(SCAN_EXTENSIONS.length)]);
                double u = r.nextDouble();
                int status = u < 0.85 ? 404 : u < 0.95 ? 403 : 200;
                add(t, SCANNER_IP, null, HOSTING_ASN, "nl", TelemetryLines.SAFARI_UA).get(path.toString())
                        .status(status).bytes(0, status == 200 ? 900 : 153);
                t += 1_200 + r.nextInt(700); // 1.2-1.9 s apart: about 0.65 req/s
            }
        }

        /** Browses calmly, then fetches catalogue pages at 40 req/s for 6 s, all answered 200. */
        private void burst(SplittableRandom r) {
            browse(r, T0 + 1_000, BURST_FROM, BURSTER_IP, null, HOSTING_ASN, "nl", TelemetryLines.BROWSER_UA);
            for (int i = 0; i < BURST_RPS * 6; i++) {
                long t = BURST_FROM + (long) (i * 1000 / BURST_RPS);
                add(t, BURSTER_IP, null, HOSTING_ASN, "nl", TelemetryLines.BROWSER_UA)
                        .get("/api/v1/products/" + (1 + r.nextInt(60))).bytes(0, 1_200 + r.nextInt(2_000));
            }
            browse(r, BURST_FROM + 10_000, T0 + RUN_SECONDS * 1000L, BURSTER_IP, null, HOSTING_ASN, "nl",
                    TelemetryLines.BROWSER_UA);
        }

        /** Browses calmly, then tries one well-known sensitive file every 3 s. */
        private void probe(SplittableRandom r) {
            browse(r, T0 + 3_000, PROBE_FROM, PROBER_IP, null, HOSTING_ASN, "nl", TelemetryLines.FIREFOX_UA);
            for (int i = 0; i < SENSITIVE.length; i++) {
                add(PROBE_FROM + 3_000L * i, PROBER_IP, null, HOSTING_ASN, "nl", TelemetryLines.FIREFOX_UA)
                        .get(SENSITIVE[i]).status(i % 3 == 2 ? 403 : 404).bytes(0, 150);
            }
        }

        private TelemetryLines.Request add(long t, String ip, String user, int asn, String country,
                String agent) {
            TelemetryLines.Request q = TelemetryLines.request(t).clientIp(ip).asn(asn, country).userAgent(agent);
            if (user != null) {
                q.userId(user);
            }
            requests.add(q);
            return q;
        }
    }
}
