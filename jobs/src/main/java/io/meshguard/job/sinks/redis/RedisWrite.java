package io.meshguard.job.sinks.redis;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One pending write of the Redis sink: everything the compare-and-set script needs for one
 * enforcement entry, already rendered as strings, so a buffered or retried write does not depend on
 * the record it came from. Also what the sink's checkpointed buffer holds.
 */
public final class RedisWrite implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How the entry lives on after the write. */
    public enum Expiry {
        /** A quarantine: expires at {@link #expiresAtMillis}, or becomes a release if that is past. */
        AT,
        /** A release: the minimal ALLOW entry, kept for the configured release retention. */
        RELEASE,
        /** Rate limits and segments: no TTL. */
        PERSIST
    }

    /** The store key without prefix ({@code identity:...} / {@code segment:...}); also the notification. */
    final String key;
    /** Decimal, non-negative. */
    final long version;
    final Expiry expiry;
    /** {@link Expiry#AT} only; ms since the epoch. */
    final long expiresAtMillis;
    /** The entry's {@code ts} field (ISO-8601 UTC), also kept on a release. */
    final String ts;
    /** Hash fields as name, value, name, value...; null values already left out. */
    final String[] fields;

    RedisWrite(String key, long version, Expiry expiry, long expiresAtMillis, String ts, String[] fields) {
        this.key = Objects.requireNonNull(key, "key");
        this.version = version;
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        this.expiresAtMillis = expiresAtMillis;
        this.ts = Objects.requireNonNull(ts, "ts");
        this.fields = Objects.requireNonNull(fields, "fields");
        if ((fields.length & 1) != 0) {
            throw new IllegalArgumentException("fields must be name/value pairs");
        }
    }

    public String key() {
        return key;
    }

    public long version() {
        return version;
    }

    /** A rough size for the async sink's byte limits: the characters sent. */
    long sizeInBytes() {
        long size = 32L + key.length() + ts.length();
        for (String f : fields) {
            size += f.length() + 4;
        }
        return size;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisWrite)) {
            return false;
        }
        RedisWrite w = (RedisWrite) o;
        return version == w.version && expiresAtMillis == w.expiresAtMillis && key.equals(w.key)
                && expiry == w.expiry && ts.equals(w.ts) && Arrays.equals(fields, w.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, version);
    }

    @Override
    public String toString() {
        return "RedisWrite{" + key + " v" + version + " " + expiry + "}";
    }
}
