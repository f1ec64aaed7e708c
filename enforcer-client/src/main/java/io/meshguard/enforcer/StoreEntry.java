package io.meshguard.enforcer;

import io.meshguard.segment.SegmentMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the enforcement store as an enforcer needs it, parsed once from its Redis hash (the
 * fields of {@code io.meshguard.store.EnforcementJson}) so the cache holds no strings to re-parse
 * on every request. An empty hash is an absent entry. Parsing never throws: a field that cannot be
 * read is treated as missing, and {@link VerdictRules} decides what a partial entry means.
 */
final class StoreEntry {
    /** The unprefixed key ({@code identity:...} or {@code segment:...}). */
    final String key;
    final boolean present;
    /** Identity entries: the stored action string, as written (null if missing). */
    final String action;
    /** RATE_LIMIT: the rate, or NaN when missing or unreadable. */
    final double limitRps;
    /** QUARANTINE: the end (ms since the epoch), or 0 when missing or unreadable. */
    final long expiresAtMillis;
    /** 0 when missing or unreadable. */
    final long version;
    /** Segment entries: the mode, or null when missing or unknown. */
    final SegmentMode mode;
    /** Segment entries: the CLAMPED cap, or 0. */
    final double capRps;

    private StoreEntry(String key, boolean present, String action, double limitRps, long expiresAtMillis,
            long version, SegmentMode mode, double capRps) {
        this.key = Objects.requireNonNull(key, "key");
        this.present = present;
        this.action = action;
        this.limitRps = limitRps;
        this.expiresAtMillis = expiresAtMillis;
        this.version = version;
        this.mode = mode;
        this.capRps = capRps;
    }

    static StoreEntry absent(String key) {
        return new StoreEntry(key, false, null, Double.NaN, 0, 0, null, 0);
    }

    /** The entry stored under {@code key} as the hash {@code fields} (empty: no entry). */
    static StoreEntry parse(String key, Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return absent(key);
        }
        double cap = parseDouble(fields.get("cap_rps"));
        return new StoreEntry(key, true,
                fields.get("action"),
                parseDouble(fields.get("limit_rps")),
                parseInstant(fields.get("expires_at")),
                parseLong(fields.get("version")),
                parseMode(fields.get("mode")),
                Double.isNaN(cap) || cap <= 0 ? 0 : cap);
    }

    private static double parseDouble(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? d : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static long parseLong(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseInstant(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return 0;
        }
    }

    private static SegmentMode parseMode(String s) {
        if (s == null) {
            return null;
        }
        try {
            return SegmentMode.valueOf(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return present ? "StoreEntry{" + key + " " + (mode != null ? mode : action) + " v" + version + "}"
                : "StoreEntry{" + key + " absent}";
    }
}
