package io.meshguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.identity.SegmentDimension;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentThresholds;
import io.meshguard.segment.Threshold;
import io.meshguard.segment.ThresholdBounds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyParserTest {
    /** The example document of the design, verbatim. */
    static final String EXAMPLE = """
            {"version": 7,
             "segments": {"north_south": "asn", "east_west": "ns", "overrides": {"asn:64666": {"rate_limit_score": 3.0, "quarantine_score": 8.0, "shadow": false}}},
             "thresholds": {"rate_limit_score": {"min": 2.0, "max": 8.0}, "quarantine_score": {"min": 6.0, "max": 20.0}, "tightening_factor": {"min": 0.4}},
             "allowlist": {"identities": ["peer:spiffe://cluster.local/ns/istio-system/sa/istiod"], "cidrs": ["10.0.0.0/8", "2001:db8::/32"]},
             "shadow": {"global": false, "segments": ["asn:64999"]},
             "manual": [{"target": "segment:asn:64666", "action": "clamp", "cap_rps": 50, "until": "2026-11-23T12:00:00Z"},
                        {"target": "identity:user:alice", "action": "release", "until": "2026-11-23T12:30:00Z"}]}
            """;

    private static final long NOON = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();

    private final PolicyParser parser = new PolicyParser();

    @Nested
    class ValidDocuments {
        @Test
        void theExampleDocumentParsesWithEveryPart() throws Exception {
            Policy p = parser.parse(EXAMPLE);
            assertExample(p);
        }

        @Test
        void theExampleRoundTripsThroughItsJsonAndJavaSerialization() throws Exception {
            Policy p = parser.parse(EXAMPLE);
            assertThat(p.json()).isEqualTo(EXAMPLE);
            assertExample(parser.parse(p.json()));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(p);
            }
            Policy restored;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                restored = (Policy) in.readObject();
            }
            assertExample(restored);
            assertThat(restored.json()).isEqualTo(EXAMPLE);
        }

        private void assertExample(Policy p) {
            assertThat(p.version()).isEqualTo(7);
            assertThat(p.segmentSpec().northSouth()).containsExactly(SegmentDimension.ASN);
            assertThat(p.segmentSpec().eastWest()).containsExactly(SegmentDimension.NAMESPACE);

            SegmentOverride o = p.overrideFor("asn:64666");
            assertThat(o.rateLimitScore).isEqualTo(3.0);
            assertThat(o.quarantineScore).isEqualTo(8.0);
            assertThat(o.limitMultiplier).isNaN();
            assertThat(o.shadow).isFalse();
            assertThat(p.overrideFor("asn:64500")).isNull();

            ThresholdBounds b = p.bounds();
            assertThat(b.min(Threshold.TIGHTENING_FACTOR)).isEqualTo(0.4);
            assertThat(b.max(Threshold.TIGHTENING_FACTOR)).isEqualTo(1.0); // not set: the configured ceiling
            assertThat(b.min(Threshold.QUARANTINE_SCORE)).isEqualTo(6.0);

            SegmentLimits limits = p.limitsFor("asn:64666");
            assertThat(limits.base).isEqualTo(new SegmentThresholds(3, 8, 1.5, 2, 1));
            assertThat(limits.bounds).isEqualTo(b);
            assertThat(p.limitsFor("asn:64500").base).isEqualTo(SegmentThresholds.defaults());

            assertThat(p.isAllowlisted("peer:spiffe://cluster.local/ns/istio-system/sa/istiod", null)).isTrue();
            assertThat(p.isAllowlisted("user:bob", "10.20.30.40")).isTrue();
            assertThat(p.isAllowlisted("ip:2001:db8:1::7", null)).isTrue();
            assertThat(p.isAllowlisted("user:bob", "192.0.2.1")).isFalse();

            assertThat(p.isShadow("asn:64999")).isTrue();
            assertThat(p.isShadow("asn:64666")).isFalse();
            assertThat(p.isShadow("asn:64500")).isFalse();

            ManualOverride clamp = p.activeManualFor("segment:asn:64666", NOON - 1);
            assertThat(clamp.action).isEqualTo(ManualAction.CLAMP);
            assertThat(clamp.capRps).isEqualTo(50.0);
            assertThat(clamp.untilMillis).isEqualTo(NOON);
            assertThat(p.activeIdentityManual("user:alice", NOON).action).isEqualTo(ManualAction.RELEASE);
            assertThat(p.manualOverrides()).extracting(m -> m.target)
                    .containsExactly("segment:asn:64666", "identity:user:alice");
        }

        @Test
        void theSmallestPolicyIsAVersion() throws Exception {
            Policy p = parser.parse("{\"version\": 1}");
            assertThat(p.segmentSpec()).isNull();
            assertThat(p.bounds()).isEqualTo(ThresholdBounds.defaults());
            assertThat(p.allowlist().isEmpty()).isTrue();
            assertThat(p.isShadow("asn:1")).isFalse();
            assertThat(p.limitsFor("asn:1")).isEqualTo(SegmentLimits.defaults());
        }

        @Test
        void shadowPrecedenceIsOverrideThenListThenGlobal() throws Exception {
            Policy p = parser.parse("""
                    {"version": 2, "shadow": {"global": true},
                     "segments": {"overrides": {"asn:1": {"shadow": false}, "ns:payments": {"quarantine_score": 12}}}}""");
            assertThat(p.isShadow("asn:1")).isFalse();
            assertThat(p.isShadow("ns:payments")).isTrue();
            assertThat(p.isShadow("asn:2")).isTrue();
        }

        @Test
        void tupleSegmentsAndOffsetsInExpiriesAreAccepted() throws Exception {
            Policy p = parser.parse("""
                    {"version": 3, "segments": {"north_south": "asn+country", "overrides": {"asn:64512,country:de": {"rate_limit_score": 5}, "default": {"rate_limit_score": 6}}},
                     "manual": [{"target": "identity:ip:::ffff:203.0.113.7", "action": "rate_limit", "limit_rps": 2.5, "until": "2026-11-23T13:00:00+01:00", "reason": "ticket 42"}]}""");
            assertThat(p.overrideFor("asn:64512,country:de").rateLimitScore).isEqualTo(5.0);
            assertThat(p.overrideFor("default").rateLimitScore).isEqualTo(6.0);
            ManualOverride m = p.activeIdentityManual("ip:203.0.113.7", NOON - 1);
            assertThat(m.target).isEqualTo("identity:ip:203.0.113.7");
            assertThat(m.limitRps).isEqualTo(2.5);
            assertThat(m.reason).isEqualTo("ticket 42");
            assertThat(m.untilMillis).isEqualTo(NOON);
            assertThat(p.activeIdentityManual("ip:::ffff:203.0.113.7", NOON - 1)).isSameAs(m);
        }

        @Test
        void boundsAreValidatedAgainstTheJobsConfiguredDefaults() throws Exception {
            PolicyParser lenient = new PolicyParser(new SegmentLimits(SegmentThresholds.defaults(),
                    ThresholdBounds.defaults().with(Threshold.RATE_LIMIT_SCORE, 2, 12)
                            .with(Threshold.QUARANTINE_SCORE, 6, 30)));
            Policy p = lenient.parse("{\"version\": 1, \"thresholds\": {\"rate_limit_score\": {\"min\": 9}}}");
            assertThat(p.bounds().min(Threshold.RATE_LIMIT_SCORE)).isEqualTo(9.0);
            assertThat(p.bounds().max(Threshold.RATE_LIMIT_SCORE)).isEqualTo(12.0);
        }
    }

    @Nested
    class InvalidDocuments {
        @ParameterizedTest(name = "{1}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // version
            "{}"
                + "| version: missing; every policy needs a positive integer version",
            "{\"version\": -3}"
                + "| version: must be a positive integer (0 stands for the built-in defaults), got -3",
            "{\"version\": 0}"
                + "| version: must be a positive integer (0 stands for the built-in defaults), got 0",
            "{\"version\": \"7\"}"
                + "| version: expected a positive integer, got the string \"7\"",
            "{\"version\": 7.5}"
                + "| version: expected a positive integer, got the number 7.5",
            "{\"version\": 99999999999999999999}"
                + "| version: too large: 99999999999999999999",
            // document shape
            "[1]"
                + "| the policy must be a JSON object, got an array",
            "{\"version\": 1, \"version\": 2}"
                + "| version: duplicate key",
            "{\"version\": 1} {}"
                + "| trailing content after the policy at line 1, column 16",
            // unknown keys
            "{\"version\": 1, \"segmnets\": {}}"
                + "| segmnets: unknown key; expected one of version, description, segments, thresholds, allowlist, shadow, manual",
            "{\"version\": 1, \"segments\": {\"overrides\": {\"asn:1\": {\"rate_limit\": 3}}}}"
                + "| segments.overrides['asn:1'].rate_limit: unknown key; expected one of rate_limit_score, quarantine_score, limit_multiplier, min_limit_rps, shadow",
            "{\"version\": 1, \"thresholds\": {\"rate_limit\": {\"min\": 3}}}"
                + "| thresholds.rate_limit: unknown threshold; expected one of rate_limit_score, quarantine_score, limit_multiplier, min_limit_rps, tightening_factor",
            "{\"version\": 1, \"thresholds\": {\"rate_limit_score\": {\"minimum\": 3}}}"
                + "| thresholds.rate_limit_score.minimum: unknown key; expected one of min, max",
            // segments
            "{\"version\": 1, \"segments\": {\"east_west\": \"nss\"}}"
                + "| segments.east_west: unknown segment dimension 'nss'; expected one of asn, country, ns, workload, route, host, type",
            "{\"version\": 1, \"segments\": {\"overrides\": {\"asm:1\": {}}}}"
                + "| segments.overrides['asm:1']: unknown segment dimension 'asm' in 'asm:1'; expected one of asn, country, ns, workload, route, host, type",
            "{\"version\": 1, \"segments\": {\"north_south\": \"asn\", \"east_west\": \"ns\", \"overrides\": {\"country:de\": {}}}}"
                + "| segments.overrides['country:de']: segment 'country:de' cannot occur: segments are 'asn' (north_south) or 'ns' (east_west)",
            "{\"version\": 1, \"segments\": {\"overrides\": {\"asn:AS 1\": {}}}}"
                + "| segments.overrides['asn:AS 1']: segment value 'AS 1' in 'asn:AS 1' must be 1..64 characters of [a-z0-9._-]",
            // bounds and overrides
            "{\"version\": 1, \"thresholds\": {\"rate_limit_score\": {\"min\": 9.0, \"max\": 8.0}}}"
                + "| thresholds.rate_limit_score: min 9.0 is greater than max 8.0",
            "{\"version\": 1, \"thresholds\": {\"rate_limit_score\": {\"min\": 9.0}}}"
                + "| thresholds.rate_limit_score: min 9.0 is greater than max 8.0 (the configured default)",
            "{\"version\": 1, \"thresholds\": {\"tightening_factor\": {\"min\": 0}}}"
                + "| thresholds.tightening_factor.min: 0.0 is outside the sane range [0.05, 1.0]",
            "{\"version\": 1, \"thresholds\": {\"quarantine_score\": {\"max\": 5000}}}"
                + "| thresholds.quarantine_score.max: 5000.0 is outside the sane range [1.0, 1000.0]",
            "{\"version\": 1, \"thresholds\": {\"quarantine_score\": {\"max\": 8}}}"
                + "| thresholds.quarantine_score.max: 8.0 must be above rate_limit_score.max 8.0, so that quarantine stays above rate-limit",
            "{\"version\": 1, \"thresholds\": {\"rate_limit_score\": {\"min\": \"2\"}}}"
                + "| thresholds.rate_limit_score.min: expected a number, got the string \"2\"",
            "{\"version\": 1, \"segments\": {\"overrides\": {\"asn:1\": {\"rate_limit_score\": 1.5}}}}"
                + "| segments.overrides['asn:1'].rate_limit_score: 1.5 is outside the bounds [2.0, 8.0] of thresholds.rate_limit_score",
            "{\"version\": 1, \"segments\": {\"overrides\": {\"asn:1\": {\"rate_limit_score\": 8, \"quarantine_score\": 7}}}}"
                + "| segments.overrides['asn:1']: rate_limit_score 8.0 must be below quarantine_score 7.0",
            "{\"version\": 1, \"thresholds\": {\"rate_limit_score\": {\"max\": 12}, \"quarantine_score\": {\"max\": 20}}, \"segments\": {\"overrides\": {\"asn:1\": {\"rate_limit_score\": 11}}}}"
                + "| segments.overrides['asn:1']: rate_limit_score 11.0 must be below quarantine_score 10.0 (the configured default)",
            // allowlist
            "{\"version\": 1, \"allowlist\": {\"cidrs\": [\"10.0.0.0/8\", \"10.0.0.0/33\"]}}"
                + "| allowlist.cidrs[1]: '10.0.0.0/33' is not a CIDR: prefix length 33 is above 32",
            "{\"version\": 1, \"allowlist\": {\"cidrs\": [\"10.0.0/8\"]}}"
                + "| allowlist.cidrs[0]: '10.0.0/8' is not a CIDR: '10.0.0' is not an IP address",
            "{\"version\": 1, \"allowlist\": {\"cidrs\": [\"10.1.0.0/8\"]}}"
                + "| allowlist.cidrs[0]: '10.1.0.0/8' has host bits set; did you mean 10.0.0.0/8?",
            "{\"version\": 1, \"allowlist\": {\"cidrs\": [\"2001:db8::1/32\"]}}"
                + "| allowlist.cidrs[0]: '2001:db8::1/32' has host bits set; did you mean 2001:db8::/32?",
            "{\"version\": 1, \"allowlist\": {\"cidrs\": \"10.0.0.0/8\"}}"
                + "| allowlist.cidrs: expected an array, got the string \"10.0.0.0/8\"",
            "{\"version\": 1, \"allowlist\": {\"identities\": [\"alice\"]}}"
                + "| allowlist.identities[0]: 'alice' is not an identity key; expected user:<id>, peer:<spiffe id> or ip:<address without port>",
            "{\"version\": 1, \"allowlist\": {\"identities\": [\"ip:10.0.0.1:443\"]}}"
                + "| allowlist.identities[0]: 'ip:10.0.0.1:443' is not an identity key; expected user:<id>, peer:<spiffe id> or ip:<address without port>",
            // shadow
            "{\"version\": 1, \"shadow\": {\"global\": \"yes\"}}"
                + "| shadow.global: expected true or false, got the string \"yes\"",
            "{\"version\": 1, \"shadow\": {\"segments\": [\"asn:1\"]}, \"segments\": {\"overrides\": {\"asn:1\": {\"shadow\": false}}}}"
                + "| segments.overrides['asn:1'].shadow: false contradicts shadow.segments, which lists asn:1",
            // manual
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"ban\", \"until\": \"2026-11-23T12:00:00Z\"}]}"
                + "| manual[0].action: unknown action 'ban'; expected one of clamp, release, quarantine, rate_limit",
            "{\"version\": 1, \"manual\": [{\"target\": \"identity:user:a\", \"action\": \"clamp\", \"cap_rps\": 5, \"until\": \"2026-11-23T12:00:00Z\"}]}"
                + "| manual[0].action: clamp applies to segment: targets only",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"quarantine\", \"until\": \"2026-11-23T12:00:00Z\"}]}"
                + "| manual[0].action: quarantine applies to identity: targets only",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"release\", \"until\": \"2026-11-23 12:30\"}]}"
                + "| manual[0].until: '2026-11-23 12:30' is not an ISO-8601 instant, e.g. 2026-11-23T12:30:00Z",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"release\", \"until\": 1700000000000}]}"
                + "| manual[0].until: expected an ISO-8601 instant such as 2026-11-23T12:30:00Z, got the number 1700000000000",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"release\"}]}"
                + "| manual[0].until: missing",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"clamp\", \"until\": \"2026-11-23T12:00:00Z\"}]}"
                + "| manual[0].cap_rps: missing; a clamp needs it",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"clamp\", \"cap_rps\": 0, \"until\": \"2026-11-23T12:00:00Z\"}]}"
                + "| manual[0].cap_rps: must be in (0, 1000000000.0] requests per second, got 0.0",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"release\", \"cap_rps\": 5, \"until\": \"2026-11-23T12:00:00Z\"}]}"
                + "| manual[0].cap_rps: only a clamp takes cap_rps",
            "{\"version\": 1, \"manual\": [{\"target\": \"asn:1\", \"action\": \"release\", \"until\": \"2026-11-23T12:00:00Z\"}]}"
                + "| manual[0].target: 'asn:1' must start with segment: or identity:",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"release\", \"until\": \"2026-11-23T12:00:00Z\"}, {\"target\": \"segment:asn:1\", \"action\": \"clamp\", \"cap_rps\": 1, \"until\": \"2026-11-23T13:00:00Z\"}]}"
                + "| manual[1].target: segment:asn:1 already has an override at manual[0]",
            "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"release\", \"until\": \"2026-11-23T12:00:00Z\", \"why\": \"x\"}]}"
                + "| manual[0].why: unknown key; expected one of target, action, cap_rps, limit_rps, until, reason",
        })
        void invalidDocumentIsRejectedWithPathAndReason(String json, String message) {
            assertThatThrownBy(() -> parser.parse(json))
                    .isInstanceOf(PolicyValidationException.class)
                    .hasMessage(message);
        }

        @Test
        void exceptionSeparatesPathAndProblem() {
            assertThatThrownBy(() -> parser.parse(
                    "{\"version\": 1, \"manual\": [{\"target\": \"segment:asn:1\", \"action\": \"release\", \"until\": \"soon\"}]}"))
                    .isInstanceOfSatisfying(PolicyValidationException.class, e -> {
                        assertThat(e.path()).isEqualTo("manual[0].until");
                        assertThat(e.problem()).isEqualTo("'soon' is not an ISO-8601 instant, e.g. 2026-11-23T12:30:00Z");
                    });
        }

        @Test
        void malformedJsonSaysWhere() {
            assertThatThrownBy(() -> parser.parse("{\"version\": 1,\n \"segments\": {,}}"))
                    .isInstanceOfSatisfying(PolicyValidationException.class, e -> {
                        assertThat(e.path()).isEmpty();
                        assertThat(e.getMessage()).startsWith("malformed JSON at line 2, column 15: ");
                    });
            assertThatThrownBy(() -> parser.parse("")).hasMessage("policy is empty");
            assertThatThrownBy(() -> parser.parse(null)).hasMessage("policy is null");
        }

        @Test
        void oversizedOrDeeplyNestedDocumentsAreRejected() {
            String big = "{\"version\": 1, \"description\": \"" + "x".repeat(PolicyParser.MAX_LENGTH) + "\"}";
            assertThatThrownBy(() -> parser.parse(big)).hasMessageStartingWith("policy is 1,048,6");
            String deep = "{\"version\": 1, \"segments\": " + "[".repeat(40) + "]".repeat(40) + "}";
            assertThatThrownBy(() -> parser.parse(deep))
                    .hasMessage("segments" + "[0]".repeat(15) + ": nested deeper than 16 levels");
        }
    }

    @Test
    void pathsQuoteKeysThatAreNotPlainNames() {
        assertThat(PolicyParser.child("", "version")).isEqualTo("version");
        assertThat(PolicyParser.child("segments.overrides", "host:api.example.com"))
                .isEqualTo("segments.overrides['host:api.example.com']");
        assertThat(PolicyParser.child("a", "it's")).isEqualTo("a['it\\'s']");
    }
}
