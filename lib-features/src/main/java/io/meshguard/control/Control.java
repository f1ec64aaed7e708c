package io.meshguard.control;

import io.meshguard.segment.SegmentUpdate;

/**
 * One message on meshguard's control channel, which every deciding operator receives as broadcast
 * input: a policy document (validated by each receiver, see {@link io.meshguard.policy.PolicyHistory}),
 * a false-positive report, or a segment's new thresholds from the segment controller. Exactly one
 * payload field is set, as named by {@link #kind}. A Flink POJO.
 */
public final class Control {
    public enum Kind {
        POLICY,
        FEEDBACK,
        SEGMENT_UPDATE
    }

    public Kind kind;
    /** Policy document as received (JSON), for {@link Kind#POLICY}. */
    public String policyJson;
    /** For {@link Kind#FEEDBACK}. */
    public FalsePositiveReport feedback;
    /** For {@link Kind#SEGMENT_UPDATE}. */
    public SegmentUpdate segmentUpdate;
    /** Where the message came from (file and line, topic and offset), for the audit trail. */
    public String origin;

    public Control() {}

    public static Control policy(String json, String origin) {
        Control c = new Control();
        c.kind = Kind.POLICY;
        c.policyJson = json;
        c.origin = origin;
        return c;
    }

    public static Control feedback(FalsePositiveReport report, String origin) {
        Control c = new Control();
        c.kind = Kind.FEEDBACK;
        c.feedback = report;
        c.origin = origin;
        return c;
    }

    public static Control segmentUpdate(SegmentUpdate update) {
        Control c = new Control();
        c.kind = Kind.SEGMENT_UPDATE;
        c.segmentUpdate = update;
        c.origin = "segment-controller";
        return c;
    }

    @Override
    public String toString() {
        switch (kind == null ? Kind.POLICY : kind) {
            case FEEDBACK:
                return "Control{feedback " + feedback + "}";
            case SEGMENT_UPDATE:
                return "Control{segment " + segmentUpdate + "}";
            default:
                return "Control{policy from " + origin + "}";
        }
    }
}
