package io.meshguard.parse;

/**
 * Reads the flat JSON object of one access-log line member by member, straight from the line:
 * no parser buffers or symbol table to set up, no copy of names to look keys up, and only the
 * values of known keys are ever copied out (by {@link AccessLogValues}).
 *
 * <p>It reads a strict subset of JSON and says so rather than guess: escapes or control characters
 * in a string, nested values, numbers Jackson would refuse or bound, and every syntax error make
 * {@link #next()} return {@link Step#UNSUPPORTED}, and the caller hands the whole line to Jackson.
 * So within the subset the result is exactly Jackson's, and outside it Jackson decides, with its
 * own error messages. Envoy escapes only rare characters, so nearly every line stays in the subset.
 *
 * <p>Where the time goes on a line of 30 short strings is the branch that ends each one, so the
 * reader avoids char-by-char loops over strings: when the line is {@link Latin1Bytes#isPlain
 * plain}, as nearly every line is, a string ends at the next quote, which {@link
 * String#indexOf(int, int)} finds many chars at a time, and a key's name is first compared, many
 * bytes at a time, with the key that {@link KeyOrder} expects. Structure is read from the line's
 * {@link Latin1Bytes}, which have the same indexes as its chars.
 *
 * <p>One instance reads one line, front to back.
 */
final class FlatJsonReader {
    /** What {@link #next()} found. */
    enum Step {
        /** A member whose value is a scalar; see {@link #key()}, {@link #type()} and the value range. */
        MEMBER,
        /** The closing brace of the object. */
        END,
        /** Something outside the subset, or not JSON at all: only Jackson can say what. */
        UNSUPPORTED
    }

    /**
     * Jackson refuses numbers longer than 1000 characters and names longer than 50000 by default;
     * anything near those limits goes to Jackson, so that it gives its own answer.
     */
    private static final int MAX_NUMBER_LENGTH = 100;

    private static final int MAX_IGNORED_NAME_LENGTH = 1_000;

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final String line;
    /** The line's chars as Latin-1: exact for every char JSON's structure is made of. */
    private final byte[] latin1;
    private final int length;
    /** No backslash or control character anywhere, so strings need no checking. */
    private final boolean plain;
    private final KeyOrder order;

    private int pos;
    private boolean firstMember = true;
    /** The last known key read, to guess the next one from. */
    private AccessLogKey previous;

    private AccessLogKey key;
    private JsonScalar type;
    private int valueStart;
    private int valueEnd;

    FlatJsonReader(String line, KeyOrder order) {
        this.line = line;
        this.latin1 = Latin1Bytes.of(line);
        this.length = latin1.length;
        this.plain = Latin1Bytes.isPlain(latin1);
        this.order = order;
    }

    /** Moves past the opening brace; false when the line does not start with an object. */
    boolean openObject() {
        int i = skipWhitespace(0);
        if (i == length || latin1[i] != '{') {
            return false;
        }
        pos = i + 1;
        return true;
    }

    /** Reads the next member of the object, or its end. */
    Step next() {
        int i = skipWhitespace(pos);
        if (i == length) {
            return Step.UNSUPPORTED;
        }
        if (latin1[i] == '}') {
            pos = i + 1;
            return Step.END;
        }
        if (!firstMember) {
            // A value was followed by ',' or '}' (checked when it was read), so this is the comma.
            i = skipWhitespace(i + 1);
        }
        firstMember = false;
        i = readName(i);
        if (i < 0) {
            return Step.UNSUPPORTED;
        }
        i = skipWhitespace(i);
        if (i == length || latin1[i] != ':') {
            return Step.UNSUPPORTED;
        }
        i = readScalar(skipWhitespace(i + 1));
        if (i < 0) {
            return Step.UNSUPPORTED;
        }
        // Only a comma or the closing brace may follow. Checking before the value is used matters:
        // Jackson refuses e.g. 'truex' outright, where reading 'true' would give a different reason.
        i = skipWhitespace(i);
        if (i == length || (latin1[i] != ',' && latin1[i] != '}')) {
            return Step.UNSUPPORTED;
        }
        pos = i;
        return Step.MEMBER;
    }

    /** After {@link Step#END}: whether only whitespace follows the object. */
    boolean atEndOfLine() {
        return skipWhitespace(pos) == length;
    }

    /** The key of the current member, or null for keys the parser ignores. */
    AccessLogKey key() {
        return key;
    }

    JsonScalar type() {
        return type;
    }

    /** Start of the current value's text in the line: a string's content, any other scalar as written. */
    int valueStart() {
        return valueStart;
    }

    int valueEnd() {
        return valueEnd;
    }

    /** The index after the name's closing quote, or -1. */
    private int readName(int i) {
        if (i == length || latin1[i] != '"') {
            return -1;
        }
        int start = i + 1;
        AccessLogKey expected = order.after(previous);
        if (expected != null && expected.isNameAt(latin1, start)) {
            key = previous = expected;
            return start + expected.wireName().length() + 1;
        }
        int close = line.indexOf('"', start);
        if (close < 0) {
            return -1;
        }
        key = AccessLogKey.find(latin1, start, close);
        if (key == null) {
            // A known name matched exactly, so it holds no escapes; an unknown one must be checked.
            return close - start > MAX_IGNORED_NAME_LENGTH || !isPlainString(start, close) ? -1 : close + 1;
        }
        order.learn(previous, key);
        previous = key;
        return close + 1;
    }

    /** The index after the scalar value starting at {@code i}, or -1. */
    private int readScalar(int i) {
        if (i == length) {
            return -1;
        }
        byte c = latin1[i];
        if (c == '"') {
            int close = line.indexOf('"', i + 1);
            if (close < 0 || !isPlainString(i + 1, close)) {
                return -1;
            }
            return value(JsonScalar.STRING, i + 1, close, close + 1);
        }
        if (c == '-' || isDigit(c)) {
            return readNumber(i);
        }
        if (isAt(NULL, i)) {
            return value(JsonScalar.NULL, i, i + NULL.length, i + NULL.length);
        }
        if (isAt(TRUE, i)) {
            return value(JsonScalar.BOOLEAN, i, i + TRUE.length, i + TRUE.length);
        }
        if (isAt(FALSE, i)) {
            return value(JsonScalar.BOOLEAN, i, i + FALSE.length, i + FALSE.length);
        }
        return -1;
    }

    /** JSON's number grammar: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private int readNumber(int start) {
        int i = start;
        if (latin1[i] == '-') {
            i++;
        }
        if (i == length || !isDigit(latin1[i])) {
            return -1;
        }
        if (latin1[i] == '0') {
            i++;
            if (i < length && isDigit(latin1[i])) {
                return -1; // leading zeros, which Jackson refuses
            }
        } else {
            i = skipDigits(i);
        }
        JsonScalar kind = JsonScalar.INTEGER;
        if (i < length && latin1[i] == '.') {
            int digits = skipDigits(i + 1);
            if (digits == i + 1) {
                return -1;
            }
            i = digits;
            kind = JsonScalar.DECIMAL;
        }
        if (i < length && (latin1[i] == 'e' || latin1[i] == 'E')) {
            i++;
            if (i < length && (latin1[i] == '+' || latin1[i] == '-')) {
                i++;
            }
            int digits = skipDigits(i);
            if (digits == i) {
                return -1;
            }
            i = digits;
            kind = JsonScalar.DECIMAL;
        }
        return i - start > MAX_NUMBER_LENGTH ? -1 : value(kind, start, i, i);
    }

    private int value(JsonScalar kind, int start, int end, int next) {
        type = kind;
        valueStart = start;
        valueEnd = end;
        return next;
    }

    private boolean isAt(byte[] literal, int i) {
        return i + literal.length <= length && Latin1Bytes.regionMatches(latin1, i, literal);
    }

    /**
     * Neither escapes nor control characters, which Jackson refuses unescaped. An escaped quote
     * ({@code \"}) ends up here too: the string seemed to end there, and the backslash before it
     * sends the line to Jackson.
     */
    private boolean isPlainString(int from, int to) {
        if (plain) {
            return true;
        }
        for (int i = from; i < to; i++) {
            byte c = latin1[i];
            if ((c >= 0 && c < ' ') || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private int skipDigits(int i) {
        while (i < length && isDigit(latin1[i])) {
            i++;
        }
        return i;
    }

    /** JSON's whitespace only; Jackson refuses other control characters between tokens. */
    private int skipWhitespace(int i) {
        while (i < length && isWhitespace(latin1[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte c) {
        // The first test settles nearly every call: tokens, not whitespace, follow one another.
        return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }
}
