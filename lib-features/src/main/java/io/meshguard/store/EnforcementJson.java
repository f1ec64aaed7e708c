package io.meshguard.store;

import io.meshguard.json.JsonLineWriter;
import io.meshguard.model.Action;

/**
 * The JSON value of an enforcement entry, as the compacted topic carries it and as enforcers read
 * it (Redis holds the same fields as a hash). Identity: {@code {"key","kind":"identity","id",
 * "action","limit_rps","expires_at","version","policy_version","ts","segment","trigger","pattern"}};
 * segment: {@code {"key","kind":"segment","id","mode","cap_rps","rate_limit_score",
 * "quarantine_score","limit_multiplier","min_limit_rps","tightening_factor","version",
 * "policy_version","ts","trigger"}}. Numbers not meaningful for the action are null.
 */
public final class EnforcementJson {
    private EnforcementJson() {}

    public static String value(EnforcementRecord r) {
        JsonLineWriter w = new JsonLineWriter(384);
        w.beginObject();
        w.field("key", r.key);
        w.field("kind", r.kind == EnforcementRecord.Kind.SEGMENT ? "segment" : "identity");
        w.field("id", r.id);
        if (r.kind == EnforcementRecord.Kind.SEGMENT) {
            w.field("mode", r.mode == null ? null : r.mode.name());
            if (r.capRps > 0) {
                w.field("cap_rps", r.capRps, 2);
            } else {
                w.nullField("cap_rps");
            }
            w.fieldRounded("rate_limit_score", r.rateLimitScore, 4);
            w.fieldRounded("quarantine_score", r.quarantineScore, 4);
            w.fieldRounded("limit_multiplier", r.limitMultiplier, 4);
            w.fieldRounded("min_limit_rps", r.minLimitRps, 4);
            w.fieldRounded("tightening_factor", r.tighteningFactor, 4);
        } else {
            w.field("action", r.action == null ? null : r.action.name());
            if (r.action == Action.RATE_LIMIT) {
                w.field("limit_rps", r.limitRps, 2);
            } else {
                w.nullField("limit_rps");
            }
            if (r.expiresAtMillis() > 0) {
                w.name("expires_at").isoTimestamp(r.expiresAtMillis());
            } else {
                w.nullField("expires_at");
            }
        }
        w.field("version", r.version);
        w.field("policy_version", r.policyVersion);
        w.name("ts").isoTimestamp(r.timestampMillis);
        if (r.kind == EnforcementRecord.Kind.IDENTITY) {
            w.field("segment", r.segment);
            w.field("trigger", r.trigger);
            w.field("pattern", r.pattern);
        } else {
            w.field("trigger", r.trigger);
        }
        return w.endObject().toLine();
    }
}
