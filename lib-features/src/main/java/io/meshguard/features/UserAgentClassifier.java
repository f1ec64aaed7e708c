package io.meshguard.features;

/**
 * Classifies a User-Agent header as {@link UserAgentClass#EMPTY}, {@link UserAgentClass#TOOL} or
 * {@link UserAgentClass#NORMAL}. In-mesh clients such as {@code grpc-go} or {@code Envoy} are normal:
 * only the configured tool tokens count.
 */
public final class UserAgentClassifier {
    private static final int BUCKETS = 256;

    /**
     * Tokens indexed by a hash of their first two characters: scanning a typical browser string then
     * costs about one table lookup per character, instead of one comparison per token and character.
     */
    private final char[][][] tokensByPrefix = new char[BUCKETS][][];

    public UserAgentClassifier(UserAgentRules rules) {
        for (String token : rules.toolTokens()) {
            int bucket = bucket(token.charAt(0), token.charAt(1));
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
        int last = userAgent.length() - 1;
        char next = PathRules.lowerAscii(userAgent.charAt(0));
        for (int i = 0; i < last; i++) {
            char current = next;
            next = PathRules.lowerAscii(userAgent.charAt(i + 1));
            char[][] candidates = tokensByPrefix[bucket(current, next)];
            if (candidates != null && anyMatchAt(userAgent, i, candidates)) {
                return UserAgentClass.TOOL;
            }
        }
        return UserAgentClass.NORMAL;
    }

    private static boolean anyMatchAt(String s, int offset, char[][] tokens) {
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

    private static int bucket(char first, char second) {
        return (first * 31 + second) & (BUCKETS - 1);
    }
}
