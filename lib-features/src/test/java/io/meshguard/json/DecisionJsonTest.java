package io.meshguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.features.Feature;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.model.IdentityType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DecisionJsonTest {

    private static final List<String> DECISION_KEYS = List.of(
            "ts", "identity", "identity_type", "segment", "action", "limit_rps", "ttl_s", "trigger", "pattern",
            "score", "reasons", "version", "policy_version", "previous_action");

    private static final List<String> AUDIT_KEYS = concat(concat(List.of("type"), DECISION_KEYS), List.of(
            "shadow", "segment_mode", "evidence", "baseline_kind", "features", "baseline", "deviations", "thresholds"));

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> featureNames() {
        return Arrays.stream(Feature.values()).map(Feature::wireName).toList();
    }

    private static Decision rateLimited() {
        Decision d = new Decision();
        d.timestampMillis = 1_714_564_800_042L;
        d.identity = "ip:203.0.113.7";
        d.identityType = IdentityType.IP;
        d.segment = "asn:64500";
        d.action = Action.RATE_LIMIT;
        d.previousAction = Action.ALLOW;
        d.limitRps = 12.345;
        d.ttlSeconds = 600; // not meaningful for RATE_LIMIT: must not be written
        d.score = 4.56789;
        d.reasons = new String[] {"rate_short 9.1σ above own baseline", "ratio_404 \"high\"\nsecond line"};
        d.version = 7;
        d.policyVersion = 3;
        d.baselineKind = "own";
        d.featureValues = new double[Feature.COUNT];
        d.baselineCenter = new double[Feature.COUNT];
        d.baselineScale = new double[Feature.COUNT];
        d.deviations = new double[Feature.COUNT];
        for (int i = 0; i < Feature.COUNT; i++) {
            d.featureValues[i] = i + 0.123456;
            d.baselineCenter[i] = i / 2.0;
            d.baselineScale[i] = 1.0 + i;
            d.deviations[i] = -i * 0.5;
        }
        d.rateLimitScore = 3.0;
        d.quarantineScore = 6.5;
        d.releaseScore = 1.25;
        return d;
    }

    @Test
    void decisionLineHasExactlyTheEnforcerKeysInOrder() {
        Map<String, Object> json = ParsedJson.object(DecisionJson.decisionLine(rateLimited()));

        assertThat(json.keySet()).containsExactlyElementsOf(DECISION_KEYS);
        assertThat(json)
                .containsEntry("ts", "2024-05-01T12:00:00.042Z")
                .containsEntry("identity", "ip:203.0.113.7")
                .containsEntry("identity_type", "ip")
                .containsEntry("segment", "asn:64500")
                .containsEntry("action", "RATE_LIMIT")
                .containsEntry("limit_rps", 12.35)
                .containsEntry("ttl_s", null)
                .containsEntry("score", 4.568)
                .containsEntry("version", 7L)
                .containsEntry("policy_version", 3L)
                .containsEntry("previous_action", "ALLOW");
        assertThat(json.get("reasons"))
                .isEqualTo(List.of("rate_short 9.1σ above own baseline", "ratio_404 \"high\"\nsecond line"));
    }

    @Test
    void rateLimitWritesTheLimitWithTwoDecimals() {
        assertThat(DecisionJson.decisionLine(rateLimited())).contains("\"limit_rps\":12.35,\"ttl_s\":null");
    }

    @Test
    void quarantineWritesTheTtlAndNoLimit() {
        Decision d = rateLimited();
        d.action = Action.QUARANTINE;
        d.previousAction = Action.RATE_LIMIT;

        Map<String, Object> json = ParsedJson.object(DecisionJson.decisionLine(d));

        assertThat(json)
                .containsEntry("action", "QUARANTINE")
                .containsEntry("limit_rps", null)
                .containsEntry("ttl_s", 600L)
                .containsEntry("previous_action", "RATE_LIMIT");
    }

    @Test
    void allowWritesNeitherLimitNorTtl() {
        Decision d = rateLimited();
        d.action = Action.ALLOW;
        d.previousAction = null;

        Map<String, Object> json = ParsedJson.object(DecisionJson.decisionLine(d));

        assertThat(json)
                .containsEntry("limit_rps", null)
                .containsEntry("ttl_s", null)
                .containsEntry("previous_action", null);
    }

    @ParameterizedTest(name = "{0} is written as its wire name")
    @EnumSource(IdentityType.class)
    void identityTypeUsesTheLowercaseWireName(IdentityType type) {
        Decision d = rateLimited();
        d.identityType = type;
        assertThat(ParsedJson.object(DecisionJson.decisionLine(d)))
                .containsEntry("identity_type", type.wireName());
    }

    @Test
    void aBareDecisionStillProducesValidLines() {
        Decision d = new Decision();
        Map<String, Object> line = ParsedJson.object(DecisionJson.decisionLine(d));
        Map<String, Object> audit = ParsedJson.object(DecisionJson.auditLine(d));

        assertThat(line.keySet()).containsExactlyElementsOf(DECISION_KEYS);
        assertThat(line).containsEntry("reasons", null).containsEntry("identity_type", null).containsEntry("action", null);
        assertThat(audit.keySet()).containsExactlyElementsOf(AUDIT_KEYS);
        assertThat(audit)
                .containsEntry("features", null)
                .containsEntry("baseline", null)
                .containsEntry("deviations", null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void auditLineAddsTheEvidenceForEveryFeature() {
        Map<String, Object> json = ParsedJson.object(DecisionJson.auditLine(rateLimited()));

        assertThat(json.keySet()).containsExactlyElementsOf(AUDIT_KEYS);
        assertThat(json).containsEntry("baseline_kind", "own").containsEntry("limit_rps", 12.35);

        Map<String, Object> features = (Map<String, Object>) json.get("features");
        assertThat(features.keySet()).containsExactlyElementsOf(featureNames());
        assertThat(features).containsEntry("rate_short", 0.1235).containsEntry("ratio_4xx", 2.1235);

        Map<String, Object> baseline = (Map<String, Object>) json.get("baseline");
        assertThat(baseline.keySet()).containsExactlyElementsOf(featureNames());
        assertThat(baseline.get("rate_long")).isEqualTo(Map.of("center", 0.5, "scale", 2L));
        assertThat(((Map<String, Object>) baseline.get("rate_long")).keySet()).containsExactly("center", "scale");

        Map<String, Object> deviations = (Map<String, Object>) json.get("deviations");
        assertThat(deviations.keySet()).containsExactlyElementsOf(featureNames());
        assertThat(deviations).containsEntry("ratio_4xx", -1L).containsEntry("rate_long", -0.5);

        Map<String, Object> thresholds = (Map<String, Object>) json.get("thresholds");
        assertThat(thresholds.keySet()).containsExactly("rate_limit_score", "quarantine_score", "release_score");
        assertThat(DecisionJson.auditLine(rateLimited()))
                .contains("\"thresholds\":{\"rate_limit_score\":3,\"quarantine_score\":6.5,\"release_score\":1.25}}");
    }

    @Test
    void explanationNumbersAreRoundedWithoutTrailingZeros() {
        String audit = DecisionJson.auditLine(rateLimited());

        assertThat(audit)
                .contains("\"features\":{\"rate_short\":0.1235,\"rate_long\":1.1235,")
                .contains("\"baseline\":{\"rate_short\":{\"center\":0,\"scale\":1},\"rate_long\":{\"center\":0.5,\"scale\":2}")
                .contains("\"deviations\":{\"rate_short\":0,\"rate_long\":-0.5,");
    }

    @Test
    @SuppressWarnings("unchecked")
    void missingOrNonFiniteEvidenceIsNullNotAnError() {
        Decision d = rateLimited();
        d.featureValues = new double[] {1.0, Double.NaN}; // shorter than Feature.COUNT
        d.baselineScale = null;
        d.deviations[0] = Double.POSITIVE_INFINITY;

        Map<String, Object> json = ParsedJson.object(DecisionJson.auditLine(d));

        Map<String, Object> features = (Map<String, Object>) json.get("features");
        assertThat(features.keySet()).containsExactlyElementsOf(featureNames());
        assertThat(features).containsEntry("rate_short", 1L).containsEntry("rate_long", null);
        assertThat(features.get(Feature.UA_ANOMALY_RATIO.wireName())).isNull();
        Map<String, Object> rateShort = (Map<String, Object>) ((Map<String, Object>) json.get("baseline")).get("rate_short");
        assertThat(rateShort).containsEntry("center", 0L).containsEntry("scale", null);
        assertThat((Map<String, Object>) json.get("deviations")).containsEntry("rate_short", null);
    }
}
