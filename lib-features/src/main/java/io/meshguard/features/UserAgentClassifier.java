package io.meshguard.features;

/**
 * Classifies a User-Agent header as {@link UserAgentClass#EMPTY}, {@link UserAgentClass#TOOL} or
 * {@link UserAgentClass#NORMAL}. In-mesh clients such as {@code grpc-go} or {@code Envoy} are normal:
 * only the configured tool tokens count.
 *
 * <p>Runs once per request over strings of about a hundred chars, so the scan does little per char:
 * a hashed bit set over the first three {@linkplain #fold folded} chars of every token says where a
 * token could start, at the cost of a few arithmetic operations and one load, without a branch on
 * letter case. Tokens are compared only there, which on a browser string is almost never: pairs of
 * chars were too common a filter (the "Ap" of AppleWebKit starts "apache-httpclient").
 */
public final class UserAgentClassifier {
    private static final int BUCKETS = 256;
    /** Chars are folded to 7 bits; three of them make a 21-bit key. */
    private static final int FOLDED_BITS = 7;
    private static final int FOLDED_VALUES = 1 << FOLDED_BITS;
    private static final int KEY_MASK = (1 << (3 * FOLDED_BITS)) - 1;
    /** Bits in the set of token starts; with a few dozen tokens, a false hit is rare. */
    private static final int START_SET_BITS = 16;

    /** One bit per hashed key of three folded chars that may start a token. */
    private final long[] tokenStarts = new long[(1 << START_SET_BITS) / Long.SIZE];
    /** Tokens by a hash of their first two folded chars. */
    private final char[][][] tokensByPrefix = new char[BUCKETS][][];

    public UserAgentClassifier(UserAgentRules rules) {
        for (String token : rules.toolTokens()) {
            int first = fold(token.charAt(0));
            int second = fold(token.charAt(1));
            if (token.length() > 2) {
                addStart(key(first, second, fold(token.charAt(2))));
            } else {
                // Any third char may follow a two-char token, and so may the end of the string (0).
                for (int third = 0; third < FOLDED_VALUES; third++) {
                    addStart(key(first, second, third));
                }
            }
            int bucket = bucket(first, second);
            char[][] old = tokensByPrefix[bucket];
            char[][] grown = new char[old == null ? 1 : old.length + 1][];
            if (old != null) {
                System.arraycopy(old, 0, grown, 0, old.length);
            }
            grown[grown.length - 1] = token.toCharArray();
            tokensByPrefix[bucket] = grown;
        }
    }

    public UserAgentClass classify(String userAgent) {
        if (isEmpty(userAgent)) {
            return UserAgentClass.EMPTY;
        }
        int length = userAgent.length();
        // key holds the folded chars at i, i + 1 and i + 2; past the end of the string, 0.
        int key = fold(userAgent.charAt(0)) << FOLDED_BITS | foldAt(userAgent, 1);
        for (int i = 0; i < length - 1; i++) {
            key = (key << FOLDED_BITS | foldAt(userAgent, i + 2)) & KEY_MASK;
            if (mayStartToken(key)
                    && anyMatchAt(userAgent, i, tokensByPrefix[bucket(key >>> (2 * FOLDED_BITS), (key >>> FOLDED_BITS) & (FOLDED_VALUES - 1))])) {
                return UserAgentClass.TOOL;
            }
        }
        return UserAgentClass.NORMAL;
    }

    private void addStart(int key) {
        int bit = hash(key);
        tokenStarts[bit >>> 6] |= 1L << bit;
    }

    private boolean mayStartToken(int key) {
        int bit = hash(key);
        return (tokenStarts[bit >>> 6] & (1L << bit)) != 0;
    }

    private static boolean anyMatchAt(String s, int offset, char[][] tokens) {
        if (tokens == null) {
            return false;
        }
        for (char[] token : tokens) {
            if (matchesAt(s, offset, token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAt(String s, int offset, char[] token) {
        if (s.length() - offset < token.length) {
            return false;
        }
        for (int i = 0; i < token.length; i++) {
            if (PathRules.lowerAscii(s.charAt(offset + i)) != token[i]) {
                return false;
            }
        }
        return true;
    }

    /** Null, blank and Envoy's {@code -} placeholder all mean the client sent no User-Agent. */
    private static boolean isEmpty(String userAgent) {
        return userAgent == null || userAgent.isBlank() || userAgent.strip().equals("-");
    }

    private static int foldAt(String s, int index) {
        return index < s.length() ? fold(s.charAt(index)) : 0;
    }

    /**
     * A char as 7 bits with bit 5 set, which lower-cases ASCII letters and sends a few other chars
     * to the same value: never to different values for a char and its lower-cased form, so a real
     * token start is always seen; a false one only costs a comparison in {@link #matchesAt}.
     */
    private static int fold(char c) {
        return (c | 0x20) & 0x7f;
    }

    private static int key(int first, int second, int third) {
        return (first << FOLDED_BITS | second) << FOLDED_BITS | third;
    }

    /** Fibonacci hashing: the top bits of the product mix all of the key's bits. */
    private static int hash(int key) {
        return (key * 0x9E3779B1) >>> (Integer.SIZE - START_SET_BITS);
    }

    private static int bucket(int first, int second) {
        return (first * 31 + second) & (BUCKETS - 1);
    }
}
