package io.meshguard.segment;

import java.util.Random;

/**
 * Deterministic interval series for controller tests: a segment's usual traffic with Poisson
 * noise, and multiples or additions on top of it.
 */
final class Traffic {
    /** Requests, distinct identities, new identities, auth requests per second; error and anomalous shares. */
    final double volume;
    final double distinct;
    final double newIdentities;
    final double auth;
    final double errorShare;
    final double anomalousShare;
    private final Random random;

    Traffic(long seed, double volume, double distinct, double newIdentities, double auth, double errorShare,
            double anomalousShare) {
        this.random = new Random(seed);
        this.volume = volume;
        this.distinct = distinct;
        this.newIdentities = newIdentities;
        this.auth = auth;
        this.errorShare = errorShare;
        this.anomalousShare = anomalousShare;
    }

    /** The usual traffic of a mid-sized external segment: 20 req/s from 12 callers, 0.8 new/s. */
    static Traffic typical(long seed) {
        return new Traffic(seed, 20, 12, 0.8, 0.4, 0.02, 0.01);
    }

    /** One interval of usual traffic. */
    SegmentInterval normal(long endMillis) {
        return scaled(endMillis, 1, 1, 1);
    }

    /**
     * A flash crowd: volume and distinct callers × {@code volumeMultiple}, new identities ×
     * {@code newMultiple}; auth, errors and anomalous callers in their usual proportions.
     */
    SegmentInterval scaled(long endMillis, double volumeMultiple, double distinctMultiple, double newMultiple) {
        long requests = poisson(volume * volumeMultiple);
        int ids = (int) Math.max(1, poisson(distinct * distinctMultiple));
        return SegmentInterval.of(
                endMillis,
                requests,
                ids,
                (int) Math.min(ids, poisson(newIdentities * newMultiple)),
                Math.min(requests, poisson(auth * volumeMultiple)),
                binomial(requests, errorShare),
                (int) binomial(ids, anomalousShare),
                0);
    }

    /**
     * A fake-signup flood on top of usual traffic: {@code fakesPerSecond} new identities, each making
     * {@code requestsEach} signup requests, of which {@code failing} share fail.
     */
    SegmentInterval withSignupFlood(long endMillis, int fakesPerSecond, int requestsEach, double failing,
            double fakesFlagged) {
        SegmentInterval base = normal(endMillis);
        int fakes = (int) poisson(fakesPerSecond);
        long extra = (long) fakes * requestsEach;
        base.requests += extra;
        base.distinctIdentities += fakes;
        base.newIdentities += fakes;
        base.authRequests += extra;
        base.errorResponses += binomial(extra, failing);
        base.anomalousIdentities += (int) binomial(fakes, fakesFlagged);
        return base;
    }

    long poisson(double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 50) {
            return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * random.nextGaussian()));
        }
        double limit = Math.exp(-lambda);
        double product = random.nextDouble();
        long n = 0;
        while (product > limit) {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }

    long binomial(long n, double p) {
        if (n > 200) {
            double mean = n * p;
            return Math.max(0, Math.min(n, Math.round(mean + Math.sqrt(mean * (1 - p)) * random.nextGaussian())));
        }
        long k = 0;
        for (long i = 0; i < n; i++) {
            if (random.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }
}
