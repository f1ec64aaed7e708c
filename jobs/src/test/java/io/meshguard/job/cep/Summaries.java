package io.meshguard.job.cep;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.model.IdentityType;

/**
 * Synthetic interval summaries, as the identity operator would emit them: 1-second intervals from
 * {@link #T0}, enriched with a segment whose rate limit is 10 req/s (spike limit 100 req/s) unless
 * a test changes it.
 */
final class Summaries {
    /** 2026-01-01T12:00:00Z. */
    static final long T0 = 1_767_268_800_000L;

    static final double LIMIT_RPS = 10;

    private Summaries() {}

    /** {@code requests} requests in the interval starting {@code second} seconds after {@link #T0}. */
    static IntervalSummary interval(String identity, String segment, int second, int requests) {
        IntervalSummary s = new IntervalSummary();
        s.identity = identity;
        s.identityType = identity.startsWith("user:") ? IdentityType.USER
                : identity.startsWith("peer:") ? IdentityType.PEER : IdentityType.IP;
        s.segment = segment;
        s.intervalStartMillis = T0 + second * 1000L;
        s.intervalMillis = 1000;
        s.requests = requests;
        s.distinctUpstreams = 1;
        s.rateLimitRps = LIMIT_RPS;
        s.spikeLimitRps = 10 * LIMIT_RPS;
        s.scanDistinctPaths = 20;
        s.segmentMode = "normal";
        s.policyVersion = 1;
        return s;
    }

    /** An interval of a prober: {@code newPaths} new paths, {@code failures} of them 404/403/400. */
    static IntervalSummary probe(String identity, String segment, int second, int requests, int newPaths, int failures) {
        IntervalSummary s = interval(identity, segment, second, requests);
        s.newPaths = newPaths;
        s.notFoundOrForbidden = failures;
        s.errors4xx = failures;
        return s;
    }

    /** An interval with {@code hits} requests for dotfiles, all 404. */
    static IntervalSummary dotfiles(String identity, String segment, int second, int hits) {
        IntervalSummary s = probe(identity, segment, second, hits, hits, hits);
        s.sensitiveHits = hits;
        return s;
    }

    /** The same summary with its segment's thresholds changed, as after the controller moved them. */
    static IntervalSummary withLimit(IntervalSummary s, double rateLimitRps, String mode, long policyVersion) {
        s.rateLimitRps = rateLimitRps;
        s.spikeLimitRps = 10 * rateLimitRps;
        s.segmentMode = mode;
        s.policyVersion = policyVersion;
        return s;
    }
}
