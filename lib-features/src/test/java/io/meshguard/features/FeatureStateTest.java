package io.meshguard.features;

import static java.lang.Math.exp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.detect.MeshEvents;
import io.meshguard.model.MeshEvent;
import java.util.Arrays;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every feature of {@link FeatureState} against values worked out by hand for short scripts. */
class FeatureStateTest {

    /** Aligned to the 60 s distinct-count window, so window boundaries fall on T0 + k minutes. */
    private static final long T0 = 1_700_000_040_000L;

    /** Defaults: short 10 s, medium 60 s, long 300 s, window 60 s, grace 8, min rate age 5 s. */
    private static final FeatureConfig CONFIG = FeatureConfig.defaults();

    private static final double EPS = 1e-9;

    /**
     * Seconds the short-horizon counter covers for an identity younger than 5 s: the age counts as
     * max(age, min rate age 5 s, 10 s / 3) = 5 s.
     */
    private static final double SHORT_SECONDS_YOUNG = 10 * (1 - exp(-5.0 / 10)); // = 3.93469

    /** Medium horizon, identity younger than 20 s: max(age, 5 s, 60 s / 3) = 20 s. */
    private static final double MEDIUM_SECONDS_YOUNG = 60 * (1 - exp(-20.0 / 60)); // = 17.0081

    /** Long horizon, identity younger than 100 s: max(age, 5 s, 300 s / 3) = 100 s. */
    private static final double LONG_SECONDS_YOUNG = 300 * (1 - exp(-100.0 / 300)); // = 85.0406

    private static double[] snapshot(FeatureState state, long now) {
        return snapshot(state, now, CONFIG);
    }

    private static double[] snapshot(FeatureState state, long now, FeatureConfig config) {
        double[] out = new double[Feature.COUNT];
        state.snapshot(now, config, out);
        return out;
    }

    private static double f(double[] features, Feature feature) {
        return features[feature.ordinal()];
    }

    private static FeatureState fed(FeatureConfig config, MeshEvent... events) {
        FeatureState state = new FeatureState();
        for (MeshEvent e : events) {
            state.update(e, config);
        }
        return state;
    }

    private static FeatureState fed(MeshEvent... events) {
        return fed(CONFIG, events);
    }

    /** The first path "/{prefix}{i}" whose hash lands in path-entropy bucket {@code bucket}. */
    static String pathInBucket(String prefix, int bucket) {
        for (int i = 0; ; i++) {
            String path = "/" + prefix + i;
            if ((Hashing.hash64(path) & 15) == bucket) {
                return path;
            }
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /**
     * Three requests a second apart: 200 from a tool, a 404 to a sensitive path, a 401 on login
     * from an empty user agent. Paths land in entropy buckets 1, 2 and 3.
     */
    @Nested
    class ThreeRequestScript {
        private final String pathA = pathInBucket("a", 1);
        private final String pathB = pathInBucket("b", 2);
        private final String pathC = pathInBucket("c", 3);

        private final FeatureState state = fed(
                MeshEvents.at(T0).path(pathA).code(200).bytes(100, 1000).duration(10)
                        .userAgent(UserAgentClass.TOOL).upstream("reviews").build(),
                MeshEvents.at(T0 + 1000).path(pathB).code(404).bytes(200, 2000).duration(20)
                        .flags(PathClass.SENSITIVE).upstream("ratings").build(),
                MeshEvents.at(T0 + 2000).path(pathC).code(401).bytes(300, 3000).duration(30)
                        .flags(PathClass.LOGIN).userAgent(UserAgentClass.EMPTY).upstream("reviews").build());

        // Medium-horizon weights at T0+2s of the requests at 0 s, 1 s, 2 s.
        private final double w0 = exp(-2.0 / 60);
        private final double w1 = exp(-1.0 / 60);
        private final double w2 = 1;
        private final double n = w0 + w1 + w2; // = 2.95069

        @Test
        void rateShortDividesDecayedCountByCoveredSecondsOfMinRateAge() {
            // (1 + e^-0.1 + e^-0.2) / (10 (1 - e^-0.5)) = 2.72357 / 3.93469 = 0.69220
            double expected = (1 + exp(-0.1) + exp(-0.2)) / SHORT_SECONDS_YOUNG;
            assertThat(f(snapshot(state, T0 + 2000), Feature.RATE_SHORT)).isCloseTo(expected, within(EPS));
            assertThat(expected).isCloseTo(0.69220, within(1e-5));
        }

        @Test
        void rateLongUsesTheLongHorizon() {
            // (1 + e^-1/300 + e^-2/300) / (300 (1 - e^-100/300)) = 2.99003 / 85.0406 = 0.035160
            double expected = (1 + exp(-1.0 / 300) + exp(-2.0 / 300)) / LONG_SECONDS_YOUNG;
            assertThat(f(snapshot(state, T0 + 2000), Feature.RATE_LONG)).isCloseTo(expected, within(EPS));
            assertThat(expected).isCloseTo(0.035160, within(1e-6));
        }

        @Test
        void responseClassRatiosSeparateAuthFailuresFrom404s() {
            double[] out = snapshot(state, T0 + 2000);
            // 404 at 1 s and 401 at 2 s are both 4xx
            assertThat(f(out, Feature.RATIO_4XX)).isCloseTo((w1 + w2) / n, within(EPS));
            // only the 401
            assertThat(f(out, Feature.RATIO_AUTH_FAIL)).isCloseTo(w2 / n, within(EPS));
            // only the 404, decayed by e^-1/60
            assertThat(f(out, Feature.RATIO_404)).isCloseTo(w1 / n, within(EPS));
            assertThat(f(out, Feature.RATIO_5XX)).isZero();
        }

        @Test
        void distinctPathsAndUpstreamsAreCountedBySketch() {
            double[] out = snapshot(state, T0 + 2000);
            // three paths; linear counting of 3 bits in 256 gives 3.02
            assertThat(f(out, Feature.DISTINCT_PATHS)).isCloseTo(3, within(0.5));
            // "reviews" twice, "ratings" once: 2 distinct; 2 bits in 64 gives 2.03
            assertThat(f(out, Feature.DISTINCT_UPSTREAMS)).isCloseTo(2, within(0.5));
        }

        @Test
        void pathEntropyWeighsBucketsByDecayedCount() {
            // buckets 1, 2, 3 hold e^-2/60, e^-1/60, 1
            double expected = 0;
            for (double w : new double[] {w0, w1, w2}) {
                expected -= w / n * log2(w / n);
            }
            // just under log2(3) = 1.58496 because the older requests weigh a little less
            assertThat(f(snapshot(state, T0 + 2000), Feature.PATH_ENTROPY)).isCloseTo(expected, within(1e-6));
            assertThat(expected).isLessThan(log2(3)).isGreaterThan(1.584);
        }

        @Test
        void threePathsAreWithinTheNewPathGrace() {
            assertThat(f(snapshot(state, T0 + 2000), Feature.NEW_PATH_RATIO)).isZero();
        }

        @Test
        void byteRatesUseTheMediumHorizon() {
            double[] out = snapshot(state, T0 + 2000);
            // (100 e^-2/60 + 200 e^-1/60 + 300) / (60 (1 - e^-20/60)) = 593.416 / 17.0081 = 34.890
            double in = (100 * w0 + 200 * w1 + 300 * w2) / MEDIUM_SECONDS_YOUNG;
            assertThat(f(out, Feature.BYTES_IN_RATE)).isCloseTo(in, within(EPS));
            assertThat(in).isCloseTo(34.890, within(0.001));
            // responses were ten times the requests
            assertThat(f(out, Feature.BYTES_OUT_RATE)).isCloseTo(10 * in, within(EPS));
        }

        @Test
        void meanDurationIsTheDecayedAverage() {
            // (10 e^-2/60 + 20 e^-1/60 + 30) / n
            assertThat(f(snapshot(state, T0 + 2000), Feature.MEAN_DURATION))
                    .isCloseTo((10 * w0 + 20 * w1 + 30 * w2) / n, within(EPS));
        }

        @Test
        void endpointRatesCountSensitiveAndAuthHits() {
            double[] out = snapshot(state, T0 + 2000);
            // the sensitive 404 at 1 s, decayed by e^-1/60
            assertThat(f(out, Feature.SENSITIVE_RATE)).isCloseTo(w1 / MEDIUM_SECONDS_YOUNG, within(EPS));
            // the login at 2 s
            assertThat(f(out, Feature.AUTH_RATE)).isCloseTo(1 / MEDIUM_SECONDS_YOUNG, within(EPS));
        }

        @Test
        void toolAndEmptyUserAgentsAreAnomalous() {
            // TOOL at 0 s and EMPTY at 2 s
            assertThat(f(snapshot(state, T0 + 2000), Feature.UA_ANOMALY_RATIO))
                    .isCloseTo((w0 + w2) / n, within(EPS));
        }

        @Test
        void recentRequestsIsTheMediumCount() {
            assertThat(state.recentRequests(T0 + 2000, CONFIG)).isCloseTo(n, within(EPS));
            // 10 s later: decayed by e^-10/60
            assertThat(state.recentRequests(T0 + 12_000, CONFIG)).isCloseTo(n * exp(-10.0 / 60), within(EPS));
        }

        @Test
        void snapshotLaterDecaysRatesButNotRatios() {
            double[] now = snapshot(state, T0 + 2000);
            double[] later = snapshot(state, T0 + 12_000);
            // short count decayed by e^-1; the identity is now 12 s old: 10 (1 - e^-1.2) = 6.9881 s
            assertThat(f(later, Feature.RATE_SHORT))
                    .isCloseTo((1 + exp(-0.1) + exp(-0.2)) * exp(-1) / (10 * (1 - exp(-1.2))), within(EPS));
            // medium: decayed by e^-10/60; at 12 s still young, covered 60 (1 - e^-20/60) s
            assertThat(f(later, Feature.SENSITIVE_RATE))
                    .isCloseTo(w1 * exp(-10.0 / 60) / MEDIUM_SECONDS_YOUNG, within(EPS));
            // long: decayed by e^-10/300 over 300 (1 - e^-100/300) s
            assertThat(f(later, Feature.RATE_LONG)).isCloseTo(
                    (1 + exp(-1.0 / 300) + exp(-2.0 / 300)) * exp(-10.0 / 300) / LONG_SECONDS_YOUNG, within(EPS));
            for (Feature ratio : new Feature[] {
                Feature.RATIO_4XX, Feature.RATIO_AUTH_FAIL, Feature.RATIO_404, Feature.UA_ANOMALY_RATIO,
                Feature.MEAN_DURATION, Feature.PATH_ENTROPY
            }) {
                assertThat(f(later, ratio)).as(ratio.wireName()).isCloseTo(f(now, ratio), within(1e-9));
            }
        }
    }

    @Nested
    class Rates {
        @Test
        void rateOfYoungIdentityIsNotUnderestimated() {
            FeatureState state = fed(MeshEvents.at(T0).build());
            // age 0 is read as the 5 s minimum: 1 / (10 (1 - e^-0.5)) = 0.2541, not 1 / 0 or 1 / 10
            assertThat(f(snapshot(state, T0), Feature.RATE_SHORT)).isCloseTo(1 / SHORT_SECONDS_YOUNG, within(EPS));
            // 3 s later the age is still the minimum; the count decayed by e^-0.3
            assertThat(f(snapshot(state, T0 + 3000), Feature.RATE_SHORT))
                    .isCloseTo(exp(-0.3) / SHORT_SECONDS_YOUNG, within(EPS));
            // 20 s later the real age counts: e^-2 / (10 (1 - e^-2))
            assertThat(f(snapshot(state, T0 + 20_000), Feature.RATE_SHORT))
                    .isCloseTo(exp(-2) / (10 * (1 - exp(-2))), within(EPS));
        }

        @ParameterizedTest(name = "min rate age {0} ms: a newcomer counts as {1} ms old")
        @CsvSource({
            "1000, 3333", // a third of the 10 s horizon is longer
            "5000, 5000",
            "8000, 8000"
        })
        void youngIdentityCountsAsMinRateAgeOrAThirdOfTheHorizon(long minRateAge, long effectiveAge) {
            FeatureConfig config = FeatureConfig.builder().minRateAgeMillis(minRateAge).build();
            FeatureState state = fed(config, MeshEvents.at(T0).build());
            // 1 / (10 (1 - e^-age/10 s))
            assertThat(f(snapshot(state, T0, config), Feature.RATE_SHORT))
                    .isCloseTo(1 / (10 * (1 - exp(-effectiveAge / 10_000.0))), within(EPS));
        }

        @Test
        void mediumAndLongRatesOfAYoungIdentityUseAThirdOfTheirHorizon() {
            FeatureState state = fed(MeshEvents.at(T0).bytes(1000, 0).flags(PathClass.LOGIN).build());
            double[] out = snapshot(state, T0);
            // 1000 B / (60 (1 - e^-1/3)) = 58.80 B/s, not 1000 / (60 (1 - e^-5/60)) = 208.4
            assertThat(f(out, Feature.BYTES_IN_RATE)).isCloseTo(1000 / MEDIUM_SECONDS_YOUNG, within(EPS));
            assertThat(f(out, Feature.AUTH_RATE)).isCloseTo(1 / MEDIUM_SECONDS_YOUNG, within(EPS));
            // 1 / (300 (1 - e^-1/3)) = 0.01176
            assertThat(f(out, Feature.RATE_LONG)).isCloseTo(1 / LONG_SECONDS_YOUNG, within(EPS));
            // at 30 s the medium counter is past its minimum: e^-30/60 / (60 (1 - e^-30/60))
            assertThat(f(snapshot(state, T0 + 30_000), Feature.AUTH_RATE))
                    .isCloseTo(exp(-0.5) / (60 * (1 - exp(-0.5))), within(EPS));
        }

        @Test
        void steadyOneRequestPerSecondReadsAsAboutOnePerSecond() {
            FeatureState state = new FeatureState();
            for (int k = 0; k <= 600; k++) {
                state.update(MeshEvents.at(T0 + k * 1000L).build(), CONFIG);
            }
            double[] out = snapshot(state, T0 + 600_000);
            // short: sum_{k=0}^{600} e^-k/10 / (10 (1 - e^-60)) = 1 / (10 (1 - e^-0.1)) = 1.0508
            double shortExpected = (1 - exp(-60.1)) / (1 - exp(-0.1)) / (10 * (1 - exp(-60)));
            assertThat(f(out, Feature.RATE_SHORT)).isCloseTo(shortExpected, within(1e-9));
            assertThat(shortExpected).isCloseTo(1.0508, within(1e-4));
            // long: (1 - e^-601/300) / (1 - e^-1/300) / (300 (1 - e^-2)) = 259.967 / 259.399 = 1.00219
            double longExpected = (1 - exp(-601.0 / 300)) / (1 - exp(-1.0 / 300)) / (300 * (1 - exp(-2)));
            assertThat(f(out, Feature.RATE_LONG)).isCloseTo(longExpected, within(1e-9));
            assertThat(longExpected).isCloseTo(1.00219, within(1e-5));
        }

        @Test
        void coveredSecondsApproachTheHorizon() {
            // 10 (1 - e^-0.5), 60 (1 - e^-1/3) and 10 (1 - e^-10)
            assertThat(FeatureState.coveredSeconds(10_000, 0, 5_000)).isCloseTo(3.934693, within(1e-6));
            assertThat(FeatureState.coveredSeconds(60_000, 0, 5_000)).isCloseTo(17.008121, within(1e-6));
            assertThat(FeatureState.coveredSeconds(10_000, 100_000, 5_000)).isCloseTo(9.999546, within(1e-6));
        }
    }

    @Nested
    class ResponseCodes {
        @ParameterizedTest(name = "{0} counts as 4xx={1} auth={2} 404={3} 5xx={4}")
        @CsvSource({
            "200, 0, 0, 0, 0",
            "302, 0, 0, 0, 0",
            "399, 0, 0, 0, 0",
            "400, 1, 0, 0, 0",
            "401, 1, 1, 0, 0",
            "403, 1, 1, 0, 0",
            "404, 1, 0, 1, 0",
            "429, 1, 0, 0, 0",
            "499, 1, 0, 0, 0",
            "500, 0, 0, 0, 1",
            "503, 0, 0, 0, 1",
            "599, 0, 0, 0, 1",
            "600, 0, 0, 0, 0",
            "0, 0, 0, 0, 0"
        })
        void codeLandsInItsClasses(int code, int is4xx, int isAuth, int is404, int is5xx) {
            // one request of this code next to one 200 at the same instant: each ratio is 0 or 1/2
            double[] out = snapshot(fed(
                    MeshEvents.at(T0).code(200).build(),
                    MeshEvents.at(T0).code(code).build()), T0);
            assertThat(f(out, Feature.RATIO_4XX)).isEqualTo(is4xx / 2.0);
            assertThat(f(out, Feature.RATIO_AUTH_FAIL)).isEqualTo(isAuth / 2.0);
            assertThat(f(out, Feature.RATIO_404)).isEqualTo(is404 / 2.0);
            assertThat(f(out, Feature.RATIO_5XX)).isEqualTo(is5xx / 2.0);
        }

        @Test
        void missingBytesAndDurationCountAsZero() {
            double[] out = snapshot(fed(
                    MeshEvents.at(T0).bytes(-1, -1).duration(-1).build(),
                    MeshEvents.at(T0).bytes(500, -1).duration(40).build()), T0);
            // only the 500 bytes and 40 ms are real; the -1 placeholders add nothing
            assertThat(f(out, Feature.BYTES_IN_RATE)).isCloseTo(500 / MEDIUM_SECONDS_YOUNG, within(EPS));
            assertThat(f(out, Feature.BYTES_OUT_RATE)).isZero();
            assertThat(f(out, Feature.MEAN_DURATION)).isCloseTo(40 / 2.0, within(EPS));
        }

        @Test
        void emptyStateHasAllZeroFeatures() {
            double[] out = snapshot(new FeatureState(), T0);
            for (Feature feature : Feature.values()) {
                assertThat(f(out, feature)).as(feature.wireName()).isZero();
            }
        }
    }

    @Nested
    class EndpointsAndAgents {
        @Test
        void sensitiveAndAuthFlagsAreCountedIndependently() {
            double[] out = snapshot(fed(
                    MeshEvents.at(T0).flags(PathClass.SENSITIVE | PathClass.LOGIN).build(),
                    MeshEvents.at(T0).flags(PathClass.SIGNUP).build(),
                    MeshEvents.at(T0).flags(PathClass.STATIC).build(),
                    MeshEvents.at(T0).build()), T0);
            // one sensitive hit; login and signup are both auth: two hits
            assertThat(f(out, Feature.SENSITIVE_RATE)).isCloseTo(1 / MEDIUM_SECONDS_YOUNG, within(EPS));
            assertThat(f(out, Feature.AUTH_RATE)).isCloseTo(2 / MEDIUM_SECONDS_YOUNG, within(EPS));
        }

        @Test
        void onlyNormalUserAgentsAreNotAnomalous() {
            double[] out = snapshot(fed(
                    MeshEvents.at(T0).userAgent(UserAgentClass.NORMAL).build(),
                    MeshEvents.at(T0).userAgent(UserAgentClass.EMPTY).build(),
                    MeshEvents.at(T0).userAgent(UserAgentClass.TOOL).build(),
                    MeshEvents.at(T0).userAgent(UserAgentClass.NORMAL).build()), T0);
            // 2 of 4
            assertThat(f(out, Feature.UA_ANOMALY_RATIO)).isEqualTo(0.5);
        }

        @Test
        void unknownUpstreamIsNotADistinctUpstream() {
            MeshEvent unknown = MeshEvents.at(T0).build();
            unknown.upstreamHash = 0;
            assertThat(f(snapshot(fed(unknown), T0), Feature.DISTINCT_UPSTREAMS)).isZero();
        }
    }

    @Nested
    class PathEntropy {
        @Test
        void fourEquallyUsedBucketsGiveTwoBits() {
            double[] out = snapshot(fed(
                    MeshEvents.at(T0).path(pathInBucket("p", 0)).build(),
                    MeshEvents.at(T0).path(pathInBucket("p", 5)).build(),
                    MeshEvents.at(T0).path(pathInBucket("p", 10)).build(),
                    MeshEvents.at(T0).path(pathInBucket("p", 15)).build()), T0);
            // -4 * 1/4 log2(1/4) = 2
            assertThat(f(out, Feature.PATH_ENTROPY)).isCloseTo(2.0, within(1e-12));
        }

        @Test
        void skewedDistributionGivesOneAndAHalfBits() {
            String a = pathInBucket("q", 3);
            double[] out = snapshot(fed(
                    MeshEvents.at(T0).path(a).build(),
                    MeshEvents.at(T0).path(a).build(),
                    MeshEvents.at(T0).path(pathInBucket("q", 7)).build(),
                    MeshEvents.at(T0).path(pathInBucket("q", 9)).build()), T0);
            // p = 1/2, 1/4, 1/4: 1/2 * 1 + 2 * 1/4 * 2 = 1.5
            assertThat(f(out, Feature.PATH_ENTROPY)).isCloseTo(1.5, within(1e-12));
        }

        @Test
        void everyBucketUsedOnceGivesTheMaximumOfFourBits() {
            FeatureState state = new FeatureState();
            for (int b = 0; b < 16; b++) {
                state.update(MeshEvents.at(T0).path(pathInBucket("r", b)).build(), CONFIG);
            }
            // log2(16)
            assertThat(f(snapshot(state, T0), Feature.PATH_ENTROPY)).isCloseTo(4.0, within(1e-12));
        }

        @Test
        void pathsSharingABucketAreIndistinguishable() {
            String first = pathInBucket("s", 6);
            String second = pathInBucket("t", 6);
            assertThat(first).isNotEqualTo(second);
            double[] out = snapshot(fed(
                    MeshEvents.at(T0).path(first).build(),
                    MeshEvents.at(T0).path(second).build()), T0);
            // one bucket holds everything
            assertThat(f(out, Feature.PATH_ENTROPY)).isZero();
        }
    }

    @Nested
    class NewPaths {
        @Test
        void firstDistinctPathsUpToTheGraceAreNotNew() {
            FeatureConfig config = FeatureConfig.builder().newPathGrace(2).build();
            double[] out = snapshot(fed(config,
                    MeshEvents.at(T0).path("/a").build(),
                    MeshEvents.at(T0).path("/b").build(),
                    MeshEvents.at(T0).path("/c").build(),
                    MeshEvents.at(T0).path("/a").build(),
                    MeshEvents.at(T0).path("/d").build()), T0, config);
            // /a, /b within the grace; /c and /d new; the repeated /a is not: 2 of 5
            assertThat(f(out, Feature.NEW_PATH_RATIO)).isEqualTo(0.4);
        }

        @Test
        void defaultGraceIsEightDistinctPaths() {
            FeatureState state = new FeatureState();
            for (int i = 1; i <= 8; i++) {
                state.update(MeshEvents.at(T0).path("/page/" + i).build(), CONFIG);
            }
            assertThat(f(snapshot(state, T0), Feature.NEW_PATH_RATIO)).isZero();
            state.update(MeshEvents.at(T0).path("/page/9").build(), CONFIG);
            // the ninth distinct path is the first new one: 1 of 9
            assertThat(f(snapshot(state, T0), Feature.NEW_PATH_RATIO)).isCloseTo(1 / 9.0, within(EPS));
        }

        @Test
        void withoutGraceEveryFirstVisitIsNew() {
            FeatureConfig config = FeatureConfig.builder().newPathGrace(0).build();
            double[] out = snapshot(fed(config,
                    MeshEvents.at(T0).path("/x").build(),
                    MeshEvents.at(T0).path("/x").build(),
                    MeshEvents.at(T0).path("/y").build()), T0, config);
            // /x and /y: 2 of 3
            assertThat(f(out, Feature.NEW_PATH_RATIO)).isCloseTo(2 / 3.0, within(EPS));
        }

        @Test
        void bloomFilterStartsOverBeforeItIsHalfFull() {
            FeatureConfig config = FeatureConfig.builder().newPathGrace(0).build();
            FeatureState state = new FeatureState();
            int resetAt = -1;
            for (int i = 1; i <= 1000 && resetAt < 0; i++) {
                state.update(MeshEvents.at(T0).path("/scan/" + i).build(), config);
                assertThat(state.seenPathBits).isLessThanOrEqualTo(256);
                if (state.seenPathBits == 0) {
                    resetAt = i;
                }
            }
            // each path sets at most 2 of 512 bits, so more than 256 set bits need at least 129 paths
            assertThat(resetAt).isBetween(129, 1000);
            assertThat(Arrays.copyOfRange(state.pathSketches, FeatureState.SEEN_PATHS, FeatureState.SEEN_PATHS + FeatureState.SEEN_PATH_WORDS))
                    .containsOnly(0L);
            // the price of bounded memory: a path from before the reset is new again
            double newBefore = state.countNewPath;
            state.update(MeshEvents.at(T0).path("/scan/1").build(), config);
            assertThat(state.countNewPath).isEqualTo(newBefore + 1);
        }

        @Test
        void seenPathBitsTrackTheFilterPopulation() {
            FeatureState state = new FeatureState();
            for (int i = 0; i < 5_000; i++) {
                state.update(MeshEvents.at(T0 + i).path("/p/" + i).build(), CONFIG);
                int population = 0;
                for (int w = FeatureState.SEEN_PATHS; w < FeatureState.SEEN_PATHS + FeatureState.SEEN_PATH_WORDS; w++) {
                    population += Long.bitCount(state.pathSketches[w]);
                }
                assertThat(state.seenPathBits).isEqualTo(population).isLessThanOrEqualTo(256);
            }
        }
    }

    @Nested
    class BoundedMemory {
        @Test
        void arraysNeverGrowAfterManyDistinctPaths() {
            FeatureState state = new FeatureState();
            for (int i = 0; i < 100_000; i++) {
                state.update(MeshEvents.at(T0 + i).path("/item/" + i).upstream("u" + (i % 1000)).build(), CONFIG);
            }
            assertThat(state.pathBuckets).hasSize(16);
            assertThat(state.pathSketches).hasSize(16); // two 4-word path windows + 8-word Bloom filter
            assertThat(state.seenPathBits).isLessThanOrEqualTo(256);
            // 100k distinct paths in 100 s: the 256-bit sketch saturates at 256 ln 256 = 1419.6
            double[] out = snapshot(state, T0 + 99_999);
            assertThat(f(out, Feature.DISTINCT_PATHS)).isCloseTo(256 * Math.log(256), within(1e-9));
        }
    }

    @Nested
    class LateEvents {
        @Test
        void lateEventIsCountedWithoutDecayAndDoesNotMoveTime() {
            FeatureState state = fed(
                    MeshEvents.at(T0).build(),
                    MeshEvents.at(T0 + 2000).build(),
                    MeshEvents.at(T0 + 1000).code(404).build());
            assertThat(state.lastUpdateMillis).isEqualTo(T0 + 2000);
            assertThat(state.firstSeenMillis).isEqualTo(T0);
            double[] out = snapshot(state, T0 + 2000);
            // e^-0.2 for the first request, 1 for the second, 1 for the late one (not decayed)
            assertThat(f(out, Feature.RATE_SHORT))
                    .isCloseTo((exp(-0.2) + 2) / SHORT_SECONDS_YOUNG, within(EPS));
            // the late 404 counts fully: 1 / (e^-2/60 + 2)
            assertThat(f(out, Feature.RATIO_404)).isCloseTo(1 / (exp(-2.0 / 60) + 2), within(EPS));
        }

        @Test
        void lateEventFromAnEarlierWindowLandsInTheCurrentOne() {
            FeatureState state = fed(
                    MeshEvents.at(T0 + 60_000).path("/now").build(),
                    MeshEvents.at(T0 + 30_000).path("/earlier").build());
            assertThat(state.windowIndex).isEqualTo((T0 + 60_000) / 60_000);
            assertThat(f(snapshot(state, T0 + 60_000), Feature.DISTINCT_PATHS)).isCloseTo(2, within(0.5));
        }
    }

    @Nested
    class WindowRotation {
        private final FeatureState state = fed(
                MeshEvents.at(T0).path("/a").upstream("u1").build(),
                MeshEvents.at(T0 + 10_000).path("/b").upstream("u2").build(),
                MeshEvents.at(T0 + 59_999).path("/c").build());

        @Test
        void withinOneWindowAllPathsCount() {
            double[] out = snapshot(state, T0 + 59_999);
            assertThat(f(out, Feature.DISTINCT_PATHS)).isCloseTo(3, within(0.5));
            assertThat(f(out, Feature.DISTINCT_UPSTREAMS)).isCloseTo(2, within(0.5));
        }

        @Test
        void afterOneWindowThePreviousWindowStillCounts() {
            state.update(MeshEvents.at(T0 + 60_000).path("/d").upstream("u3").build(), CONFIG);
            double[] out = snapshot(state, T0 + 60_000);
            // previous {a, b, c} + current {d}
            assertThat(f(out, Feature.DISTINCT_PATHS)).isCloseTo(4, within(0.5));
            // previous {u1, u2} + current {u3}
            assertThat(f(out, Feature.DISTINCT_UPSTREAMS)).isCloseTo(3, within(0.5));

            state.update(MeshEvents.at(T0 + 120_000).path("/e").upstream("u4").build(), CONFIG);
            out = snapshot(state, T0 + 120_000);
            // previous {d} + current {e}; {a, b, c} are two windows old
            assertThat(f(out, Feature.DISTINCT_PATHS)).isCloseTo(2, within(0.5));
            assertThat(f(out, Feature.DISTINCT_UPSTREAMS)).isCloseTo(2, within(0.5));
        }

        @Test
        void afterTwoOrMoreWindowsOnlyTheCurrentWindowCounts() {
            state.update(MeshEvents.at(T0 + 120_000).path("/d").upstream("u3").build(), CONFIG);
            double[] out = snapshot(state, T0 + 120_000);
            assertThat(f(out, Feature.DISTINCT_PATHS)).isCloseTo(1, within(0.5));
            assertThat(f(out, Feature.DISTINCT_UPSTREAMS)).isCloseTo(1, within(0.5));

            state.update(MeshEvents.at(T0 + 600_000).path("/e").build(), CONFIG);
            out = snapshot(state, T0 + 600_000);
            assertThat(f(out, Feature.DISTINCT_PATHS)).isCloseTo(1, within(0.5));
            // no upstream in the current window, none in the (cleared) previous one
            assertThat(f(out, Feature.DISTINCT_UPSTREAMS)).isZero();
        }
    }

    @Test
        void requestsAtEpochZeroAreDecayedLikeAnyOther() {
        FeatureState state = fed(
                MeshEvents.at(0).build(),
                MeshEvents.at(1000).build(),
                MeshEvents.at(2000).build());
        assertThat(state.firstSeenMillis).isZero();
        // (1 + e^-0.1 + e^-0.2) / (10 (1 - e^-0.5)), as for any other start time
        assertThat(f(snapshot(state, 2000), Feature.RATE_SHORT))
                .isCloseTo((1 + exp(-0.1) + exp(-0.2)) / SHORT_SECONDS_YOUNG, within(EPS));
    }
}
