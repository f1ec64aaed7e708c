package io.meshguard.features;

import io.meshguard.model.MeshEvent;

/**
 * Rolling per-identity feature state, updated in O(1) per request with bounded memory: decayed
 * counters (exponential forgetting over a horizon), fixed-size distinct-count sketches and a small
 * Bloom filter of seen paths. A Flink POJO; the definitions of the features are in {@link
 * #snapshot}.
 */
public final class FeatureState {
    static final int PATH_BUCKETS = 16;
    static final int PATH_WINDOW_WORDS = 4;
    static final int SEEN_PATH_WORDS = 8;
    /** Offset of the previous path window in {@link #pathSketches}. */
    static final int PREVIOUS_PATH_WINDOW = PATH_WINDOW_WORDS;
    /** Offset of the seen-path Bloom filter in {@link #pathSketches}. */
    static final int SEEN_PATHS = 2 * PATH_WINDOW_WORDS;

    /** {@link #firstSeenMillis} before the first request: event time 0 is a valid time. */
    public static final long NEVER = Long.MIN_VALUE;

    public long firstSeenMillis = NEVER;
    public long lastUpdateMillis = NEVER;

    // Decayed request counts per horizon.
    public double shortCount;
    public double longCount;
    public double mediumCount;

    // Decayed counts over the medium horizon.
    public double count4xx;
    public double countAuthFail;
    public double count404;
    public double count5xx;
    public double countNewPath;
    public double countSensitive;
    public double countAuth;
    public double countUaAnomaly;
    public double bytesIn;
    public double bytesOut;
    public double durationSum;

    /** Decayed request counts per path-hash bucket, for the path entropy. */
    public float[] pathBuckets = new float[PATH_BUCKETS];
    /**
     * The path bit sketches in one array (one object fewer per identity): words [0,4) are the
     * current path window, [4,8) the previous one (two rotating bitmaps for the distinct count),
     * and [8,16) the Bloom filter of the paths this identity has used.
     */
    public long[] pathSketches = new long[SEEN_PATHS + SEEN_PATH_WORDS];

    public long upstreamCurrent;
    public long upstreamPrevious;
    /** Index of the current distinct-count window (event time / window length). */
    public long windowIndex;

    public int seenPathBits;
    /** Distinct paths seen so far (saturating), to apply the new-path grace. */
    public int distinctPathsSeen;

    public FeatureState() {}

    /**
     * Folds one request into the state.
     *
     * @return whether the request's path was new to this identity past the new-path grace, i.e.
     *     counted in {@link Feature#NEW_PATH_RATIO}
     */
    public boolean update(MeshEvent e, FeatureConfig config) {
        long t = e.timestampMillis;
        if (firstSeenMillis == NEVER) {
            firstSeenMillis = t;
            lastUpdateMillis = t;
            windowIndex = t / config.distinctWindowMillis;
        }
        if (t > lastUpdateMillis) {
            decay(t - lastUpdateMillis, config);
            lastUpdateMillis = t;
        }
        rotateWindows(t, config);

        shortCount += 1;
        longCount += 1;
        mediumCount += 1;

        int code = e.responseCode;
        if (code >= 400 && code < 500) {
            count4xx += 1;
            if (code == 401 || code == 403) {
                countAuthFail += 1;
            } else if (code == 404) {
                count404 += 1;
            }
        } else if (code >= 500 && code < 600) {
            count5xx += 1;
        }
        if (PathClass.has(e.pathFlags, PathClass.SENSITIVE)) {
            countSensitive += 1;
        }
        if (PathClass.has(e.pathFlags, PathClass.AUTH)) {
            countAuth += 1;
        }
        if (e.userAgentClass != UserAgentClass.NORMAL.ordinal()) {
            countUaAnomaly += 1;
        }
        bytesIn += Math.max(0, e.bytesReceived);
        bytesOut += Math.max(0, e.bytesSent);
        durationSum += Math.max(0, e.durationMillis);

        pathBuckets[(int) (e.pathHash & (PATH_BUCKETS - 1))] += 1f;
        BitSketches.set(pathSketches, 0, PATH_WINDOW_WORDS, e.pathHash);
        if (e.upstreamHash != 0) {
            upstreamCurrent |= 1L << (Hashing.mix64(e.upstreamHash) & 63);
        }
        return trackNewPath(e.pathHash, config);
    }

    private boolean trackNewPath(long pathHash, FeatureConfig config) {
        int newBits = BitSketches.bloomAdd(pathSketches, SEEN_PATHS, SEEN_PATH_WORDS, pathHash);
        if (newBits == 0) {
            return false;
        }
        seenPathBits += newBits;
        if (distinctPathsSeen < Integer.MAX_VALUE) {
            distinctPathsSeen++;
        }
        boolean counted = distinctPathsSeen > config.newPathGrace;
        if (counted) {
            countNewPath += 1;
        }
        // A half-full filter answers "seen" too often; start over (only scanners get here).
        if (seenPathBits > SEEN_PATH_WORDS * 32) {
            java.util.Arrays.fill(pathSketches, SEEN_PATHS, SEEN_PATHS + SEEN_PATH_WORDS, 0L);
            seenPathBits = 0;
        }
        return counted;
    }

    private void decay(long elapsedMillis, FeatureConfig config) {
        double shortFactor = Math.exp(-(double) elapsedMillis / config.shortHorizonMillis);
        double longFactor = Math.exp(-(double) elapsedMillis / config.longHorizonMillis);
        double m = Math.exp(-(double) elapsedMillis / config.mediumHorizonMillis);
        shortCount *= shortFactor;
        longCount *= longFactor;
        mediumCount *= m;
        count4xx *= m;
        countAuthFail *= m;
        count404 *= m;
        count5xx *= m;
        countNewPath *= m;
        countSensitive *= m;
        countAuth *= m;
        countUaAnomaly *= m;
        bytesIn *= m;
        bytesOut *= m;
        durationSum *= m;
        float mf = (float) m;
        for (int i = 0; i < PATH_BUCKETS; i++) {
            pathBuckets[i] *= mf;
        }
    }

    private void rotateWindows(long t, FeatureConfig config) {
        long index = t / config.distinctWindowMillis;
        if (index <= windowIndex) {
            return;
        }
        if (index == windowIndex + 1) {
            System.arraycopy(pathSketches, 0, pathSketches, PREVIOUS_PATH_WINDOW, PATH_WINDOW_WORDS);
            upstreamPrevious = upstreamCurrent;
        } else {
            java.util.Arrays.fill(pathSketches, PREVIOUS_PATH_WINDOW, PREVIOUS_PATH_WINDOW + PATH_WINDOW_WORDS, 0L);
            upstreamPrevious = 0;
        }
        java.util.Arrays.fill(pathSketches, 0, PATH_WINDOW_WORDS, 0L);
        upstreamCurrent = 0;
        windowIndex = index;
    }

    /**
     * Writes every {@link Feature} as seen at event time {@code now} into {@code out} (indexed by
     * ordinal). Rates divide decayed counts by the history they actually cover, so a young
     * identity's rate is not underestimated.
     */
    public void snapshot(long now, FeatureConfig config, double[] out) {
        long elapsed = Math.max(0, now - lastUpdateMillis);
        double m = elapsed == 0 ? 1 : Math.exp(-(double) elapsed / config.mediumHorizonMillis);
        double s = elapsed == 0 ? 1 : Math.exp(-(double) elapsed / config.shortHorizonMillis);
        double l = elapsed == 0 ? 1 : Math.exp(-(double) elapsed / config.longHorizonMillis);
        long age = now - firstSeenMillis;
        double shortSeconds = coveredSeconds(config.shortHorizonMillis, age, config.minRateAgeMillis);
        double mediumSeconds = coveredSeconds(config.mediumHorizonMillis, age, config.minRateAgeMillis);
        double longSeconds = coveredSeconds(config.longHorizonMillis, age, config.minRateAgeMillis);

        double n = mediumCount;
        out[Feature.RATE_SHORT.ordinal()] = shortCount * s / shortSeconds;
        out[Feature.RATE_LONG.ordinal()] = longCount * l / longSeconds;
        out[Feature.RATIO_4XX.ordinal()] = ratio(count4xx, n);
        out[Feature.RATIO_AUTH_FAIL.ordinal()] = ratio(countAuthFail, n);
        out[Feature.RATIO_404.ordinal()] = ratio(count404, n);
        out[Feature.RATIO_5XX.ordinal()] = ratio(count5xx, n);
        out[Feature.DISTINCT_PATHS.ordinal()] =
                BitSketches.distinctUnion(pathSketches, 0, PREVIOUS_PATH_WINDOW, PATH_WINDOW_WORDS);
        out[Feature.DISTINCT_UPSTREAMS.ordinal()] =
                BitSketches.distinctUnion(upstreamCurrent, upstreamPrevious);
        out[Feature.PATH_ENTROPY.ordinal()] = pathEntropy();
        out[Feature.NEW_PATH_RATIO.ordinal()] = ratio(countNewPath, n);
        out[Feature.BYTES_IN_RATE.ordinal()] = bytesIn * m / mediumSeconds;
        out[Feature.BYTES_OUT_RATE.ordinal()] = bytesOut * m / mediumSeconds;
        out[Feature.MEAN_DURATION.ordinal()] = ratio(durationSum, n);
        out[Feature.SENSITIVE_RATE.ordinal()] = countSensitive * m / mediumSeconds;
        out[Feature.AUTH_RATE.ordinal()] = countAuth * m / mediumSeconds;
        out[Feature.UA_ANOMALY_RATIO.ordinal()] = ratio(countUaAnomaly, n);
    }

    /** Decayed request count over the medium horizon: how much evidence the ratios rest on. */
    public double recentRequests(long now, FeatureConfig config) {
        long elapsed = Math.max(0, now - lastUpdateMillis);
        return mediumCount * Math.exp(-(double) elapsed / config.mediumHorizonMillis);
    }

    /**
     * Seconds of history a decayed counter covers after {@code ageMillis} of activity. A young
     * identity counts as at least {@code minAgeMillis} or a third of the horizon old, whichever is
     * longer, so the few requests of its first moments do not read as a sustained rate.
     */
    static double coveredSeconds(long horizonMillis, long ageMillis, long minAgeMillis) {
        long age = Math.max(ageMillis, Math.max(minAgeMillis, horizonMillis / 3));
        return horizonMillis * (1 - Math.exp(-(double) age / horizonMillis)) / 1000.0;
    }

    private static double ratio(double part, double whole) {
        return whole <= 0 ? 0 : Math.min(1e12, part / whole);
    }

    private double pathEntropy() {
        double total = 0;
        for (float b : pathBuckets) {
            total += b;
        }
        if (total <= 0) {
            return 0;
        }
        double entropy = 0;
        for (float b : pathBuckets) {
            if (b > 0) {
                double p = b / total;
                entropy -= p * Math.log(p);
            }
        }
        return entropy / Math.log(2);
    }
}
