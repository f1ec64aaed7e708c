package io.meshguard.cep;

import static io.meshguard.cep.Summaries.T0;
import static io.meshguard.cep.Summaries.at;
import static io.meshguard.cep.Summaries.probe;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalSummaryTest {
    @Test
    void rateIsRequestsPerSecondOfTheIntervalLength() {
        IntervalSummary oneSecond = at(0, 58);
        IntervalSummary twoSeconds = at(0, 58);
        twoSeconds.intervalMillis = 2000;

        assertThat(oneSecond.rate()).isEqualTo(58.0);
        assertThat(twoSeconds.rate()).isEqualTo(29.0);
        assertThat(twoSeconds.intervalEndMillis()).isEqualTo(T0 + 2000);
    }

    @Test
    void aMissingIntervalLengthReadsAsOneSecond() {
        IntervalSummary s = at(0, 7);
        s.intervalMillis = 0;

        assertThat(s.lengthMillis()).isEqualTo(IntervalSummary.DEFAULT_INTERVAL_MILLIS);
        assertThat(s.rate()).isEqualTo(7.0);
    }

    @Test
    void overTheRateLimitMeansStrictlyAboveItsOwnLimit() {
        assertThat(at(0, 10).overRateLimit()).isFalse();
        assertThat(at(0, 11).overRateLimit()).isTrue();

        IntervalSummary tightened = at(0, 6);
        tightened.rateLimitRps = 5;
        assertThat(tightened.overRateLimit()).isTrue();
    }

    @Test
    void aSummaryWithoutAnEnrichedLimitIsNeverOverIt() {
        IntervalSummary s = at(0, 1_000);
        s.rateLimitRps = 0;

        assertThat(s.overRateLimit()).isFalse();
    }

    @Test
    void failureShareIsZeroWithoutRequests() {
        assertThat(probe(0, 0, 0, 0).notFoundOrForbiddenShare()).isZero();
        assertThat(probe(0, 4, 4, 3).notFoundOrForbiddenShare()).isEqualTo(0.75);
    }

    @Test
    void totalsSumARunAndSpanFromFirstStartToLastEnd() {
        IntervalSummary.Totals t = IntervalSummary.Totals.of(List.of(
                probe(0, 2, 2, 1), probe(5, 1, 1, 1), Summaries.sensitive(9, 3)));

        assertThat(t.intervals()).isEqualTo(3);
        assertThat(t.requests()).isEqualTo(6);
        assertThat(t.newPaths()).isEqualTo(6);
        assertThat(t.notFoundOrForbidden()).isEqualTo(5);
        assertThat(t.sensitiveHits()).isEqualTo(3);
        assertThat(t.notFoundOrForbiddenShare()).isEqualTo(5.0 / 6);
        assertThat(t.spanMillis()).isEqualTo(10_000);
        assertThat(new IntervalSummary.Totals().spanMillis()).isZero();
    }
}
