package io.meshguard.detect;

import io.meshguard.baseline.AnomalyScorer;
import io.meshguard.baseline.BaselineView;
import io.meshguard.features.Feature;
import io.meshguard.model.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns a score into human-readable reasons: which features deviate, by how much, from what. */
final class Explanations {
    private Explanations() {}

    static String[] reasons(
            AnomalyScorer scorer,
            double[] features,
            BaselineView baseline,
            double[] scale,
            double[] deviations,
            double score,
            Action action,
            DecisionConfig config) {
        List<String> reasons = new ArrayList<>();
        if (action == Action.ALLOW) {
            reasons.add(String.format(Locale.ROOT,
                    "score %.2f stayed below release %.2f for %.1f s",
                    score, config.releaseScore, config.releaseHoldMillis / 1000.0));
            return reasons.toArray(new String[0]);
        }
        Integer[] order = new Integer[Feature.COUNT];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(
                scorer.contribution(b, deviations[b]), scorer.contribution(a, deviations[a])));
        for (int i : order) {
            if (reasons.size() >= config.maxReasons || scorer.contribution(i, deviations[i]) <= 0) {
                break;
            }
            Feature f = Feature.ofOrdinal(i);
            reasons.add(String.format(Locale.ROOT,
                    "%s %s %s vs %s %s±%s (z=%.1f)",
                    f.wireName(), compact(features[i]), f.unit(), baseline.kind.wireName(),
                    compact(baseline.center[i]), compact(scale[i]), deviations[i]));
        }
        if (reasons.isEmpty()) {
            reasons.add(String.format(Locale.ROOT, "score %.2f", score));
        }
        return reasons.toArray(new String[0]);
    }

    private static String compact(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
