package io.meshguard.cep;

import io.meshguard.model.IdentityType;
import java.util.Locale;

/**
 * What one identity did in one closed interval of event time (1 s by default), enriched with the
 * thresholds its segment had in force when the interval closed. This is what the CEP patterns see
 * instead of raw requests: at most one record per identity and interval keeps every pattern's
 * partial matches bounded by its {@code within} window, and carrying the thresholds on the record
 * lets them move (tighten, loosen) without changing the pattern structure. A Flink POJO (public
 * fields, no-arg constructor).
 *
 * <p>A threshold of 0 means "not enriched": the rate limits then never fire and the scan cut-off
 * falls back to {@link PatternConfig#scanDistinctPaths}.
 */
public final class IntervalSummary {
    /** Length of the intervals the identity operator closes, unless it says otherwise. */
    public static final long DEFAULT_INTERVAL_MILLIS = 1000;

    /** Identity key, e.g. {@code user:alice}, {@code peer:spiffe://...}, {@code ip:203.0.113.7}. */
    public String identity;

    public IdentityType identityType;
    /** Segment id, e.g. {@code asn:64512} or {@code ns:payments}. */
    public String segment;

    /** Event time (ms) at which the interval starts (inclusive). */
    public long intervalStartMillis;
    /** Length of the interval (ms); 0 is read as {@link #DEFAULT_INTERVAL_MILLIS}. */
    public long intervalMillis;

    public int requests;
    /** Responses 400-499. */
    public int errors4xx;
    /** Responses 404, 403 or 400 on non-static paths: what a prober collects. */
    public int notFoundOrForbidden;
    /** Requests to sensitive paths (dotfiles, admin consoles, backups). */
    public int sensitiveHits;
    /** Requests to paths this identity never used before. */
    public int newPaths;
    /** Distinct upstream clusters the identity reached in the interval. */
    public int distinctUpstreams;

    // Thresholds of the identity's segment in force when the interval closed.
    /** Per-identity requests-per-second limit; a rate above it is over the limit. */
    public double rateLimitRps;
    /**
     * Requests per second at or above which one interval alone is a spike: the segment's burst
     * spike factor times {@link #rateLimitRps}. 0 = derive it with {@link PatternConfig#spikeFactor}.
     */
    public double spikeLimitRps;
    /** Cumulative new paths that make a prober a scanner; 0 = {@link PatternConfig#scanDistinctPaths}. */
    public int scanDistinctPaths;
    /** The segment's mode ({@code normal}, {@code elevated}, {@code clamped}). */
    public String segmentMode;
    /** Version of the policy the thresholds come from (0 = built-in defaults). */
    public long policyVersion;

    public IntervalSummary() {}

    /** Interval length in milliseconds, never 0. */
    public long lengthMillis() {
        return intervalMillis > 0 ? intervalMillis : DEFAULT_INTERVAL_MILLIS;
    }

    /** Event time (ms) at which the interval ends (exclusive). */
    public long intervalEndMillis() {
        return intervalStartMillis + lengthMillis();
    }

    /** Requests per second over the interval. */
    public double rate() {
        return requests * 1000.0 / lengthMillis();
    }

    /** Whether the rate is above the segment's per-identity limit (never, if no limit was enriched). */
    public boolean overRateLimit() {
        return rateLimitRps > 0 && rate() > rateLimitRps;
    }

    /** Share of requests that were 404/403/400 on non-static paths (0 without requests). */
    public double notFoundOrForbiddenShare() {
        return requests == 0 ? 0 : (double) notFoundOrForbidden / requests;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "IntervalSummary{%s %s @%d+%dms: %d req, %d 4xx, %d nf/forbidden, %d sensitive, %d new paths, "
                        + "%d upstreams | limit %.1f req/s, spike %.1f req/s, scan %d, %s, policy v%d}",
                identity, segment, intervalStartMillis, lengthMillis(), requests, errors4xx, notFoundOrForbidden,
                sensitiveHits, newPaths, distinctUpstreams, rateLimitRps, spikeLimitRps, scanDistinctPaths,
                segmentMode, policyVersion);
    }

    /**
     * Sums over a run of summaries of one identity, in event-time order; what the cumulative
     * patterns (scan, sensitive probing) compare with their cut-offs. Mutable, not thread-safe.
     */
    public static final class Totals {
        private int intervals;
        private long requests;
        private long notFoundOrForbidden;
        private long sensitiveHits;
        private long newPaths;
        private long firstStartMillis = Long.MAX_VALUE;
        private long lastEndMillis = Long.MIN_VALUE;

        public Totals add(IntervalSummary s) {
            intervals++;
            requests += s.requests;
            notFoundOrForbidden += s.notFoundOrForbidden;
            sensitiveHits += s.sensitiveHits;
            newPaths += s.newPaths;
            firstStartMillis = Math.min(firstStartMillis, s.intervalStartMillis);
            lastEndMillis = Math.max(lastEndMillis, s.intervalEndMillis());
            return this;
        }

        public static Totals of(Iterable<IntervalSummary> summaries) {
            Totals t = new Totals();
            for (IntervalSummary s : summaries) {
                t.add(s);
            }
            return t;
        }

        public int intervals() {
            return intervals;
        }

        public long requests() {
            return requests;
        }

        public long notFoundOrForbidden() {
            return notFoundOrForbidden;
        }

        public long sensitiveHits() {
            return sensitiveHits;
        }

        public long newPaths() {
            return newPaths;
        }

        /** Share of all requests that were 404/403/400 on non-static paths (0 without requests). */
        public double notFoundOrForbiddenShare() {
            return requests == 0 ? 0 : (double) notFoundOrForbidden / requests;
        }

        /** Event time from the start of the first interval to the end of the last (0 when empty). */
        public long spanMillis() {
            return intervals == 0 ? 0 : lastEndMillis - firstStartMillis;
        }
    }
}
