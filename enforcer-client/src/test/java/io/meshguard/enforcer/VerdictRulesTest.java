package io.meshguard.enforcer;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.segment.SegmentMode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How store hashes (as the job writes them) and the clock map to verdicts. */
class VerdictRulesTest {
    private static final String ID_KEY = "identity:user:alice";
    private static final String SEG_KEY = "segment:asn:64666";
    private static final long NOW = Instant.parse("2026-01-01T00:10:00Z").toEpochMilli();

    private static Map<String, String> hash(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static StoreEntry identity(String... kv) {
        return StoreEntry.parse(ID_KEY, hash(kv));
    }

    private static Map<String, String> quarantineUntil(String expiresAt) {
        return hash("key", ID_KEY, "kind", "identity", "id", "user:alice", "action", "QUARANTINE",
                "expires_at", expiresAt, "version", "7", "policy_version", "3", "ts", "2026-01-01T00:05:00.000Z",
                "segment", "asn:64666", "trigger", "rate");
    }

    @Nested
    class Identity {
        @Test
        void noEntryAllows() {
            Verdict v = VerdictRules.decide(StoreEntry.parse(ID_KEY, Map.of()), null, NOW, false);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
            assertThat(v.reason()).isEqualTo(Verdict.Reason.NO_ENTRY);
            assertThat(v.key()).isEqualTo(ID_KEY);
            assertThat(v.action()).isNull();
            assertThat(v.version()).isZero();
            assertThat(v.degraded()).isFalse();
        }

        @Test
        void rateLimitLimitsToItsRate() {
            Verdict v = VerdictRules.decide(identity("action", "RATE_LIMIT", "limit_rps", "12.50", "version", "5"),
                    null, NOW, false);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.LIMIT);
            assertThat(v.limitRps()).isEqualTo(12.5);
            assertThat(v.reason()).isEqualTo(Verdict.Reason.RATE_LIMITED);
            assertThat(v.action()).isEqualTo("RATE_LIMIT");
            assertThat(v.version()).isEqualTo(5);
        }

        @Test
        void quarantineDeniesUntilItsEnd() {
            Verdict v = VerdictRules.decide(StoreEntry.parse(ID_KEY, quarantineUntil("2026-01-01T00:10:00.001Z")),
                    null, NOW, false);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DENY);
            assertThat(v.reason()).isEqualTo(Verdict.Reason.QUARANTINED);
            assertThat(v.expiresAtMillis()).isEqualTo(NOW + 1);
            assertThat(v.version()).isEqualTo(7);
        }

        @Test
        void quarantineAllowsFromItsEndOnEvenIfStillCached() {
            StoreEntry cached = StoreEntry.parse(ID_KEY, quarantineUntil("2026-01-01T00:10:00.000Z"));

            Verdict atEnd = VerdictRules.decide(cached, null, NOW, false);
            Verdict before = VerdictRules.decide(cached, null, NOW - 1, false);

            assertThat(before.outcome()).isEqualTo(Verdict.Outcome.DENY);
            assertThat(atEnd.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
            assertThat(atEnd.reason()).isEqualTo(Verdict.Reason.QUARANTINE_EXPIRED);
            assertThat(atEnd.action()).isEqualTo("QUARANTINE");
        }

        @Test
        void quarantineWithoutAReadableEndStillDenies() {
            Verdict v = VerdictRules.decide(identity("action", "QUARANTINE", "expires_at", "soon", "version", "2"),
                    null, NOW, false);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DENY);
            assertThat(v.expiresAtMillis()).isZero();
        }

        @Test
        void releaseEntryAllowsAndKeepsItsVersion() {
            Verdict v = VerdictRules.decide(
                    identity("action", "ALLOW", "version", "8", "ts", "2026-01-01T00:09:00.000Z"), null, NOW, false);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
            assertThat(v.reason()).isEqualTo(Verdict.Reason.RELEASED);
            assertThat(v.version()).isEqualTo(8);
        }

        @Test
        void unknownActionOrUnusableRateIsNoDecision() {
            Verdict unknown = VerdictRules.decide(identity("action", "SHADOWBAN", "version", "3"), null, NOW, false);
            Verdict noRate = VerdictRules.decide(identity("action", "RATE_LIMIT", "version", "3"), null, NOW, false);
            Verdict badRate = VerdictRules.decide(identity("action", "RATE_LIMIT", "limit_rps", "NaN"), null, NOW,
                    false);

            assertThat(unknown.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
            assertThat(unknown.reason()).isEqualTo(Verdict.Reason.UNRECOGNIZED_ENTRY);
            assertThat(noRate.reason()).isEqualTo(Verdict.Reason.UNRECOGNIZED_ENTRY);
            assertThat(badRate.reason()).isEqualTo(Verdict.Reason.UNRECOGNIZED_ENTRY);
        }

        @Test
        void unreadableVersionCountsAsZeroWithoutFailing() {
            Verdict v = VerdictRules.decide(identity("action", "RATE_LIMIT", "limit_rps", "3", "version", "x"),
                    null, NOW, false);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.LIMIT);
            assertThat(v.version()).isZero();
        }
    }

    @Nested
    class Segment {
        private final StoreEntry none = StoreEntry.parse(ID_KEY, Map.of());

        @Test
        void clampedSegmentCarriesItsCapWithoutChangingTheOutcome() {
            StoreEntry seg = StoreEntry.parse(SEG_KEY, hash("kind", "segment", "mode", "CLAMPED", "cap_rps",
                    "250.00", "version", "12"));

            Verdict v = VerdictRules.decide(none, seg, NOW, false);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
            assertThat(v.segmentKey()).isEqualTo(SEG_KEY);
            assertThat(v.segmentMode()).isEqualTo(SegmentMode.CLAMPED);
            assertThat(v.hasSegmentCap()).isTrue();
            assertThat(v.segmentCapRps()).isEqualTo(250.0);
            assertThat(v.segmentVersion()).isEqualTo(12);
        }

        @Test
        void capIsOnlyReportedWhenClamped() {
            StoreEntry elevated = StoreEntry.parse(SEG_KEY, hash("mode", "ELEVATED", "cap_rps", "250", "version",
                    "3"));

            Verdict v = VerdictRules.decide(none, elevated, NOW, false);

            assertThat(v.segmentMode()).isEqualTo(SegmentMode.ELEVATED);
            assertThat(v.hasSegmentCap()).isFalse();
            assertThat(v.segmentCapRps()).isZero();
        }

        @Test
        void absentSegmentNamesItsKeyWithNoMode() {
            Verdict v = VerdictRules.decide(none, StoreEntry.parse(SEG_KEY, Map.of()), NOW, false);

            assertThat(v.segmentKey()).isEqualTo(SEG_KEY);
            assertThat(v.segmentMode()).isNull();
            assertThat(v.segmentVersion()).isZero();
        }
    }

    @Nested
    class StoreUnreachable {
        @ParameterizedTest(name = "{0}")
        @EnumSource(FailureMode.class)
        void failureModeDecidesAndTheVerdictSaysDegraded(FailureMode mode) {
            Verdict v = VerdictRules.unreachable(mode, ID_KEY, null);

            assertThat(v.outcome()).isEqualTo(mode == FailureMode.FAIL_OPEN ? Verdict.Outcome.ALLOW
                    : Verdict.Outcome.DENY);
            assertThat(v.reason()).isEqualTo(Verdict.Reason.STORE_UNREACHABLE);
            assertThat(v.degraded()).isTrue();
            assertThat(v.key()).isEqualTo(ID_KEY);
            assertThat(v.segmentKey()).isNull();
        }

        @Test
        void cachedEntryStandingInIsDegraded() {
            StoreEntry cached = StoreEntry.parse(ID_KEY, quarantineUntil("2026-01-01T01:00:00Z"));

            Verdict v = VerdictRules.decide(cached, null, NOW, true);

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DENY);
            assertThat(v.degraded()).isTrue();
        }
    }
}
