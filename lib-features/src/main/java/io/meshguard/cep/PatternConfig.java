package io.meshguard.cep;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shape of the behaviour patterns run over {@link IntervalSummary} streams, with defaults;
 * immutable and validated once. Error messages name the option as {@code cep.<name>}.
 *
 * <p>The per-segment thresholds (rate limit, spike limit, scan cut-off) are not set here: they
 * travel on each summary so that they can move while the patterns stay the same. This class holds
 * what the pattern structure needs (counts and windows) and the fallbacks for summaries that were
 * not enriched with a value.
 *
 * <h2>Why the defaults are what they are</h2>
 *
 * <ul>
 *   <li><b>burst</b>: 3 intervals over the identity's rate limit within 10 s. One over-limit second
 *       is a page load; three in ten seconds is sustained. The intervals need not be consecutive.
 *   <li><b>burst limit floor</b>: an interval is over the limit only above 20 req/s (times the
 *       segment's tightening factor, so 10 in a fully clamped segment), whatever the identity's
 *       own typical rate. Ordinary browsing reaches 15-21 requests in its busiest second (a page
 *       with its assets), and a new identity's typical rate is only a prior; below the floor, per
 *       second rates say nothing about abuse and the score-based detector is the judge.
 *   <li><b>spike</b>: one interval at 10 × the limit or more, which no page load produces; it fires
 *       on the first such interval instead of waiting for a burst.
 *   <li><b>scan</b>: within 60 s, at least 3 intervals that reached new paths, the first of them
 *       with a failure, together at least 20 new paths with at least 60 % of all their requests
 *       answered 404/403/400 on non-static paths. This is CrowdSec's {@code http-probing}
 *       (distinct paths, 404/403/400, capacity 10 per 10 s leak) made rate-independent: a scanner
 *       crawling at 0.7 req/s stays far below any rate limit but still collects 20 new failing
 *       paths in well under a minute.
 *   <li><b>sensitive probing</b>: 4 hits on sensitive paths within 30 s, like CrowdSec's {@code
 *       http-sensitive-files} (capacity 4, leak 5 s) but without letting a slow prober leak away.
 * </ul>
 *
 * <p>Every window is at most {@link #MAX_WITHIN}: a pattern keeps at most one partial match per
 * summary inside its window, so the window bounds the CEP state per identity. For the cumulative
 * patterns (scan, sensitive probing) that state grows with the square of the summaries per window:
 * an identity that keeps 60 scan runs open without completing one holds about 210 KB.
 */
public final class PatternConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Longest window a pattern may have: it bounds the partial matches kept per identity. */
    public static final Duration MAX_WITHIN = Duration.ofMinutes(10);

    /** Over-limit intervals that make a burst... */
    public final int burstIntervals;
    /** ...within this much event time (first to last interval start). */
    public final Duration burstWithin;

    /** Fallback spike limit for summaries without one: this multiple of the rate limit. */
    public final double spikeFactor;
    /**
     * Lowest per-identity rate (requests/s) that counts as over the limit in burst and spike
     * intervals, before the segment's tightening factor: see the class doc.
     */
    public final double burstMinRps;

    /** Window of the scan pattern. */
    public final Duration scanWithin;
    /** Least intervals with new paths in a scan (one noisy second is not a scan). */
    public final int scanMinIntervals;
    /** Fallback cut-off of cumulative new paths for summaries without one. */
    public final int scanDistinctPaths;
    /** Least share of a scan's requests answered 404/403/400 on non-static paths. */
    public final double scanFailureShare;

    /** Hits on sensitive paths that make a prober... */
    public final int sensitiveHits;
    /** ...within this much event time. */
    public final Duration sensitiveWithin;

    private PatternConfig(Builder b) {
        this.burstIntervals = b.burstIntervals;
        this.burstWithin = b.burstWithin;
        this.spikeFactor = b.spikeFactor;
        this.burstMinRps = b.burstMinRps;
        this.scanWithin = b.scanWithin;
        this.scanMinIntervals = b.scanMinIntervals;
        this.scanDistinctPaths = b.scanDistinctPaths;
        this.scanFailureShare = b.scanFailureShare;
        this.sensitiveHits = b.sensitiveHits;
        this.sensitiveWithin = b.sensitiveWithin;
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid pattern configuration: " + String.join("; ", problems));
        }
    }

    public static PatternConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder()
                .burstIntervals(burstIntervals)
                .burstWithin(burstWithin)
                .spikeFactor(spikeFactor)
                .burstMinRps(burstMinRps)
                .scanWithin(scanWithin)
                .scanMinIntervals(scanMinIntervals)
                .scanDistinctPaths(scanDistinctPaths)
                .scanFailureShare(scanFailureShare)
                .sensitiveHits(sensitiveHits)
                .sensitiveWithin(sensitiveWithin);
    }

    // ---- The conditions, one summary (or one run of summaries) against its own thresholds ----

    /** A burst interval: the rate is above the summary's own rate limit. */
    public boolean isOverLimit(IntervalSummary s) {
        return s.overRateLimit();
    }

    /** The spike limit of the summary: its own, else {@link #spikeFactor} × its rate limit. */
    public double spikeLimitRps(IntervalSummary s) {
        return s.spikeLimitRps > 0 ? s.spikeLimitRps : spikeFactor * s.rateLimitRps;
    }

    /** A spike: one interval at or above its spike limit (never, without a limit). */
    public boolean isSpike(IntervalSummary s) {
        double limit = spikeLimitRps(s);
        return limit > 0 && s.rate() >= limit;
    }

    /** The scan cut-off of the summary: its own, else {@link #scanDistinctPaths}. */
    public int scanDistinctPaths(IntervalSummary s) {
        return s.scanDistinctPaths > 0 ? s.scanDistinctPaths : scanDistinctPaths;
    }

    /** An interval that can be part of a scan: it reached at least one new path. */
    public boolean isScanInterval(IntervalSummary s) {
        return s.newPaths > 0;
    }

    /**
     * An interval that can start a scan: a new path that failed (404/403/400). Starting only there
     * loses no scan (dropping leading intervals without failures only raises the share, and a
     * scanner keeps probing) but means a crawler whose new paths all succeed opens no partial
     * match at all.
     */
    public boolean isScanStart(IntervalSummary s) {
        return s.newPaths > 0 && s.notFoundOrForbidden > 0;
    }

    /**
     * Whether a run of scan intervals is a scan, judged by the cut-off in force at its latest
     * interval (thresholds in force now, not when the run started).
     */
    public boolean isScan(IntervalSummary.Totals run, IntervalSummary latest) {
        return run.intervals() >= scanMinIntervals
                && run.newPaths() >= scanDistinctPaths(latest)
                && run.notFoundOrForbiddenShare() >= scanFailureShare;
    }

    /** An interval that can be part (or the start) of sensitive probing: at least one sensitive hit. */
    public boolean isSensitiveInterval(IntervalSummary s) {
        return s.sensitiveHits > 0;
    }

    /** Whether a run of intervals holds enough sensitive hits. */
    public boolean isSensitiveProbe(IntervalSummary.Totals run) {
        return run.sensitiveHits() >= sensitiveHits;
    }

    private List<String> problems() {
        List<String> p = new ArrayList<>();
        if (burstIntervals < 2) {
            p.add(msg("burst-intervals (%s) must be at least 2: single intervals are the spike pattern's job",
                    burstIntervals));
        }
        long interval = IntervalSummary.DEFAULT_INTERVAL_MILLIS;
        if (window(p, "burst-within", burstWithin) && burstIntervals >= 2
                && burstWithin.toMillis() <= (burstIntervals - 1) * interval) {
            p.add(msg("burst-within (%s ms) must exceed (burst-intervals - 1) x %s ms = %s ms, "
                            + "or %s distinct intervals could never fit",
                    burstWithin.toMillis(), interval, (burstIntervals - 1) * interval, burstIntervals));
        }
        if (!(burstMinRps > 0) || Double.isInfinite(burstMinRps)) {
            p.add(msg("burst-min-rps (%s) must be positive and finite", burstMinRps));
        }
        if (!(spikeFactor > 1) || Double.isInfinite(spikeFactor)) {
            p.add(msg("spike-factor (%s) must be above 1 and finite", spikeFactor));
        }
        window(p, "scan-within", scanWithin);
        if (scanMinIntervals < 1) {
            p.add(msg("scan-min-intervals (%s) must be at least 1", scanMinIntervals));
        }
        if (scanDistinctPaths < 1) {
            p.add(msg("scan-distinct-paths (%s) must be at least 1", scanDistinctPaths));
        }
        if (!(scanFailureShare > 0 && scanFailureShare <= 1)) {
            p.add(msg("scan-failure-share (%s) must be in (0, 1]", scanFailureShare));
        }
        if (sensitiveHits < 1) {
            p.add(msg("sensitive-hits (%s) must be at least 1", sensitiveHits));
        }
        window(p, "sensitive-within", sensitiveWithin);
        return p;
    }

    /** Adds a problem unless the window is set and in (0, {@link #MAX_WITHIN}]; returns whether it is. */
    private static boolean window(List<String> p, String name, Duration within) {
        if (within == null) {
            p.add("cep." + name + " must be set");
            return false;
        }
        if (within.isNegative() || within.isZero() || within.compareTo(MAX_WITHIN) > 0) {
            p.add(msg("%s (%s ms) must be in (0, %s ms]: the window bounds the state kept per identity",
                    name, within.toMillis(), MAX_WITHIN.toMillis()));
            return false;
        }
        return true;
    }

    private static String msg(String format, Object... args) {
        return "cep." + String.format(Locale.ROOT, format, args);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PatternConfig c
                && c.burstIntervals == burstIntervals
                && c.burstWithin.equals(burstWithin)
                && c.spikeFactor == spikeFactor
                && c.burstMinRps == burstMinRps
                && c.scanWithin.equals(scanWithin)
                && c.scanMinIntervals == scanMinIntervals
                && c.scanDistinctPaths == scanDistinctPaths
                && c.scanFailureShare == scanFailureShare
                && c.sensitiveHits == sensitiveHits
                && c.sensitiveWithin.equals(sensitiveWithin);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(burstIntervals, burstWithin, spikeFactor, burstMinRps, scanWithin, scanMinIntervals,
                scanDistinctPaths, scanFailureShare, sensitiveHits, sensitiveWithin);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "PatternConfig{burst %d in %d ms, spike x%s, scan %d+ intervals / %d new paths / %.0f%% "
                        + "failures in %d ms, sensitive %d in %d ms}",
                burstIntervals, burstWithin.toMillis(), spikeFactor, scanMinIntervals, scanDistinctPaths,
                scanFailureShare * 100, scanWithin.toMillis(), sensitiveHits, sensitiveWithin.toMillis());
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
        private int burstIntervals = 3;
        private Duration burstWithin = Duration.ofSeconds(10);
        private double spikeFactor = 10;
        private double burstMinRps = 20;
        private Duration scanWithin = Duration.ofSeconds(60);
        private int scanMinIntervals = 3;
        private int scanDistinctPaths = 20;
        private double scanFailureShare = 0.6;
        private int sensitiveHits = 4;
        private Duration sensitiveWithin = Duration.ofSeconds(30);

        private Builder() {}

        public Builder burstIntervals(int intervals) {
            this.burstIntervals = intervals;
            return this;
        }

        public Builder burstWithin(Duration within) {
            this.burstWithin = within;
            return this;
        }

        public Builder burstMinRps(double rps) {
            this.burstMinRps = rps;
            return this;
        }

        public Builder spikeFactor(double factor) {
            this.spikeFactor = factor;
            return this;
        }

        public Builder scanWithin(Duration within) {
            this.scanWithin = within;
            return this;
        }

        public Builder scanMinIntervals(int intervals) {
            this.scanMinIntervals = intervals;
            return this;
        }

        public Builder scanDistinctPaths(int paths) {
            this.scanDistinctPaths = paths;
            return this;
        }

        public Builder scanFailureShare(double share) {
            this.scanFailureShare = share;
            return this;
        }

        public Builder sensitiveHits(int hits) {
            this.sensitiveHits = hits;
            return this;
        }

        public Builder sensitiveWithin(Duration within) {
            this.sensitiveWithin = within;
            return this;
        }

        public PatternConfig build() {
            return new PatternConfig(this);
        }
    }
}
