package io.meshguard.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Keys of the enforcement store, built safely from untrusted identity and segment strings. An id
 * is kept as it is when it consists only of characters that mean nothing to Redis patterns, Kafka
 * or a shell ({@code A-Z a-z 0-9 . _ - : / @}); every other byte of its UTF-8 form is written as
 * {@code %XX}, so separators, wildcards ({@code * ? [ ]}), spaces, newlines and non-ASCII can neither
 * change a key's meaning nor collide with another id. An escaped id longer than {@link #MAX_ID_CHARS}
 * is cut and suffixed with {@code ~} and the SHA-256 of the whole id (the {@code ~} never appears in
 * an escaped id), so keys stay bounded and distinct. Enforcers build the same key from the same id
 * with {@link #identityKey} / {@link #segmentKey}.
 */
public final class EnforcementKeys {
    /** Longest escaped id kept whole; longer ones are cut to {@link #KEPT_CHARS} plus a digest. */
    public static final int MAX_ID_CHARS = 256;

    static final int KEPT_CHARS = 128;
    public static final String IDENTITY = "identity:";
    public static final String SEGMENT = "segment:";
    /** Prefix of every key in the Redis store unless configured otherwise: part of the enforcer contract. */
    public static final String DEFAULT_REDIS_PREFIX = "mg:";
    /** Redis pub/sub channel that announces every accepted write, unless configured otherwise. */
    public static final String DEFAULT_UPDATE_CHANNEL = "mg:updates";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private EnforcementKeys() {}

    /** {@code identity:<escaped id>}: the Kafka record key, and the Redis key after a prefix. */
    public static String identityKey(String identity) {
        return IDENTITY + escape(identity);
    }

    /** {@code segment:<escaped id>}. */
    public static String segmentKey(String segment) {
        return SEGMENT + escape(segment);
    }

    /** The id in its safe, bounded form. */
    public static String escape(String id) {
        if (id == null) {
            throw new IllegalArgumentException("id is null");
        }
        StringBuilder out = null;
        for (int i = 0; i < id.length(); i++) {
            if (!isSafe(id.charAt(i))) {
                out = new StringBuilder(id.length() + 16);
                break;
            }
        }
        String escaped;
        if (out == null) {
            escaped = id;
        } else {
            for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xFF);
                if (c < 0x80 && isSafe(c)) {
                    out.append(c);
                } else {
                    out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            }
            escaped = out.toString();
        }
        if (escaped.length() <= MAX_ID_CHARS) {
            return escaped;
        }
        return escaped.substring(0, KEPT_CHARS) + "~" + sha256Hex(id);
    }

    static boolean isSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '@';
    }

    private static String sha256Hex(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            char[] hex = new char[digest.length * 2];
            for (int i = 0; i < digest.length; i++) {
                hex[2 * i] = Character.toLowerCase(HEX[(digest[i] >> 4) & 0xF]);
                hex[2 * i + 1] = Character.toLowerCase(HEX[digest[i] & 0xF]);
            }
            return new String(hex);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
