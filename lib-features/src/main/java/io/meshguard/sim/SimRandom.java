package io.meshguard.sim;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Gamma;

/** Seed mixing and the few distributions the simulator draws from. */
final class SimRandom {
    private SimRandom() {}

    /** SplitMix64's finaliser: a bijective scramble of all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Combines values into one well-spread seed, so streams derived from (seed, tick) never overlap. */
    static long hash(long a, long b) {
        return mix(mix(a) ^ (b * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
    }

    static long hash(long a, long b, long c) {
        return hash(hash(a, b), c);
    }

    static SplittableRandom stream(long seed, long salt) {
        return new SplittableRandom(hash(seed, salt));
    }

    /** A Poisson draw: multiplication for small means, Hörmann's PTRS rejection for large ones. */
    static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean < 30) {
            double limit = Math.exp(-mean);
            int k = 0;
            double p = r.nextDouble();
            while (p > limit) {
                k++;
                p *= r.nextDouble();
            }
            return k;
        }
        double sqrt = Math.sqrt(mean);
        double logMean = Math.log(mean);
        double b = 0.931 + 2.53 * sqrt;
        double a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = r.nextDouble() - 0.5;
            double v = r.nextDouble();
            double us = 0.5 - Math.abs(u);
            long k = (long) Math.floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr) {
                return (int) k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            double lhs = Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
            double rhs = -mean + k * logMean - Gamma.logGamma(k + 1.0);
            if (lhs <= rhs) {
                return (int) k;
            }
        }
    }

    /** Log-normal around a median, clamped; sizes and latencies of real traffic are shaped like this. */
    static long logNormal(SplittableRandom r, double median, double sigma, long min, long max) {
        long v = Math.round(median * Math.exp(sigma * r.nextGaussian()));
        return Math.max(min, Math.min(max, v));
    }

    static double uniform(SplittableRandom r, double from, double to) {
        return from + (to - from) * r.nextDouble();
    }
}
