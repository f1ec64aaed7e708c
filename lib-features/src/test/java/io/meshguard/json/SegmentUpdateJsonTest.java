package io.meshguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.segment.SegmentControllerConfig;
import io.meshguard.segment.SegmentFigure;
import io.meshguard.segment.SegmentInterval;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentState;
import io.meshguard.segment.SegmentThresholdController;
import io.meshguard.segment.SegmentUpdate;
import io.meshguard.segment.UpdateTrigger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SegmentUpdateJsonTest {

    private static final List<String> KEYS = List.of(
            "ts", "segment", "mode", "previous_mode", "thresholds", "tightening_factor", "segment_cap_rps",
            "baseline", "pressure", "version", "policy_version", "reason", "trigger", "warm", "manual",
            "manual_until", "distinct_identities", "quarantined_identities", "max_quarantined");

    private static final List<String> THRESHOLD_KEYS =
            List.of("rate_limit_score", "quarantine_score", "release_score", "limit_multiplier", "min_limit_rps");

    private static List<String> figureNames() {
        return Arrays.stream(SegmentFigure.values()).map(SegmentFigure::wireName).toList();
    }

    private static List<String> pressureKeys() {
        List<String> keys = new ArrayList<>(figureNames());
        keys.add("total");
        keys.add("driver");
        return keys;
    }

    /** A clamp of a segment flooded with new identities; every figure's numbers differ so mix-ups show. */
    private static SegmentUpdate clamped() {
        SegmentUpdate u = new SegmentUpdate();
        u.segment = "asn:64666";
        u.timestampMillis = 1_714_564_800_042L;
        u.version = 1_714_564_800_042L;
        u.trigger = UpdateTrigger.MODE;
        u.mode = SegmentMode.CLAMPED;
        u.previousMode = SegmentMode.NORMAL;
        u.rateLimitScore = 3.6;
        u.quarantineScore = 9.0;
        u.releaseScore = 1.8;
        u.limitMultiplier = 1.8;
        u.minLimitRps = 0.9;
        u.tighteningFactor = 0.9;
        u.segmentCapRps = 33.863136;
        u.pressure = 23.477681;
        u.driver = "auth_rate";
        u.warm = true;
        u.figures = new double[] {76.0, 54.0, 40.0, 26.5, 0.0921052, 0.0};
        u.baselineMean = new double[] {16.9, 12.1, 0.1, 0.022, 0.03, 0.0};
        u.baselineSpread = new double[] {3.1, 2.2, 0.3, 0.14, 0.02, 0.0};
        u.expected = new double[] {16.9, 12.1, 0.1, 0.0594, 0.03, 0.01};
        u.scale = new double[] {16.9, 12.1, 1.0, 1.0, 0.05, 0.02};
        u.zScores = new double[] {3.4970414, 3.4628099, 39.9, 26.4406, 1.2421, -0.5};
        u.pressures = new double[] {0.2485207, 0.0, 21.54, 23.4406, 0.0, 0.0};
        u.distinctIdentities = 54;
        u.quarantinedIdentities = 2;
        u.maxQuarantined = 5;
        u.reason = "NORMAL -> CLAMPED: auth_rate 26.5/s vs baseline 0.022±1.0 at volume ×2.7 (z=26.5); "
                + "pressure 23.5 >= 10.0";
        return u;
    }

    @Test
    @SuppressWarnings("unchecked")
    void lineHasExactlyTheDocumentedKeysInOrder() {
        Map<String, Object> json = ParsedJson.object(SegmentUpdateJson.line(clamped(), 7));

        assertThat(json.keySet()).containsExactlyElementsOf(KEYS);
        assertThat(json)
                .containsEntry("ts", "2024-05-01T12:00:00.042Z")
                .containsEntry("segment", "asn:64666")
                .containsEntry("mode", "clamped")
                .containsEntry("previous_mode", "normal")
                .containsEntry("tightening_factor", 0.9)
                .containsEntry("segment_cap_rps", 33.86)
                .containsEntry("version", 1_714_564_800_042L)
                .containsEntry("policy_version", 7L)
                .containsEntry("reason", clamped().reason)
                .containsEntry("trigger", "mode")
                .containsEntry("warm", true)
                .containsEntry("manual", false)
                .containsEntry("manual_until", null)
                .containsEntry("distinct_identities", 54L)
                .containsEntry("quarantined_identities", 2L)
                .containsEntry("max_quarantined", 5L);

        Map<String, Object> thresholds = (Map<String, Object>) json.get("thresholds");
        assertThat(thresholds.keySet()).containsExactlyElementsOf(THRESHOLD_KEYS);
        assertThat(thresholds)
                .containsEntry("rate_limit_score", 3.6)
                .containsEntry("quarantine_score", 9L)
                .containsEntry("release_score", 1.8)
                .containsEntry("limit_multiplier", 1.8)
                .containsEntry("min_limit_rps", 0.9);
    }

    @Test
    @SuppressWarnings("unchecked")
    void baselineAndPressureExplainEveryFigure() {
        Map<String, Object> json = ParsedJson.object(SegmentUpdateJson.line(clamped()));

        Map<String, Object> baseline = (Map<String, Object>) json.get("baseline");
        assertThat(baseline.keySet()).containsExactlyElementsOf(figureNames());
        assertThat(baseline.values()).allSatisfy(b -> assertThat(((Map<String, Object>) b).keySet())
                .containsExactly("mean", "scale"));
        // What the figure was compared with, so that z = (value - mean) / scale can be checked.
        assertThat(baseline.get("auth_rate")).isEqualTo(Map.of("mean", 0.0594, "scale", 1L));
        assertThat(baseline.get("error_share")).isEqualTo(Map.of("mean", 0.03, "scale", 0.05));

        Map<String, Object> pressure = (Map<String, Object>) json.get("pressure");
        assertThat(pressure.keySet()).containsExactlyElementsOf(pressureKeys());
        for (String figure : figureNames()) {
            assertThat(((Map<String, Object>) pressure.get(figure)).keySet())
                    .as(figure).containsExactly("value", "z", "contribution");
        }
        assertThat(pressure.get("volume")).isEqualTo(Map.of("value", 76L, "z", 3.497, "contribution", 0.2485));
        assertThat(pressure.get("auth_rate")).isEqualTo(Map.of("value", 26.5, "z", 26.4406, "contribution", 23.4406));
        assertThat(pressure.get("anomalous_share")).isEqualTo(Map.of("value", 0L, "z", -0.5, "contribution", 0L));
        assertThat(pressure).containsEntry("total", 23.478).containsEntry("driver", "auth_rate");
    }

    @ParameterizedTest(name = "{0}: no cap")
    @EnumSource(value = SegmentMode.class, names = {"NORMAL", "ELEVATED"})
    void capIsNullOutsideClamped(SegmentMode mode) {
        SegmentUpdate u = clamped();
        u.mode = mode;
        u.segmentCapRps = 0;
        assertThat(ParsedJson.object(SegmentUpdateJson.line(u))).containsEntry("segment_cap_rps", null);
    }

    @Test
    void policyVersionComesFromTheUpdateUnlessGiven() {
        SegmentUpdate u = clamped();
        u.policyVersion = 5;
        assertThat(ParsedJson.object(SegmentUpdateJson.line(u))).containsEntry("policy_version", 5L);
        assertThat(ParsedJson.object(SegmentUpdateJson.line(u, 0))).containsEntry("policy_version", 0L);
    }

    @Test
    void manualOverrideSaysUntilWhen() {
        SegmentUpdate u = clamped();
        u.trigger = UpdateTrigger.MANUAL;
        u.manual = true;
        u.manualUntilMillis = 1_714_568_400_000L;
        assertThat(ParsedJson.object(SegmentUpdateJson.line(u)))
                .containsEntry("trigger", "manual")
                .containsEntry("manual", true)
                .containsEntry("manual_until", "2024-05-01T13:00:00.000Z");
    }

    @Test
    @SuppressWarnings("unchecked")
    void bareUpdateStillProducesAValidLineWithEveryKey() {
        Map<String, Object> json = ParsedJson.object(SegmentUpdateJson.line(new SegmentUpdate()));

        assertThat(json.keySet()).containsExactlyElementsOf(KEYS);
        assertThat(json)
                .containsEntry("segment", null)
                .containsEntry("mode", null)
                .containsEntry("previous_mode", null)
                .containsEntry("trigger", null)
                .containsEntry("reason", null)
                .containsEntry("baseline", null)
                .containsEntry("segment_cap_rps", null);
        Map<String, Object> pressure = (Map<String, Object>) json.get("pressure");
        assertThat(pressure.keySet()).containsExactlyElementsOf(pressureKeys());
        assertThat(pressure.get("volume")).isEqualTo(nullTriple());
        assertThat(pressure).containsEntry("total", 0L).containsEntry("driver", null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shortOrNonFiniteArraysBecomeNulls() {
        SegmentUpdate u = clamped();
        u.zScores = new double[] {Double.POSITIVE_INFINITY};
        u.scale = null;

        Map<String, Object> json = ParsedJson.object(SegmentUpdateJson.line(u));

        Map<String, Object> pressure = (Map<String, Object>) json.get("pressure");
        assertThat((Map<String, Object>) pressure.get("volume")).containsEntry("z", null).containsEntry("value", 76L);
        assertThat((Map<String, Object>) pressure.get("auth_rate")).containsEntry("z", null);
        assertThat((Map<String, Object>) ((Map<String, Object>) json.get("baseline")).get("volume"))
                .containsEntry("mean", 16.9)
                .containsEntry("scale", null);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyUpdateOfARealClampParsesBack() {
        SegmentThresholdController controller = new SegmentThresholdController(SegmentControllerConfig.defaults());
        SegmentState state = new SegmentState();
        List<SegmentUpdate> updates = new ArrayList<>();
        long t = 1_714_564_800_000L;
        for (int i = 0; i < 300; i++) {
            t += 1000;
            boolean flood = i >= 120 && i < 180;
            SegmentInterval in = flood
                    ? SegmentInterval.of(t, 220, 90, 70, 150, 30, 40, 0)
                    : SegmentInterval.of(t, 20, 12, 1, 0, 0, 0, 0);
            SegmentUpdate u = controller.onInterval("asn:64666", state, in);
            if (u != null) {
                updates.add(u);
            }
        }
        assertThat(updates).extracting(u -> u.mode).contains(SegmentMode.CLAMPED, SegmentMode.NORMAL);
        for (SegmentUpdate u : updates) {
            String line = SegmentUpdateJson.line(u, 3);
            Map<String, Object> json = ParsedJson.object(line);
            assertThat(json.keySet()).as(line).containsExactlyElementsOf(KEYS);
            assertThat(json).containsEntry("mode", u.mode.wireName()).containsEntry("version", u.version);
            assertThat(json.get("segment_cap_rps") != null).isEqualTo(u.mode == SegmentMode.CLAMPED);
            assertThat(((Map<String, Object>) json.get("thresholds")).keySet())
                    .containsExactlyElementsOf(THRESHOLD_KEYS);
        }
    }

    private static Map<String, Object> nullTriple() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", null);
        m.put("z", null);
        m.put("contribution", null);
        return m;
    }
}
