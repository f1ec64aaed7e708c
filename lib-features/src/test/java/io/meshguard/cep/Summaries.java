package io.meshguard.cep;

import io.meshguard.model.IdentityType;

/** Builds interval summaries for tests: one identity in segment {@code asn:64500}, limit 10 req/s. */
final class Summaries {
    /** 2026-01-01T12:00:00Z. */
    static final long T0 = 1_767_268_800_000L;

    private Summaries() {}

    /** A 1-second interval starting {@code second} seconds after {@link #T0} with the given requests. */
    static IntervalSummary at(int second, int requests) {
        IntervalSummary s = new IntervalSummary();
        s.identity = "ip:203.0.113.7";
        s.identityType = IdentityType.IP;
        s.segment = "asn:64500";
        s.intervalStartMillis = T0 + second * 1000L;
        s.intervalMillis = 1000;
        s.requests = requests;
        s.rateLimitRps = 10;
        s.segmentMode = "normal";
        s.policyVersion = 3;
        return s;
    }

    static IntervalSummary probe(int second, int requests, int newPaths, int notFoundOrForbidden) {
        IntervalSummary s = at(second, requests);
        s.newPaths = newPaths;
        s.notFoundOrForbidden = notFoundOrForbidden;
        s.errors4xx = notFoundOrForbidden;
        return s;
    }

    static IntervalSummary sensitive(int second, int hits) {
        IntervalSummary s = probe(second, hits, hits, hits);
        s.sensitiveHits = hits;
        return s;
    }
}
