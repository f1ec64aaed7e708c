package io.meshguard.policy;

import io.meshguard.identity.IpAddresses;
import java.io.Serializable;
import java.util.Locale;

/**
 * An IPv4 or IPv6 network. Every address lives in one 128-bit space in which IPv4 {@code a.b.c.d}
 * is the IPv4-mapped {@code ::ffff:a.b.c.d}, so {@code 10.0.0.0/8} and {@code ::ffff:10.0.0.0/104}
 * are the same network, {@code 0.0.0.0/0} holds every IPv4 address and {@code ::/0} every address.
 * Immutable.
 */
public final class Cidr implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long MAPPED_PREFIX = 0x0000_ffff_0000_0000L;

    private final long hi;
    private final long lo;
    /** Prefix length in the 128-bit space. */
    private final int prefix;

    private final String text;

    private Cidr(long hi, long lo, int prefix, String text) {
        this.hi = hi;
        this.lo = lo;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses {@code address/prefix}; a bare address is a single host (/32 or /128). Host bits must
     * be zero: {@code 10.1.0.0/8} is more likely a typo for /16 than a wish for all of 10/8.
     *
     * @throws IllegalArgumentException saying what is wrong, to be prefixed with where
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not a CIDR: null");
        }
        String t = text.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        if (address.indexOf('[') >= 0 || address.indexOf(']') >= 0 || address.indexOf('%') >= 0) {
            throw new IllegalArgumentException(quote(text) + " is not a CIDR: brackets, ports and zone ids are not allowed");
        }
        boolean v6 = address.indexOf(':') >= 0;
        String canonical = v6 && address.indexOf(':') == address.lastIndexOf(':') ? null : IpAddresses.normalize(address);
        if (canonical == null) {
            throw new IllegalArgumentException(quote(text) + " is not a CIDR: " + quote(address) + " is not an IP address");
        }
        long[] bits = bits(canonical);
        int max = v6 ? 128 : 32;
        int length = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new IllegalArgumentException(quote(text) + " is not a CIDR: prefix length " + quote(p)
                        + " is not a number 0.." + max);
            }
            length = Integer.parseInt(p);
            if (length > max) {
                throw new IllegalArgumentException(quote(text) + " is not a CIDR: prefix length " + length
                        + " is above " + max);
            }
        }
        int prefix = v6 ? length : 96 + length;
        long maskHi = maskHi(prefix);
        long maskLo = maskLo(prefix);
        if ((bits[0] & ~maskHi) != 0 || (bits[1] & ~maskLo) != 0) {
            String network = format(bits[0] & maskHi, bits[1] & maskLo);
            int shown = network.indexOf(':') < 0 && v6 ? prefix - 96 : length;
            throw new IllegalArgumentException(quote(text) + " has host bits set; did you mean " + network + "/" + shown + "?");
        }
        return new Cidr(bits[0], bits[1], prefix, t.toLowerCase(Locale.ROOT));
    }

    /** Whether the address (any literal {@link IpAddresses} accepts) is in this network; false for non-addresses. */
    public boolean contains(String address) {
        String canonical = IpAddresses.normalize(address);
        if (canonical == null) {
            return false;
        }
        long[] bits = bits(canonical);
        return contains(bits[0], bits[1]);
    }

    boolean contains(long addressHi, long addressLo) {
        return (addressHi & maskHi(prefix)) == hi && (addressLo & maskLo(prefix)) == lo;
    }

    long hi() {
        return hi;
    }

    long lo() {
        return lo;
    }

    /** Prefix length in the 128-bit space (an IPv4 /8 is 104). */
    int prefix128() {
        return prefix;
    }

    static long maskHi(int prefix) {
        return prefix <= 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
    }

    static long maskLo(int prefix) {
        return prefix <= 64 ? 0 : prefix >= 128 ? -1L : -1L << (128 - prefix);
    }

    /** The 128 bits of a canonical address from {@link IpAddresses#normalize}: dotted IPv4 or compressed hex IPv6. */
    static long[] bits(String canonical) {
        if (canonical.indexOf(':') < 0) {
            long v4 = 0;
            for (String octet : canonical.split("\\.", -1)) {
                v4 = (v4 << 8) | Integer.parseInt(octet);
            }
            return new long[] {0, MAPPED_PREFIX | v4};
        }
        int[] groups = new int[8];
        int gap = canonical.indexOf("::");
        String head = gap < 0 ? canonical : canonical.substring(0, gap);
        String tail = gap < 0 ? "" : canonical.substring(gap + 2);
        String[] left = head.isEmpty() ? new String[0] : head.split(":", -1);
        String[] right = tail.isEmpty() ? new String[0] : tail.split(":", -1);
        for (int i = 0; i < left.length; i++) {
            groups[i] = Integer.parseInt(left[i], 16);
        }
        for (int i = 0; i < right.length; i++) {
            groups[8 - right.length + i] = Integer.parseInt(right[i], 16);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | groups[i];
            lo = (lo << 16) | groups[i + 4];
        }
        return new long[] {hi, lo};
    }

    /** Canonical text of 128 bits (IPv4-mapped addresses as dotted IPv4). */
    static String format(long hi, long lo) {
        StringBuilder full = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            long word = i < 4 ? hi : lo;
            int shift = 48 - 16 * (i % 4);
            if (i > 0) {
                full.append(':');
            }
            full.append(Integer.toHexString((int) ((word >>> shift) & 0xffff)));
        }
        return IpAddresses.normalize(full.toString());
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.hi == hi && c.lo == lo && c.prefix == prefix;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi) * 31 * 31 + Long.hashCode(lo) * 31 + prefix;
    }

    /** The text it was written as (stripped, lower-case). */
    @Override
    public String toString() {
        return text;
    }
}
