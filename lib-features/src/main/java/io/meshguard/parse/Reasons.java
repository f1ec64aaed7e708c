package io.meshguard.parse;

/**
 * Writes values from untrusted input into dead-letter reasons: bounded in length and on one line,
 * so a hostile record cannot bloat or forge the dead-letter log.
 */
final class Reasons {
    static final int MAX_QUOTED_LENGTH = 64;
    static final int MAX_MESSAGE_LENGTH = 200;

    private Reasons() {}

    /** The value in double quotes, cut to {@value #MAX_QUOTED_LENGTH} characters. */
    static String quote(String value) {
        return '"' + printable(value, MAX_QUOTED_LENGTH) + '"';
    }

    /** The value with control characters escaped, cut to {@code max} characters plus an ellipsis. */
    static String printable(String value, int max) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 8);
        int limit = Math.min(value.length(), max);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < ' ' || c == 0x7f || Character.isSurrogate(c) && !isPaired(value, i, limit)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > max) {
            out.append("...");
        }
        return out.toString();
    }

    /** Durations in the unit an operator would write them in: {@code 1 day}, {@code 6 h}, {@code 250 ms}. */
    static String duration(long millis) {
        if (millis > 0 && millis % 86_400_000L == 0) {
            long days = millis / 86_400_000L;
            return days + (days == 1 ? " day" : " days");
        }
        if (millis > 0 && millis % 3_600_000L == 0) {
            return millis / 3_600_000L + " h";
        }
        if (millis > 0 && millis % 60_000L == 0) {
            return millis / 60_000L + " min";
        }
        if (millis > 0 && millis % 1_000L == 0) {
            return millis / 1_000L + " s";
        }
        return millis + " ms";
    }

    private static boolean isPaired(String s, int i, int limit) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < limit && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
