package io.meshguard.parse;

/**
 * Remembers which key followed which in the lines read so far. A fleet writes its keys in one
 * order (the order of its log format, or sorted), so the next key's name is nearly always the one
 * that followed the previous key last time: checking that guess costs one comparison, where
 * finding the end of the name and looking it up costs several.
 *
 * <p>Only ever a guess, checked against the line before use, so a wrong or stale entry costs time,
 * never correctness. That also makes it safe to share between threads without locks: an entry is a
 * single reference to an enum constant, and whichever thread's entry a reader sees is a fair guess.
 */
final class KeyOrder {
    private static final int KEY_COUNT = AccessLogKey.values().length;

    /** At index {@code k}: the key seen after key {@code k}; at the last index, the first key of a line. */
    private final AccessLogKey[] next = new AccessLogKey[KEY_COUNT + 1];

    /** The key expected after {@code previous} (null: at the start of the object), or null. */
    AccessLogKey after(AccessLogKey previous) {
        return next[index(previous)];
    }

    void learn(AccessLogKey previous, AccessLogKey key) {
        next[index(previous)] = key;
    }

    private static int index(AccessLogKey previous) {
        return previous == null ? KEY_COUNT : previous.ordinal();
    }
}
