package io.meshguard.cep;

import io.meshguard.model.IdentityType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One identity matched one behaviour pattern over a run of interval summaries, with the evidence
 * in human-readable lines (which intervals, what they did, against which thresholds). A Flink
 * POJO (public fields, no-arg constructor).
 */
public final class PatternMatch {
    public static final String BURST = "burst";
    public static final String SPIKE = "spike";
    public static final String SCAN = "scan";
    public static final String SENSITIVE_PROBE = "sensitive-probe";
    /** Every pattern name, in the order the detection wires them. */
    public static final List<String> PATTERNS = List.of(BURST, SPIKE, SCAN, SENSITIVE_PROBE);

    /** Evidence lists at most this many interval lines (a scan may span 60 intervals). */
    static final int MAX_INTERVAL_LINES = 10;

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    public String identity;
    public IdentityType identityType;
    public String segment;
    /** One of {@link #PATTERNS}. */
    public String pattern;

    /** Start (event time, ms) of the first matched interval. */
    public long firstIntervalMillis;
    /** Start (event time, ms) of the last matched interval: when the pattern completed. */
    public long lastIntervalMillis;
    /** Matched intervals. */
    public int intervals;
    /** Requests in the matched intervals. */
    public long totalRequests;

    /** Human-readable evidence: a summary line, then one line per matched interval (capped). */
    public String[] evidence;

    /** Segment mode and policy version in force at the last matched interval. */
    public String segmentMode;

    public long policyVersion;

    public PatternMatch() {}

    /**
     * The match of {@code pattern} over {@code matched} (one identity's summaries, any order),
     * explained with the thresholds each summary carried.
     */
    public static PatternMatch of(String pattern, List<IntervalSummary> matched, PatternConfig config) {
        if (!PATTERNS.contains(pattern)) {
            throw new IllegalArgumentException("unknown pattern '" + pattern + "', expected one of " + PATTERNS);
        }
        if (matched.isEmpty()) {
            throw new IllegalArgumentException("a " + pattern + " match needs at least one interval");
        }
        List<IntervalSummary> sorted = new ArrayList<>(matched);
        sorted.sort(Comparator.comparingLong(s -> s.intervalStartMillis));
        IntervalSummary first = sorted.get(0);
        IntervalSummary last = sorted.get(sorted.size() - 1);
        IntervalSummary.Totals totals = IntervalSummary.Totals.of(sorted);

        PatternMatch m = new PatternMatch();
        m.identity = last.identity;
        m.identityType = last.identityType;
        m.segment = last.segment;
        m.pattern = pattern;
        m.firstIntervalMillis = first.intervalStartMillis;
        m.lastIntervalMillis = last.intervalStartMillis;
        m.intervals = sorted.size();
        m.totalRequests = totals.requests();
        m.segmentMode = last.segmentMode;
        m.policyVersion = last.policyVersion;
        m.evidence = evidence(pattern, sorted, totals, config);
        return m;
    }

    private static String[] evidence(
            String pattern, List<IntervalSummary> sorted, IntervalSummary.Totals totals, PatternConfig config) {
        IntervalSummary last = sorted.get(sorted.size() - 1);
        List<String> lines = new ArrayList<>();
        switch (pattern) {
            case BURST -> {
                lines.add(String.format(Locale.ROOT, "%d intervals over the rate limit in %s s (burst: %d within %s s)",
                        sorted.size(), seconds(totals.spanMillis()), config.burstIntervals,
                        seconds(config.burstWithin.toMillis())));
                intervalLines(lines, sorted, s -> rateVs(s, "limit", s.rateLimitRps));
            }
            case SPIKE -> intervalLines(lines, sorted, s -> rateVs(s, "spike limit", config.spikeLimitRps(s))
                    + String.format(Locale.ROOT, " (limit %.1f req/s)", s.rateLimitRps));
            case SCAN -> {
                lines.add(String.format(Locale.ROOT,
                        "%d new paths in %s s (cut-off %d within %s s), %d of %d requests (%.0f%%) 404/403/400 "
                                + "(cut-off %.0f%%)",
                        totals.newPaths(), seconds(totals.spanMillis()), config.scanDistinctPaths(last),
                        seconds(config.scanWithin.toMillis()), totals.notFoundOrForbidden(), totals.requests(),
                        100 * totals.notFoundOrForbiddenShare(), 100 * config.scanFailureShare));
                intervalLines(lines, sorted, s -> String.format(Locale.ROOT, "%d req, %d new %s, %d 404/403/400",
                        s.requests, s.newPaths, s.newPaths == 1 ? "path" : "paths", s.notFoundOrForbidden));
            }
            case SENSITIVE_PROBE -> {
                lines.add(String.format(Locale.ROOT, "%d sensitive-path hits in %s s (cut-off %d within %s s)",
                        totals.sensitiveHits(), seconds(totals.spanMillis()), config.sensitiveHits,
                        seconds(config.sensitiveWithin.toMillis())));
                intervalLines(lines, sorted, s -> String.format(Locale.ROOT, "%d sensitive-path %s, %d req",
                        s.sensitiveHits, s.sensitiveHits == 1 ? "hit" : "hits", s.requests));
            }
            default -> throw new IllegalStateException(pattern);
        }
        return lines.toArray(new String[0]);
    }

    /** One line per interval; beyond the cap, the first ones, a count of those left out, and the last. */
    private static void intervalLines(
            List<String> lines, List<IntervalSummary> sorted, Function<IntervalSummary, String> what) {
        int n = sorted.size();
        for (int i = 0; i < n; i++) {
            if (n > MAX_INTERVAL_LINES && i == MAX_INTERVAL_LINES - 2) {
                lines.add(String.format(Locale.ROOT, "... %d more intervals", n - (MAX_INTERVAL_LINES - 1)));
                i = n - 1;
            }
            IntervalSummary s = sorted.get(i);
            lines.add("interval " + clock(s.intervalStartMillis) + " " + what.apply(s));
        }
    }

    /** {@code 58 req vs limit 10.0 req/s}; for intervals other than 1 s the rate is spelled out. */
    static String rateVs(IntervalSummary s, String limitName, double limitRps) {
        if (s.lengthMillis() == 1000) {
            return String.format(Locale.ROOT, "%d req vs %s %.1f req/s", s.requests, limitName, limitRps);
        }
        return String.format(Locale.ROOT, "%d req in %s s = %.1f req/s vs %s %.1f req/s",
                s.requests, seconds(s.lengthMillis()), s.rate(), limitName, limitRps);
    }

    /** Wall-clock time of day (UTC) of an event time. */
    static String clock(long millis) {
        return CLOCK.format(Instant.ofEpochMilli(millis));
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0
                ? Long.toString(millis / 1000)
                : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    @Override
    public String toString() {
        return "PatternMatch{" + pattern + " " + identity + " (" + segment + ", " + segmentMode + ", policy v"
                + policyVersion + ") " + intervals + " intervals " + firstIntervalMillis + ".." + lastIntervalMillis
                + ", " + totalRequests + " req, evidence=" + Arrays.toString(evidence) + "}";
    }
}
