package io.meshguard.identity;

/**
 * Makes dimension values safe inside segment ids, which become state and store keys: ASCII
 * lower-case, every other character replaced by {@code _}, at most {@value #MAX_LENGTH} characters.
 */
final class SegmentValues {
    static final int MAX_LENGTH = 64;

    private SegmentValues() {}

    /** The sanitized value, or null when the raw value is missing or blank. */
    static String sanitize(String raw) {
        if (raw == null) {
            return null;
        }
        String value = raw.strip();
        if (value.isEmpty()) {
            return null;
        }
        if (isClean(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LENGTH));
        for (int i = 0; i < value.length() && out.length() < MAX_LENGTH; ) {
            int codePoint = value.codePointAt(i);
            i += Character.charCount(codePoint);
            // One replacement per character, not per UTF-16 unit, so an emoji is one '_'.
            out.append(codePoint < 128 ? allowedOrUnderscore(Character.toLowerCase((char) codePoint)) : '_');
        }
        return out.toString();
    }

    /** Already safe: 1..MAX_LENGTH characters of {@code [a-z0-9._-]}. */
    static boolean isClean(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isAllowed(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char allowedOrUnderscore(char c) {
        return isAllowed(c) ? c : '_';
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }
}
