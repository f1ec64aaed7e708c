package io.meshguard.json;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Builds one JSON object (or array) as a single line of text, for every line meshguard writes.
 *
 * <p>Whatever strings it is given, the result is valid JSON with no line terminator in it: control
 * characters, U+2028/U+2029 (line breaks to JavaScript) and unpaired surrogates never reach the
 * output raw. Misuse (a value without a name inside an object, unbalanced ends) fails immediately
 * rather than producing broken output. Not thread-safe; {@link #reset()} lets one instance be
 * reused so a hot path allocates only the final {@code String}.
 */
public final class JsonLineWriter {

    /** Deeper nesting than this is a programming error for the flat records we write. */
    private static final int MAX_DEPTH = 64;

    /** Fixed-decimal formatting supports 0..9 decimals; more would exceed a long's exact range. */
    private static final int MAX_DECIMALS = 9;

    private static final long[] POW10 = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
        1_000_000_000L
    };

    /**
     * Above 2^53 a double no longer holds every integer, so scaled values beyond this are formatted
     * exactly through BigDecimal instead of through a long.
     */
    private static final double MAX_EXACT_SCALED = 9.0e15;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * For ASCII: 0 = copy as is, otherwise the character after the backslash ('u' = \\u00XX).
     * Everything at or above 0x80 is copied except surrogates and U+2028/U+2029.
     */
    private static final char[] ASCII_ESCAPES = new char[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ASCII_ESCAPES[c] = 'u';
        }
        ASCII_ESCAPES['\b'] = 'b';
        ASCII_ESCAPES['\f'] = 'f';
        ASCII_ESCAPES['\n'] = 'n';
        ASCII_ESCAPES['\r'] = 'r';
        ASCII_ESCAPES['\t'] = 't';
        ASCII_ESCAPES['"'] = '"';
        ASCII_ESCAPES['\\'] = '\\';
    }

    /**
     * Unpaired surrogates are replaced rather than escaped as {@code \\uD800}: several strict
     * parsers reject such escapes, and a UTF-8 encoder would otherwise turn them into '?'.
     */
    private static final char REPLACEMENT = '\uFFFD';

    private final StringBuilder out;
    private final boolean[] inObject = new boolean[MAX_DEPTH + 1];
    private final boolean[] hasElements = new boolean[MAX_DEPTH + 1];
    private int depth;
    private boolean nameWritten;
    private boolean complete;

    public JsonLineWriter() {
        this(256);
    }

    public JsonLineWriter(int initialCapacity) {
        this.out = new StringBuilder(initialCapacity);
    }

    /** Clears the buffer (keeping its capacity) so the next line can be built. */
    public JsonLineWriter reset() {
        out.setLength(0);
        depth = 0;
        nameWritten = false;
        complete = false;
        return this;
    }

    /** The finished line, without a trailing newline. */
    public String toLine() {
        if (!complete || depth != 0) {
            throw new IllegalStateException("JSON line is not complete: " + depth + " open container(s)");
        }
        return out.toString();
    }

    /** Characters written so far. */
    public int length() {
        return out.length();
    }

    // ---- structure ------------------------------------------------------------------------

    public JsonLineWriter beginObject() {
        return open(true, '{');
    }

    public JsonLineWriter endObject() {
        return close(true, '}');
    }

    public JsonLineWriter beginArray() {
        return open(false, '[');
    }

    public JsonLineWriter endArray() {
        return close(false, ']');
    }

    /** Writes an object key; the next call must write its value. */
    public JsonLineWriter name(String name) {
        if (depth == 0 || !inObject[depth] || nameWritten) {
            throw new IllegalStateException("a name is only allowed directly inside an object, before a value");
        }
        if (name == null) {
            throw new IllegalArgumentException("object keys must not be null");
        }
        if (hasElements[depth]) {
            out.append(',');
        }
        hasElements[depth] = true;
        appendQuoted(out, name, 0, name.length());
        out.append(':');
        nameWritten = true;
        return this;
    }

    // ---- values ---------------------------------------------------------------------------

    /** A string value; {@code null} writes JSON null. */
    public JsonLineWriter value(String value) {
        if (value == null) {
            return nullValue();
        }
        return value(value, 0, value.length());
    }

    /** The characters {@code [start, end)} of {@code value} as one string value. */
    public JsonLineWriter value(CharSequence value, int start, int end) {
        beforeValue();
        appendQuoted(out, value, start, end);
        return this;
    }

    public JsonLineWriter value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonLineWriter value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    /** Shortest exact representation; NaN and infinities (not representable in JSON) become null. */
    public JsonLineWriter value(double value) {
        beforeValue();
        if (Double.isFinite(value)) {
            out.append(value);
        } else {
            out.append("null");
        }
        return this;
    }

    /**
     * Rounded half-up to {@code decimals} places and always written with that many, e.g. {@code
     * 12.50}; NaN and infinities become null.
     */
    public JsonLineWriter value(double value, int decimals) {
        return decimal(value, decimals, false);
    }

    /**
     * Rounded half-up to at most {@code maxDecimals} places, without trailing zeros ({@code 1.5},
     * {@code 2}); NaN and infinities become null. For explanations, where width matters more than
     * alignment.
     */
    public JsonLineWriter valueRounded(double value, int maxDecimals) {
        return decimal(value, maxDecimals, true);
    }

    /** An array of strings; a null array writes JSON null, null elements write null. */
    public JsonLineWriter value(String[] values) {
        if (values == null) {
            return nullValue();
        }
        beginArray();
        for (String v : values) {
            value(v);
        }
        return endArray();
    }

    /** An ISO-8601 UTC timestamp with milliseconds, e.g. {@code "2024-05-01T12:00:00.042Z"}. */
    public JsonLineWriter isoTimestamp(long epochMillis) {
        beforeValue();
        out.append('"');
        IsoMillis.append(out, epochMillis);
        out.append('"');
        return this;
    }

    public JsonLineWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    // ---- name + value shorthands ------------------------------------------------------------

    public JsonLineWriter field(String name, String value) {
        return name(name).value(value);
    }

    public JsonLineWriter field(String name, long value) {
        return name(name).value(value);
    }

    public JsonLineWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    public JsonLineWriter field(String name, double value) {
        return name(name).value(value);
    }

    public JsonLineWriter field(String name, double value, int decimals) {
        return name(name).value(value, decimals);
    }

    public JsonLineWriter fieldRounded(String name, double value, int maxDecimals) {
        return name(name).valueRounded(value, maxDecimals);
    }

    public JsonLineWriter field(String name, String[] values) {
        return name(name).value(values);
    }

    public JsonLineWriter nullField(String name) {
        return name(name).nullValue();
    }

    // ---- internals ------------------------------------------------------------------------

    private JsonLineWriter decimal(double value, int decimals, boolean trimZeros) {
        if (decimals < 0 || decimals > MAX_DECIMALS) {
            throw new IllegalArgumentException("decimals must be 0.." + MAX_DECIMALS + ": " + decimals);
        }
        beforeValue();
        if (Double.isFinite(value)) {
            appendFixed(out, value, decimals, trimZeros);
        } else {
            out.append("null");
        }
        return this;
    }

    private JsonLineWriter open(boolean object, char bracket) {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
        }
        if (depth == 0 && complete) {
            throw new IllegalStateException("a JSON line holds exactly one top-level value; call reset()");
        }
        if (depth > 0) {
            beforeValue();
        }
        depth++;
        inObject[depth] = object;
        hasElements[depth] = false;
        out.append(bracket);
        return this;
    }

    private JsonLineWriter close(boolean object, char bracket) {
        if (depth == 0 || inObject[depth] != object || nameWritten) {
            throw new IllegalStateException("unbalanced " + bracket);
        }
        out.append(bracket);
        depth--;
        if (depth == 0) {
            complete = true;
        }
        return this;
    }

    private void beforeValue() {
        if (depth == 0) {
            throw new IllegalStateException("a JSON line must start with an object or an array");
        }
        if (inObject[depth]) {
            if (!nameWritten) {
                throw new IllegalStateException("a value inside an object needs a name first");
            }
            nameWritten = false;
        } else {
            if (hasElements[depth]) {
                out.append(',');
            }
            hasElements[depth] = true;
        }
    }

    /** Appends {@code s[start, end)} as a quoted JSON string; runs of safe characters are copied in bulk. */
    static void appendQuoted(StringBuilder out, CharSequence s, int start, int end) {
        out.append('"');
        int runStart = start;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < 128) {
                char esc = ASCII_ESCAPES[c];
                if (esc == 0) {
                    continue;
                }
                out.append(s, runStart, i).append('\\').append(esc);
                if (esc == 'u') {
                    appendHex4(out, c);
                }
                runStart = i + 1;
            } else if (c == '\u2028' || c == '\u2029') {
                out.append(s, runStart, i).append("\\u").append(c == '\u2028' ? "2028" : "2029");
                runStart = i + 1;
            } else if (Character.isSurrogate(c)) {
                boolean pairStart =
                        Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1));
                if (pairStart) {
                    i++; // a well-formed pair is copied with the run
                } else {
                    out.append(s, runStart, i).append(REPLACEMENT);
                    runStart = i + 1;
                }
            }
        }
        out.append(s, runStart, end).append('"');
    }

    private static void appendHex4(StringBuilder out, char c) {
        out.append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }

    /** Fixed-point formatting of a finite double without going through String.format, which is slow. */
    static void appendFixed(StringBuilder out, double value, int decimals, boolean trimZeros) {
        long pow = POW10[decimals];
        double scaled = Math.abs(value) * pow;
        if (scaled >= MAX_EXACT_SCALED) {
            BigDecimal rounded = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_UP);
            out.append((trimZeros ? rounded.stripTrailingZeros() : rounded).toPlainString());
            return;
        }
        long units = Math.round(scaled);
        if (units != 0 && value < 0) {
            out.append('-'); // no "-0.00": a value that rounds to zero is written as zero
        }
        out.append(units / pow);
        long fraction = units % pow;
        if (trimZeros) {
            for (; decimals > 0 && fraction % 10 == 0; decimals--) {
                fraction /= 10;
                pow /= 10;
            }
        }
        if (decimals > 0) {
            out.append('.');
            for (long p = pow / 10; p > 1 && p > fraction; p /= 10) {
                out.append('0');
            }
            out.append(fraction);
        }
    }
}
