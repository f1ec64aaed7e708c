package io.meshguard.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A line's chars as Latin-1 bytes, and checks over them that go eight chars at a time with
 * branch-free bit arithmetic, for {@link FlatJsonReader}. Char-by-char loops over short strings
 * spend most of their time on the branch that ends them; a long compares eight at once.
 *
 * <p>Copying a String to Latin-1 is a plain array copy for the Latin-1 strings Java keeps ASCII text
 * in. A char outside Latin-1 becomes {@code ?}, which is harmless for what is asked here: it is no
 * quote, backslash or control character, and no key name contains {@code ?}.
 */
final class Latin1Bytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long SPACES = 0x2020_2020_2020_2020L;
    private static final long BACKSLASHES = 0x5c5c_5c5c_5c5c_5c5cL;

    private Latin1Bytes() {}

    /** One byte per char, the same length as the text. */
    static byte[] of(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length == text.length()) {
            return bytes;
        }
        // The encoder wrote one '?' for each surrogate pair (an emoji, say): map char by char instead.
        bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = text.charAt(i);
            bytes[i] = c <= 0xff ? (byte) c : (byte) '?';
        }
        return bytes;
    }

    /**
     * True when the text holds no backslash and no char below U+0020: then no JSON string in it can
     * hold an escape or a char that must be escaped, and every string ends at the next quote.
     */
    static boolean isPlain(byte[] text) {
        int n = text.length;
        if (n < Long.BYTES) {
            for (byte b : text) {
                if ((b >= 0 && b < ' ') || b == '\\') {
                    return false;
                }
            }
            return true;
        }
        long found = 0;
        for (int i = 0; i < n - Long.BYTES; i += Long.BYTES) {
            found |= specialBytes(word(text, i));
        }
        // The last word may overlap the one before; checking some bytes twice does no harm.
        found |= specialBytes(word(text, n - Long.BYTES));
        return found == 0;
    }

    /**
     * Whether {@code text[from, from + ascii.length)} equals {@code ascii}; the range must lie within
     * the text. {@link Arrays#equals(byte[], int, int, byte[], int, int)} compares many bytes at a time.
     */
    static boolean regionMatches(byte[] text, int from, byte[] ascii) {
        return Arrays.equals(text, from, from + ascii.length, ascii, 0, ascii.length);
    }

    /**
     * Non-zero when any of the eight bytes is below 0x20 or a backslash. These are the classic "has
     * a byte less than n" and "has a zero byte" tests (Hacker's Delight; Anderson's "Bit Twiddling
     * Hacks"): a byte's high bit ends up set only if that byte or a lower one matches, so the answer
     * for the word as a whole is exact.
     */
    private static long specialBytes(long word) {
        long control = (word - SPACES) & ~word;
        long backslashes = word ^ BACKSLASHES;
        long backslash = (backslashes - ONES) & ~backslashes;
        return (control | backslash) & HIGH_BITS;
    }

    private static long word(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }
}
