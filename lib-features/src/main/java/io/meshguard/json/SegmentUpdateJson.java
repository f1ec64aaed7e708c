package io.meshguard.json;

import io.meshguard.segment.SegmentFigure;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentUpdate;

/**
 * The wire format of segment threshold changes: one line of {@code segments.jsonl} per {@link
 * SegmentUpdate}, with what enforcers need first (mode, thresholds, cap, version) and the evidence
 * behind it after (baseline, pressure per figure, reason).
 *
 * <p>Every line has the same keys; what does not apply is null rather than missing ({@code
 * segment_cap_rps} outside CLAMPED, {@code policy_version} when the caller does not know it,
 * figures missing from a short array), so that a consumer can rely on the shape. An update is never
 * lost to its explanation: missing arrays become nulls, not exceptions.
 */
public final class SegmentUpdateJson {
    /** Requests per second: enforcers do not need finer than hundredths. */
    private static final int RPS_DECIMALS = 2;

    private static final int PRESSURE_DECIMALS = 3;
    /** Thresholds, factor, baselines, figures, z: enough to explain and recompute, short enough to read. */
    private static final int EXPLAIN_DECIMALS = 4;

    private SegmentUpdateJson() {}

    /** The line with the update's own {@link SegmentUpdate#policyVersion}. */
    public static String line(SegmentUpdate u) {
        return write(u, true, u.policyVersion);
    }

    /** The line with the version of the policy the update was made under (0: built-in defaults). */
    public static String line(SegmentUpdate u, long policyVersion) {
        return write(u, true, policyVersion);
    }

    private static String write(SegmentUpdate u, boolean hasPolicyVersion, long policyVersion) {
        JsonLineWriter w = new JsonLineWriter(2048);
        w.beginObject();
        w.name("ts").isoTimestamp(u.timestampMillis);
        w.field("segment", u.segment);
        w.field("mode", u.mode == null ? null : u.mode.wireName());
        w.field("previous_mode", u.previousMode == null ? null : u.previousMode.wireName());
        w.name("thresholds")
                .beginObject()
                .fieldRounded("rate_limit_score", u.rateLimitScore, EXPLAIN_DECIMALS)
                .fieldRounded("quarantine_score", u.quarantineScore, EXPLAIN_DECIMALS)
                .fieldRounded("release_score", u.releaseScore, EXPLAIN_DECIMALS)
                .fieldRounded("limit_multiplier", u.limitMultiplier, EXPLAIN_DECIMALS)
                .fieldRounded("min_limit_rps", u.minLimitRps, EXPLAIN_DECIMALS)
                .endObject();
        w.fieldRounded("tightening_factor", u.tighteningFactor, EXPLAIN_DECIMALS);
        // The controller reports 0 outside CLAMPED; null says "no cap" where 0 could read as "block all".
        if (u.mode == SegmentMode.CLAMPED && u.segmentCapRps > 0) {
            w.field("segment_cap_rps", u.segmentCapRps, RPS_DECIMALS);
        } else {
            w.nullField("segment_cap_rps");
        }
        writeBaseline(w.name("baseline"), u);
        writePressure(w.name("pressure"), u);
        w.field("version", u.version);
        if (hasPolicyVersion) {
            w.field("policy_version", policyVersion);
        } else {
            w.nullField("policy_version");
        }
        w.field("reason", u.reason);
        w.field("trigger", u.trigger == null ? null : u.trigger.wireName());
        w.field("warm", u.warm);
        w.field("manual", u.manual);
        if (u.manual) {
            w.name("manual_until").isoTimestamp(u.manualUntilMillis);
        } else {
            w.nullField("manual_until");
        }
        w.field("distinct_identities", u.distinctIdentities);
        w.field("quarantined_identities", u.quarantinedIdentities);
        w.field("max_quarantined", u.maxQuarantined);
        return w.endObject().toLine();
    }

    /**
     * Per figure what it was compared with: {@code mean} is the centre and {@code scale} the scale
     * after floors, prior and volume adjustment, so that z = (value − mean) / scale (shares then
     * discounted for thin evidence); both 0 for a figure not judged yet.
     */
    private static void writeBaseline(JsonLineWriter w, SegmentUpdate u) {
        if (u.expected == null && u.scale == null) {
            w.nullValue();
            return;
        }
        w.beginObject();
        for (SegmentFigure f : SegmentFigure.values()) {
            w.name(f.wireName())
                    .beginObject()
                    .fieldRounded("mean", at(u.expected, f), EXPLAIN_DECIMALS)
                    .fieldRounded("scale", at(u.scale, f), EXPLAIN_DECIMALS)
                    .endObject();
        }
        w.endObject();
    }

    /** Per figure its smoothed value, z and pressure contribution; then the total and the figure driving it. */
    private static void writePressure(JsonLineWriter w, SegmentUpdate u) {
        w.beginObject();
        for (SegmentFigure f : SegmentFigure.values()) {
            w.name(f.wireName())
                    .beginObject()
                    .fieldRounded("value", at(u.figures, f), EXPLAIN_DECIMALS)
                    .fieldRounded("z", at(u.zScores, f), EXPLAIN_DECIMALS)
                    .fieldRounded("contribution", at(u.pressures, f), EXPLAIN_DECIMALS)
                    .endObject();
        }
        w.fieldRounded("total", u.pressure, PRESSURE_DECIMALS);
        w.field("driver", u.driver);
        w.endObject();
    }

    /** NaN (written as null) where the array is missing or too short. */
    private static double at(double[] values, SegmentFigure f) {
        int i = f.ordinal();
        return values != null && i < values.length ? values[i] : Double.NaN;
    }
}
