package io.meshguard.enforcer;

import io.meshguard.segment.SegmentMode;
import java.time.Instant;
import java.util.Objects;

/**
 * What an enforcer does with one identity's requests now, and why: the outcome (allow, limit to
 * {@link #limitRps()}, deny), the entry it came from (key, stored action, version, quarantine end),
 * the segment's state (mode, the segment-wide cap when CLAMPED), and whether it was answered
 * without the store ({@link #degraded()}). Immutable.
 *
 * <p>The segment cap does not change the outcome: it bounds the segment's traffic as a whole, so an
 * enforcer applies it with one limiter shared by every identity of the segment, on top of the
 * identity's own outcome.
 */
public final class Verdict {

    /** What to do with the identity's requests. */
    public enum Outcome {
        ALLOW,
        /** Rate-limit the identity to {@link #limitRps()}. */
        LIMIT,
        DENY
    }

    /** Why the outcome is what it is. */
    public enum Reason {
        /** No entry for the identity: no decision, allow. */
        NO_ENTRY,
        /** An ALLOW entry: the identity was released (kept for a while with its version). */
        RELEASED,
        /** A RATE_LIMIT entry. */
        RATE_LIMITED,
        /** A QUARANTINE entry whose {@code expires_at} is still ahead. */
        QUARANTINED,
        /** A QUARANTINE entry whose {@code expires_at} has passed (Redis drops the key by itself). */
        QUARANTINE_EXPIRED,
        /**
         * An entry this client cannot act on (unknown action, a rate limit without a usable rate):
         * treated as no decision, so a newer job writing something new never locks identities out.
         */
        UNRECOGNIZED_ENTRY,
        /** The store could not be read and nothing recent was cached: the failure mode decided. */
        STORE_UNREACHABLE
    }

    private final Outcome outcome;
    private final Reason reason;
    private final double limitRps;
    private final String key;
    private final String action;
    private final long version;
    private final long expiresAtMillis;
    private final String segmentKey;
    private final SegmentMode segmentMode;
    private final double segmentCapRps;
    private final long segmentVersion;
    private final boolean degraded;

    Verdict(Outcome outcome, Reason reason, double limitRps, String key, String action, long version,
            long expiresAtMillis, String segmentKey, SegmentMode segmentMode, double segmentCapRps,
            long segmentVersion, boolean degraded) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.limitRps = limitRps;
        this.key = key;
        this.action = action;
        this.version = version;
        this.expiresAtMillis = expiresAtMillis;
        this.segmentKey = segmentKey;
        this.segmentMode = segmentMode;
        this.segmentCapRps = segmentCapRps;
        this.segmentVersion = segmentVersion;
        this.degraded = degraded;
    }

    public Outcome outcome() {
        return outcome;
    }

    public Reason reason() {
        return reason;
    }

    public boolean isAllow() {
        return outcome == Outcome.ALLOW;
    }

    public boolean isLimit() {
        return outcome == Outcome.LIMIT;
    }

    public boolean isDeny() {
        return outcome == Outcome.DENY;
    }

    /** LIMIT: the identity's requests per second; 0 otherwise. */
    public double limitRps() {
        return limitRps;
    }

    /** The identity's store key consulted (unprefixed, e.g. {@code identity:user:alice}). */
    public String key() {
        return key;
    }

    /** The stored {@code action} that decided ({@code QUARANTINE}, {@code RATE_LIMIT}, {@code ALLOW}), or null. */
    public String action() {
        return action;
    }

    /** The identity entry's version, 0 when there is none. */
    public long version() {
        return version;
    }

    /** A quarantine's end (ms since the epoch), 0 when not quarantined. */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** The segment's store key consulted, or null when no segment was given. */
    public String segmentKey() {
        return segmentKey;
    }

    /** The segment's mode, or null when it has no entry (or none was asked for). */
    public SegmentMode segmentMode() {
        return segmentMode;
    }

    public boolean hasSegmentCap() {
        return segmentCapRps > 0;
    }

    /** CLAMPED: the cap on the whole segment's requests per second; 0 otherwise. */
    public double segmentCapRps() {
        return segmentCapRps;
    }

    /** The segment entry's version, 0 when there is none. */
    public long segmentVersion() {
        return segmentVersion;
    }

    /**
     * True when the store could not be read for this answer: it comes from a cached entry kept
     * through the outage (within the stale tolerance), or from the failure mode.
     */
    public boolean degraded() {
        return degraded;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Verdict)) {
            return false;
        }
        Verdict v = (Verdict) o;
        return outcome == v.outcome && reason == v.reason && Double.compare(limitRps, v.limitRps) == 0
                && Objects.equals(key, v.key) && Objects.equals(action, v.action) && version == v.version
                && expiresAtMillis == v.expiresAtMillis && Objects.equals(segmentKey, v.segmentKey)
                && segmentMode == v.segmentMode && Double.compare(segmentCapRps, v.segmentCapRps) == 0
                && segmentVersion == v.segmentVersion && degraded == v.degraded;
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, reason, limitRps, key, action, version, expiresAtMillis, segmentKey,
                segmentMode, segmentCapRps, segmentVersion, degraded);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Verdict{").append(outcome);
        if (outcome == Outcome.LIMIT) {
            s.append(' ').append(limitRps).append(" rps");
        }
        s.append(", ").append(reason);
        if (key != null) {
            s.append(", ").append(key);
            if (action != null) {
                s.append(' ').append(action).append(" v").append(version);
            }
        }
        if (expiresAtMillis > 0) {
            s.append(", until ").append(Instant.ofEpochMilli(expiresAtMillis));
        }
        if (segmentKey != null) {
            s.append(", ").append(segmentKey).append(' ').append(segmentMode);
            if (segmentMode != null) {
                s.append(" v").append(segmentVersion);
            }
            if (hasSegmentCap()) {
                s.append(" cap ").append(segmentCapRps).append(" rps");
            }
        }
        if (degraded) {
            s.append(", degraded");
        }
        return s.append('}').toString();
    }
}
