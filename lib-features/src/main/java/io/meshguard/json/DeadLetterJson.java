package io.meshguard.json;

import io.meshguard.model.DeadLetter;
import java.io.Serializable;

/**
 * The wire format of rejected input: one JSON line per dead letter, whatever the raw input held.
 *
 * <p>The raw input is capped so one pathological record (a multi-megabyte line, binary garbage)
 * cannot bloat the dead-letter output; {@code raw_truncated} says when that happened. Serializable
 * so a job can hand {@code deadLetterJson::line} to a sink.
 */
public final class DeadLetterJson implements Serializable {
    private static final long serialVersionUID = 1L;

    /** 64 Ki characters: far above any sane access-log line, small enough to keep. */
    public static final int DEFAULT_MAX_RAW_CHARS = 64 * 1024;

    private final int maxRawChars;

    public DeadLetterJson() {
        this(DEFAULT_MAX_RAW_CHARS);
    }

    /** @param maxRawChars most UTF-16 characters of the raw input to keep */
    public DeadLetterJson(int maxRawChars) {
        if (maxRawChars < 0) {
            throw new IllegalArgumentException("maxRawChars must be >= 0: " + maxRawChars);
        }
        this.maxRawChars = maxRawChars;
    }

    public int maxRawChars() {
        return maxRawChars;
    }

    /** {@code {"ts", "reason", "origin", "raw", "raw_truncated"}} as one line. */
    public String line(DeadLetter d) {
        String raw = d.raw;
        int keep = raw == null ? 0 : cutPoint(raw, maxRawChars);
        JsonLineWriter w = new JsonLineWriter(keep + keep / 8 + 128);
        w.beginObject();
        w.name("ts").isoTimestamp(d.rejectedAtMillis);
        w.field("reason", d.reason);
        w.field("origin", d.origin);
        if (raw == null) {
            w.nullField("raw");
        } else {
            w.name("raw").value(raw, 0, keep);
        }
        w.field("raw_truncated", raw != null && keep < raw.length());
        return w.endObject().toLine();
    }

    /** Length to keep; never splits a surrogate pair, which would turn a real character into U+FFFD. */
    static int cutPoint(String raw, int max) {
        if (raw.length() <= max) {
            return raw.length();
        }
        int cut = max;
        if (cut > 0
                && Character.isHighSurrogate(raw.charAt(cut - 1))
                && Character.isLowSurrogate(raw.charAt(cut))) {
            cut--;
        }
        return cut;
    }
}
