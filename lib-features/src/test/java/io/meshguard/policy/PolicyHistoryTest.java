package io.meshguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyHistoryTest {
    private final PolicyParser parser = new PolicyParser();

    private static String policy(long version, double rateLimitScore) {
        return "{\"version\": " + version + ", \"segments\": {\"overrides\": {\"asn:1\": {\"rate_limit_score\": "
                + rateLimitScore + "}}}}";
    }

    @Test
    void acceptsIncreasingVersions() {
        PolicyHistory history = new PolicyHistory();
        assertThat(history.currentVersion()).isZero();
        assertThat(history.current()).isNull();

        PolicyHistory.Verdict first = history.accept(policy(3, 3), parser);
        assertThat(first.accepted).isTrue();
        assertThat(first.reason).isEqualTo("accepted policy version 3 (was 0)");
        PolicyHistory.Verdict second = history.accept(policy(7, 5), parser);
        assertThat(second.accepted).isTrue();
        assertThat(second.reason).isEqualTo("accepted policy version 7 (was 3)");
        assertThat(history.current().overrideFor("asn:1").rateLimitScore).isEqualTo(5.0);
    }

    @Test
    void rejectsAVersionNotGreaterThanTheCurrentAndKeepsTheLastGoodPolicy() {
        PolicyHistory history = new PolicyHistory();
        history.accept(policy(7, 5), parser);
        Policy good = history.current();

        PolicyHistory.Verdict same = history.accept(policy(7, 6), parser);
        assertThat(same.accepted).isFalse();
        assertThat(same.version).isEqualTo(7);
        assertThat(same.reason).isEqualTo(
                "rejected policy version 7: version must be greater than the current version 7");
        assertThat(same.current).isSameAs(good);

        PolicyHistory.Verdict older = history.accept(policy(6, 6), parser);
        assertThat(older.accepted).isFalse();
        assertThat(older.reason).isEqualTo(
                "rejected policy version 6: version must be greater than the current version 7");

        assertThat(history.current()).isSameAs(good);
        assertThat(history.current().overrideFor("asn:1").rateLimitScore).isEqualTo(5.0);
        assertThat(history.lastVerdict()).isSameAs(older);
    }

    @Test
    void invalidDocumentIsRejectedWithItsReasonAndChangesNothing() {
        PolicyHistory history = new PolicyHistory();
        history.accept(policy(7, 5), parser);
        Policy good = history.current();

        PolicyHistory.Verdict bad = history.accept(
                "{\"version\": 8, \"thresholds\": {\"rate_limit_score\": {\"min\": 9.0, \"max\": 8.0}}}", parser);

        assertThat(bad.accepted).isFalse();
        assertThat(bad.version).isEqualTo(-1);
        assertThat(bad.reason).isEqualTo(
                "rejected policy: thresholds.rate_limit_score: min 9.0 is greater than max 8.0");
        assertThat(history.current()).isSameAs(good);
        // The next good version is still accepted.
        assertThat(history.accept(policy(8, 4), parser).accepted).isTrue();
        assertThat(history.currentVersion()).isEqualTo(8);
    }

    @Test
    void startsFromAGivenPolicy() throws Exception {
        PolicyHistory history = new PolicyHistory(parser.parse(policy(5, 3)));
        assertThat(history.currentVersion()).isEqualTo(5);
        assertThat(history.accept(parser.parse(policy(4, 3))).accepted).isFalse();
    }
}
