package io.meshguard.json;

import io.meshguard.features.Feature;
import io.meshguard.model.Action;
import io.meshguard.model.Decision;

/**
 * The wire format of decisions: a compact line for enforcers and a full line for the audit trail.
 *
 * <p>Both lines share the same leading keys, so a consumer of the compact format can read audit
 * lines too. Arrays missing from a decision are written as null rather than failing: an audit line
 * must never be what loses a decision.
 */
public final class DecisionJson {
    /** Requests per second: enforcers do not need finer than hundredths. */
    private static final int RPS_DECIMALS = 2;

    private static final int SCORE_DECIMALS = 3;
    /**
     * Feature values, baselines, deviations and thresholds: enough to explain, short enough to read
     * (trailing zeros are dropped, since an audit line carries some fifty of these numbers).
     */
    private static final int EXPLAIN_DECIMALS = 4;

    private DecisionJson() {}

    /** What enforcers need: the action, its parameters, and the version to order updates by. */
    public static String decisionLine(Decision d) {
        JsonLineWriter w = new JsonLineWriter(256);
        w.beginObject();
        writeDecisionFields(w, d);
        return w.endObject().toLine();
    }

    /** Everything in {@link #decisionLine} plus the evidence behind it. */
    public static String auditLine(Decision d) {
        JsonLineWriter w = new JsonLineWriter(2048);
        w.beginObject();
        // The audit stream also carries policy verdicts; the type tells them apart.
        w.field("type", "decision");
        writeDecisionFields(w, d);
        w.field("shadow", d.shadow);
        w.field("segment_mode", d.segmentMode);
        w.field("evidence", d.evidence);
        w.field("baseline_kind", d.baselineKind);
        writeFeatureObject(w.name("features"), d.featureValues);
        writeBaseline(w.name("baseline"), d.baselineCenter, d.baselineScale);
        writeFeatureObject(w.name("deviations"), d.deviations);
        w.name("thresholds")
                .beginObject()
                .fieldRounded("rate_limit_score", d.rateLimitScore, EXPLAIN_DECIMALS)
                .fieldRounded("quarantine_score", d.quarantineScore, EXPLAIN_DECIMALS)
                .fieldRounded("release_score", d.releaseScore, EXPLAIN_DECIMALS)
                .endObject();
        return w.endObject().toLine();
    }

    private static void writeDecisionFields(JsonLineWriter w, Decision d) {
        w.name("ts").isoTimestamp(d.timestampMillis);
        w.field("identity", d.identity);
        w.field("identity_type", d.identityType == null ? null : d.identityType.wireName());
        w.field("segment", d.segment);
        w.field("action", nameOf(d.action));
        // Parameters that do not apply to the action are null, so no enforcer acts on a stale value.
        if (d.action == Action.RATE_LIMIT) {
            w.field("limit_rps", d.limitRps, RPS_DECIMALS);
        } else {
            w.nullField("limit_rps");
        }
        if (d.action == Action.QUARANTINE) {
            w.field("ttl_s", d.ttlSeconds);
        } else {
            w.nullField("ttl_s");
        }
        w.field("trigger", d.trigger);
        w.field("pattern", d.pattern);
        w.field("score", d.score, SCORE_DECIMALS);
        w.field("reasons", d.reasons);
        w.field("version", d.version);
        w.field("policy_version", d.policyVersion);
        w.field("previous_action", nameOf(d.previousAction));
    }

    /** {@code {feature: value}} for every feature; features beyond a short array are null. */
    private static void writeFeatureObject(JsonLineWriter w, double[] values) {
        if (values == null) {
            w.nullValue();
            return;
        }
        w.beginObject();
        for (Feature f : Feature.values()) {
            w.fieldRounded(f.wireName(), at(values, f), EXPLAIN_DECIMALS);
        }
        w.endObject();
    }

    private static void writeBaseline(JsonLineWriter w, double[] center, double[] scale) {
        if (center == null && scale == null) {
            w.nullValue();
            return;
        }
        w.beginObject();
        for (Feature f : Feature.values()) {
            w.name(f.wireName())
                    .beginObject()
                    .fieldRounded("center", at(center, f), EXPLAIN_DECIMALS)
                    .fieldRounded("scale", at(scale, f), EXPLAIN_DECIMALS)
                    .endObject();
        }
        w.endObject();
    }

    /** NaN (written as null) where the array is missing or too short. */
    private static double at(double[] values, Feature f) {
        int i = f.ordinal();
        return values != null && i < values.length ? values[i] : Double.NaN;
    }

    private static String nameOf(Action action) {
        return action == null ? null : action.name();
    }
}
