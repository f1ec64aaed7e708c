package io.meshguard.cep;

import static io.meshguard.cep.Summaries.at;
import static io.meshguard.cep.Summaries.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PatternConfigTest {
    private final PatternConfig config = PatternConfig.defaults();

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(config.burstIntervals).isEqualTo(3);
        assertThat(config.burstWithin).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.spikeFactor).isEqualTo(10);
        assertThat(config.scanWithin).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.scanMinIntervals).isEqualTo(3);
        assertThat(config.scanDistinctPaths).isEqualTo(20);
        assertThat(config.scanFailureShare).isEqualTo(0.6);
        assertThat(config.sensitiveHits).isEqualTo(4);
        assertThat(config.sensitiveWithin).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void toBuilderKeepsEveryValue() {
        PatternConfig custom = PatternConfig.builder().burstIntervals(4).scanFailureShare(0.8).build();

        assertThat(custom.toBuilder().build()).isEqualTo(custom).hasSameHashCodeAs(custom);
        assertThat(custom).isNotEqualTo(config);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(b -> b.burstIntervals(1),
                        "cep.burst-intervals (1) must be at least 2: single intervals are the spike pattern's job"),
                bad(b -> b.burstWithin(Duration.ofSeconds(2)),
                        "cep.burst-within (2000 ms) must exceed (burst-intervals - 1) x 1000 ms = 2000 ms, "
                                + "or 3 distinct intervals could never fit"),
                bad(b -> b.burstWithin(Duration.ZERO),
                        "cep.burst-within (0 ms) must be in (0, 600000 ms]: the window bounds the state kept per identity"),
                bad(b -> b.scanWithin(Duration.ofHours(1)),
                        "cep.scan-within (3600000 ms) must be in (0, 600000 ms]: the window bounds the state kept per identity"),
                bad(b -> b.sensitiveWithin(null), "cep.sensitive-within must be set"),
                bad(b -> b.spikeFactor(1), "cep.spike-factor (1.0) must be above 1 and finite"),
                bad(b -> b.spikeFactor(Double.NaN), "cep.spike-factor (NaN) must be above 1 and finite"),
                bad(b -> b.scanMinIntervals(0), "cep.scan-min-intervals (0) must be at least 1"),
                bad(b -> b.scanDistinctPaths(0), "cep.scan-distinct-paths (0) must be at least 1"),
                bad(b -> b.scanFailureShare(0), "cep.scan-failure-share (0.0) must be in (0, 1]"),
                bad(b -> b.scanFailureShare(1.5), "cep.scan-failure-share (1.5) must be in (0, 1]"),
                bad(b -> b.sensitiveHits(0), "cep.sensitive-hits (0) must be at least 1"));
    }

    private static Arguments bad(UnaryOperator<PatternConfig.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void invalidSettingIsRejectedWithItsName(UnaryOperator<PatternConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(PatternConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid pattern configuration: " + message);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> PatternConfig.builder().burstIntervals(0).sensitiveHits(0).build())
                .hasMessageContaining("cep.burst-intervals")
                .hasMessageContaining("; cep.sensitive-hits");
    }

    @Test
    void theShortestBurstWindowThatCanFitIsAccepted() {
        assertThat(PatternConfig.builder().burstWithin(Duration.ofMillis(2001)).build().burstWithin)
                .isEqualTo(Duration.ofMillis(2001));
    }

    @Nested
    class Conditions {
        @Test
        void spikeLimitIsTheSummarysOwnElseTheFactorTimesItsRateLimit() {
            IntervalSummary own = at(0, 150);
            own.spikeLimitRps = 150;
            IntervalSummary derived = at(0, 99);

            assertThat(config.spikeLimitRps(own)).isEqualTo(150);
            assertThat(config.isSpike(own)).isTrue();
            assertThat(config.spikeLimitRps(derived)).isEqualTo(100);
            assertThat(config.isSpike(derived)).isFalse();
            assertThat(config.isSpike(at(0, 100))).isTrue();
        }

        @Test
        void noSpikeWithoutAnyLimit() {
            IntervalSummary s = at(0, 10_000);
            s.rateLimitRps = 0;

            assertThat(config.isSpike(s)).isFalse();
        }

        @Test
        void theSameRateIsOverTheLimitOnlyOnceTheSegmentTightens() {
            IntervalSummary before = at(0, 6);
            IntervalSummary after = at(1, 6);
            after.rateLimitRps = 5;

            assertThat(config.isOverLimit(before)).isFalse();
            assertThat(config.isOverLimit(after)).isTrue();
        }

        @Test
        void aScanNeedsEnoughIntervalsNewPathsAndFailures() {
            List<IntervalSummary> run = new ArrayList<>();
            for (int i = 0; i < 19; i++) {
                run.add(probe(i, 1, 1, 1));
            }
            IntervalSummary latest = run.get(run.size() - 1);
            assertThat(config.isScan(IntervalSummary.Totals.of(run), latest)).as("19 new paths").isFalse();

            run.add(probe(19, 1, 1, 1));
            assertThat(config.isScan(IntervalSummary.Totals.of(run), latest)).as("20 new paths").isTrue();

            IntervalSummary.Totals mostlyOk = IntervalSummary.Totals.of(run).add(probe(20, 20, 1, 0));
            assertThat(mostlyOk.notFoundOrForbiddenShare()).isLessThan(0.6);
            assertThat(config.isScan(mostlyOk, latest)).as("mostly successful").isFalse();

            IntervalSummary.Totals twoIntervals = IntervalSummary.Totals.of(List.of(probe(0, 15, 15, 15), probe(1, 15, 15, 15)));
            assertThat(config.isScan(twoIntervals, latest)).as("only two intervals").isFalse();
        }

        @Test
        void aScanStartsOnlyAtAFailedProbeOfANewPath() {
            assertThat(config.isScanStart(probe(0, 1, 1, 1))).isTrue();
            assertThat(config.isScanStart(probe(0, 1, 1, 0))).as("new path, success").isFalse();
            assertThat(config.isScanStart(probe(0, 1, 0, 1))).as("known path, failure").isFalse();
            assertThat(config.isScanInterval(probe(0, 1, 1, 0))).as("but it may continue one").isTrue();
        }

        @Test
        void theScanCutOffInForceAtTheLatestIntervalDecides() {
            IntervalSummary.Totals tenPaths = new IntervalSummary.Totals();
            for (int i = 0; i < 10; i++) {
                tenPaths.add(probe(i, 1, 1, 1));
            }
            IntervalSummary tightened = probe(10, 1, 1, 1);
            tightened.scanDistinctPaths = 10;

            assertThat(config.scanDistinctPaths(tightened)).isEqualTo(10);
            assertThat(config.isScan(tenPaths, probe(10, 1, 1, 1))).isFalse();
            assertThat(config.isScan(tenPaths, tightened)).isTrue();
        }

        @Test
        void sensitiveProbingCountsHitsNotIntervals() {
            assertThat(config.isSensitiveInterval(at(0, 5))).isFalse();
            assertThat(config.isSensitiveInterval(Summaries.sensitive(0, 1))).isTrue();
            assertThat(config.isSensitiveProbe(IntervalSummary.Totals.of(List.of(
                    Summaries.sensitive(0, 1), Summaries.sensitive(3, 2))))).isFalse();
            assertThat(config.isSensitiveProbe(IntervalSummary.Totals.of(List.of(Summaries.sensitive(0, 4)))))
                    .isTrue();
        }
    }
}
