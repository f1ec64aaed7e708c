package io.meshguard.policy;

import io.meshguard.identity.SegmentSpec;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.ThresholdBounds;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated, versioned policy document: segmentation, per-segment threshold overrides, bounds,
 * the allowlist, shadow mode and manual overrides, with the JSON text it was parsed from for the
 * audit trail. Built by {@link PolicyParser}; immutable.
 *
 * <p>For Flink broadcast state it is {@link Serializable}; keeping {@link #json()} in the state
 * instead and parsing it again on restore is as good and independent of class changes.
 */
public final class Policy implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long version;
    private final String json;
    private final String description;
    private final SegmentSpec segmentSpec;
    private final Map<String, SegmentOverride> overrides;
    private final SegmentLimits defaults;
    private final ThresholdBounds bounds;
    private final Allowlist allowlist;
    private final boolean shadowGlobal;
    private final Set<String> shadowSegments;
    private final List<ManualOverride> manual;
    private final Map<String, ManualOverride> manualByTarget;

    Policy(
            long version, String json, String description, SegmentSpec segmentSpec,
            Map<String, SegmentOverride> overrides, SegmentLimits defaults, ThresholdBounds bounds,
            Allowlist allowlist, boolean shadowGlobal, Set<String> shadowSegments, List<ManualOverride> manual,
            Map<String, ManualOverride> manualByTarget) {
        this.version = version;
        this.json = json;
        this.description = description;
        this.segmentSpec = segmentSpec;
        this.overrides = Map.copyOf(overrides);
        this.defaults = defaults;
        this.bounds = bounds;
        this.allowlist = allowlist;
        this.shadowGlobal = shadowGlobal;
        this.shadowSegments = Set.copyOf(shadowSegments);
        this.manual = List.copyOf(manual);
        this.manualByTarget = Map.copyOf(manualByTarget);
    }

    public long version() {
        return version;
    }

    /** The document exactly as received. */
    public String json() {
        return json;
    }

    /** The document's free-text {@code description}, or null. */
    public String description() {
        return description;
    }

    /** The segmentation the policy sets, or null when it leaves the job's configuration in force. */
    public SegmentSpec segmentSpec() {
        return segmentSpec;
    }

    /** Whether meshguard must never limit this caller (see {@link Allowlist#contains}). */
    public boolean isAllowlisted(String identityKey, String clientIpOrNull) {
        return allowlist.contains(identityKey, clientIpOrNull);
    }

    public Allowlist allowlist() {
        return allowlist;
    }

    /**
     * Whether decisions in the segment are reported but not enforced: the segment's override says
     * so if it says anything, else the segment is listed under {@code shadow.segments}, else the
     * global switch.
     */
    public boolean isShadow(String segment) {
        SegmentOverride o = segment == null ? null : overrides.get(segment);
        if (o != null && o.shadow != null) {
            return o.shadow;
        }
        return shadowGlobal || (segment != null && shadowSegments.contains(segment));
    }

    public boolean isShadowGlobal() {
        return shadowGlobal;
    }

    /** The segment's override, or null. */
    public SegmentOverride overrideFor(String segment) {
        return segment == null ? null : overrides.get(segment);
    }

    public Map<String, SegmentOverride> overrides() {
        return overrides;
    }

    /** Floors and ceilings of every threshold: the policy's where it sets them, else the configured ones. */
    public ThresholdBounds bounds() {
        return bounds;
    }

    /** The base thresholds (configured, or the segment's override) and bounds for the segment's controller. */
    public SegmentLimits limitsFor(String segment) {
        SegmentOverride o = overrideFor(segment);
        return new SegmentLimits(o == null ? defaults.base : o.applyTo(defaults.base), bounds);
    }

    /**
     * The manual override for the target in force at {@code nowMillis}, or null. Targets are {@code
     * segment:<segment id>} or {@code identity:<identity key>} ({@code ip:} keys in any form).
     */
    public ManualOverride activeManualFor(String target, long nowMillis) {
        if (target == null) {
            return null;
        }
        ManualOverride m = manualByTarget.get(target);
        if (m == null && target.startsWith(ManualOverride.Scope.IDENTITY.prefix())) {
            String key = Allowlist.normalizeIdentity(target.substring(ManualOverride.Scope.IDENTITY.prefix().length()));
            m = key == null ? null : manualByTarget.get(ManualOverride.Scope.IDENTITY.prefix() + key);
        }
        return m != null && m.isActiveAt(nowMillis) ? m : null;
    }

    public ManualOverride activeSegmentManual(String segment, long nowMillis) {
        return activeManualFor(ManualOverride.Scope.SEGMENT.prefix() + segment, nowMillis);
    }

    public ManualOverride activeIdentityManual(String identityKey, long nowMillis) {
        return activeManualFor(ManualOverride.Scope.IDENTITY.prefix() + identityKey, nowMillis);
    }

    /** All manual overrides in document order, expired ones included (for expiry timers and audit). */
    public List<ManualOverride> manualOverrides() {
        return manual;
    }

    @Override
    public String toString() {
        return "Policy{version=" + version + ", overrides=" + overrides.size() + ", " + allowlist + ", shadow="
                + (shadowGlobal ? "global" : shadowSegments) + ", manual=" + manual.size() + "}";
    }
}
