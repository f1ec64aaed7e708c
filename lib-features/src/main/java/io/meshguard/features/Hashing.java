package io.meshguard.features;

/** Stable, allocation-free string hashes, identical on every JVM and across restarts. */
public final class Hashing {
    private Hashing() {}

    /** 64-bit FNV-1a over UTF-16 chars, finished with a murmur3 mix so low bits are well spread. */
    public static long hash64(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix64(h);
    }

    /** murmur3's 64-bit finaliser. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
