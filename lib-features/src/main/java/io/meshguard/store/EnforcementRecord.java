package io.meshguard.store;

import io.meshguard.model.Action;
import io.meshguard.model.Decision;
import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentUpdate;

/**
 * One entry of the enforcement store: what enforcers must do about an identity or a segment now,
 * and the version that orders entries of the same key. Built from enforcing decisions and segment
 * updates; the same record goes to Redis and to the compacted Kafka topic. A Flink POJO.
 *
 * <p>A record {@linkplain #isRelease() releases} its key when an identity is allowed again (or a
 * quarantine expired): Kafka gets a tombstone, Redis a short-lived ALLOW entry that still carries
 * the version, so that a replayed older decision cannot resurrect the key.
 */
public final class EnforcementRecord {
    public enum Kind {
        IDENTITY,
        SEGMENT
    }

    public Kind kind;
    /** The identity or segment id as decided on (unescaped). */
    public String id;
    /** {@link EnforcementKeys#identityKey} / {@link EnforcementKeys#segmentKey} of {@link #id}. */
    public String key;
    /** Per key, strictly increasing; a store keeps the highest. */
    public long version;
    /** Event time (ms) of the decision. */
    public long timestampMillis;
    public long policyVersion;

    // Identity records.
    public Action action;
    /** RATE_LIMIT only. */
    public double limitRps;
    /** QUARANTINE only: how long it lasts from {@link #timestampMillis}. */
    public long ttlSeconds;
    public String segment;
    public String trigger;
    public String pattern;

    // Segment records.
    public SegmentMode mode;
    public double rateLimitScore;
    public double quarantineScore;
    public double limitMultiplier;
    public double minLimitRps;
    public double tighteningFactor;
    /** CLAMPED only: the segment-wide cap; 0 otherwise. */
    public double capRps;

    public EnforcementRecord() {}

    public static EnforcementRecord of(Decision d) {
        EnforcementRecord r = new EnforcementRecord();
        r.kind = Kind.IDENTITY;
        r.id = d.identity;
        r.key = EnforcementKeys.identityKey(d.identity);
        r.version = d.version;
        r.timestampMillis = d.timestampMillis;
        r.policyVersion = d.policyVersion;
        r.action = d.action;
        r.limitRps = d.action == Action.RATE_LIMIT ? d.limitRps : 0;
        r.ttlSeconds = d.action == Action.QUARANTINE ? d.ttlSeconds : 0;
        r.segment = d.segment;
        r.trigger = d.trigger;
        r.pattern = d.pattern;
        return r;
    }

    public static EnforcementRecord of(SegmentUpdate u) {
        EnforcementRecord r = new EnforcementRecord();
        r.kind = Kind.SEGMENT;
        r.id = u.segment;
        r.key = EnforcementKeys.segmentKey(u.segment);
        r.version = u.version;
        r.timestampMillis = u.timestampMillis;
        r.policyVersion = u.policyVersion;
        r.mode = u.mode;
        r.rateLimitScore = u.rateLimitScore;
        r.quarantineScore = u.quarantineScore;
        r.limitMultiplier = u.limitMultiplier;
        r.minLimitRps = u.minLimitRps;
        r.tighteningFactor = u.tighteningFactor;
        r.capRps = u.mode == SegmentMode.CLAMPED ? u.segmentCapRps : 0;
        r.trigger = u.trigger == null ? null : u.trigger.wireName();
        return r;
    }

    /** An identity allowed again: its entry is to be removed (tombstone). */
    public boolean isRelease() {
        return kind == Kind.IDENTITY && action == Action.ALLOW;
    }

    /** When a quarantine ends (ms since the epoch), or 0 when the entry does not expire by itself. */
    public long expiresAtMillis() {
        return kind == Kind.IDENTITY && action == Action.QUARANTINE ? timestampMillis + ttlSeconds * 1000 : 0;
    }

    @Override
    public String toString() {
        return "EnforcementRecord{" + key + " v" + version + " "
                + (kind == Kind.IDENTITY ? String.valueOf(action) : String.valueOf(mode)) + "}";
    }
}
