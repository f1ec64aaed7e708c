package io.meshguard.features;

/**
 * Fixed-size bit sketches over 64-bit hashes: linear counting for distinct counts and a two-hash
 * Bloom filter for "seen before". Bounded memory whatever the traffic.
 */
public final class BitSketches {
    private BitSketches() {}

    /** Sets the bit chosen by {@code hash} in {@code words[from, from+count)}. */
    public static void set(long[] words, int from, int count, long hash) {
        int bit = (int) ((hash >>> 1) % (count * 64L));
        words[from + (bit >>> 6)] |= 1L << (bit & 63);
    }

    /**
     * Linear-counting estimate of the distinct values hashed into the union of two equally sized
     * word ranges. Saturates at {@code m ln m} when every bit is set.
     */
    public static double distinctUnion(long[] words, int firstFrom, int secondFrom, int count) {
        int setBits = 0;
        for (int i = 0; i < count; i++) {
            setBits += Long.bitCount(words[firstFrom + i] | words[secondFrom + i]);
        }
        return linearCount(count * 64, setBits);
    }

    /** Linear-counting estimate of the distinct values in two single-word bitmaps. */
    public static double distinctUnion(long first, long second) {
        return linearCount(64, Long.bitCount(first | second));
    }

    static double linearCount(int bits, int setBits) {
        int zeros = bits - setBits;
        if (zeros == 0) {
            return bits * Math.log(bits);
        }
        return -bits * Math.log((double) zeros / bits);
    }

    /**
     * Tests and sets a value in a Bloom filter with two bit positions derived from one hash.
     *
     * @return the number of bits newly set (0 means the value was probably seen before)
     */
    public static int bloomAdd(long[] words, long hash) {
        return bloomAdd(words, 0, words.length, hash);
    }

    /**
     * {@link #bloomAdd(long[], long)} on a filter stored in {@code words[from, from+count)}.
     *
     * @return the number of bits newly set (0 means the value was probably seen before)
     */
    public static int bloomAdd(long[] words, int from, int count, long hash) {
        int bits = count * 64;
        int first = (int) ((hash >>> 1) % bits);
        int second = (int) ((Hashing.mix64(hash) >>> 1) % bits);
        return setBit(words, from, first) + setBit(words, from, second);
    }

    private static int setBit(long[] words, int from, int bit) {
        long mask = 1L << (bit & 63);
        int word = from + (bit >>> 6);
        if ((words[word] & mask) != 0) {
            return 0;
        }
        words[word] |= mask;
        return 1;
    }
}
