package io.meshguard.cep;

import static io.meshguard.cep.Summaries.T0;
import static io.meshguard.cep.Summaries.at;
import static io.meshguard.cep.Summaries.probe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatternMatchTest {
    private final PatternConfig config = PatternConfig.defaults();

    @Test
    void burstEvidenceNamesEveryIntervalAgainstItsOwnLimit() {
        IntervalSummary tightened = at(7, 9);
        tightened.rateLimitRps = 5;
        tightened.segmentMode = "elevated";
        tightened.policyVersion = 4;

        PatternMatch m = PatternMatch.of(PatternMatch.BURST, List.of(at(5, 25), at(3, 58), tightened), config);

        assertThat(m.pattern).isEqualTo("burst");
        assertThat(m.identity).isEqualTo("ip:203.0.113.7");
        assertThat(m.segment).isEqualTo("asn:64500");
        assertThat(m.firstIntervalMillis).isEqualTo(T0 + 3_000);
        assertThat(m.lastIntervalMillis).isEqualTo(T0 + 7_000);
        assertThat(m.intervals).isEqualTo(3);
        assertThat(m.totalRequests).isEqualTo(92);
        assertThat(m.segmentMode).as("mode at the last interval").isEqualTo("elevated");
        assertThat(m.policyVersion).isEqualTo(4);
        assertThat(m.evidence).containsExactly(
                "3 intervals over the rate limit in 5 s (burst: 3 within 10 s)",
                "interval 12:00:03 58 req vs limit 10.0 req/s",
                "interval 12:00:05 25 req vs limit 10.0 req/s",
                "interval 12:00:07 9 req vs limit 5.0 req/s");
    }

    @Test
    void spikeEvidenceShowsTheSpikeLimitAndTheRateLimitItCameFrom() {
        PatternMatch m = PatternMatch.of(PatternMatch.SPIKE, List.of(at(63, 800)), config);

        assertThat(m.evidence).containsExactly("interval 12:01:03 800 req vs spike limit 100.0 req/s (limit 10.0 req/s)");
    }

    @Test
    void intervalsLongerThanASecondSpellTheRateOut() {
        IntervalSummary twoSeconds = at(0, 58);
        twoSeconds.intervalMillis = 2000;

        assertThat(PatternMatch.rateVs(twoSeconds, "limit", 10))
                .isEqualTo("58 req in 2 s = 29.0 req/s vs limit 10.0 req/s");
    }

    @Test
    void scanEvidenceSumsTheRunAndCapsTheIntervalLines() {
        List<IntervalSummary> run = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            run.add(probe(i * 2, 1, 1, i % 5 == 0 ? 0 : 1));
        }

        PatternMatch m = PatternMatch.of(PatternMatch.SCAN, run, config);

        assertThat(m.intervals).isEqualTo(25);
        assertThat(m.evidence[0]).isEqualTo(
                "25 new paths in 49 s (cut-off 20 within 60 s), 20 of 25 requests (80%) 404/403/400 (cut-off 60%)");
        assertThat(m.evidence).hasSize(1 + PatternMatch.MAX_INTERVAL_LINES);
        assertThat(m.evidence[1]).isEqualTo("interval 12:00:00 1 req, 1 new path, 0 404/403/400");
        assertThat(m.evidence[PatternMatch.MAX_INTERVAL_LINES - 1]).isEqualTo("... 16 more intervals");
        assertThat(m.evidence[PatternMatch.MAX_INTERVAL_LINES]).isEqualTo("interval 12:00:48 1 req, 1 new path, 1 404/403/400");
    }

    @Test
    void sensitiveProbeEvidenceCountsHits() {
        PatternMatch m = PatternMatch.of(PatternMatch.SENSITIVE_PROBE,
                List.of(Summaries.sensitive(0, 1), Summaries.sensitive(4, 2), Summaries.sensitive(9, 1)), config);

        assertThat(m.evidence).containsExactly(
                "4 sensitive-path hits in 10 s (cut-off 4 within 30 s)",
                "interval 12:00:00 1 sensitive-path hit, 1 req",
                "interval 12:00:04 2 sensitive-path hits, 2 req",
                "interval 12:00:09 1 sensitive-path hit, 1 req");
    }

    @Test
    void unknownPatternsAndEmptyMatchesAreRejected() {
        assertThatThrownBy(() -> PatternMatch.of("flood", List.of(at(0, 1)), config))
                .hasMessage("unknown pattern 'flood', expected one of [burst, spike, scan, sensitive-probe]");
        assertThatThrownBy(() -> PatternMatch.of(PatternMatch.BURST, List.of(), config))
                .hasMessage("a burst match needs at least one interval");
    }
}
