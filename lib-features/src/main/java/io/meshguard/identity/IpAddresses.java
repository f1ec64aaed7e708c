package io.meshguard.identity;

/**
 * Recognizes IPv4 and IPv6 literals in untrusted text and writes each address in one canonical
 * form, so one client never gets two identity keys. Pure text work: never a DNS lookup.
 *
 * <p>Accepted: {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code 2001:db8::1}, {@code
 * [2001:db8::1]:443}, surrounding whitespace. IPv6 comes out lower-case and compressed as RFC 5952
 * says; IPv4-mapped IPv6 ({@code ::ffff:1.2.3.4}) comes out as plain IPv4. Rejected: hostnames,
 * zone ids, IPv4 with leading zeros (some stacks read them as octal), anything else.
 */
public final class IpAddresses {
    /** Longer than any address with brackets and port; stops hostile input early. */
    private static final int MAX_LITERAL_LENGTH = 64;

    private IpAddresses() {}

    /** The canonical address, or null when the text is not an IP literal (with optional port). */
    public static String normalize(String text) {
        return text == null ? null : normalize(text, 0, text.length());
    }

    /** As {@link #normalize(String)}, for {@code text[from, to)}. */
    public static String normalize(String text, int from, int to) {
        while (from < to && text.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && text.charAt(to - 1) <= ' ') {
            to--;
        }
        if (from == to || to - from > MAX_LITERAL_LENGTH) {
            return null;
        }
        if (text.charAt(from) == '[') {
            int close = indexOf(text, ']', from, to);
            if (close < 0 || (close + 1 < to && !isPort(text, close + 1, to))) {
                return null;
            }
            return ipv6(text, from + 1, close);
        }
        // IPv4, with or without a port, in one pass. An address that starts as a dotted quad can be
        // nothing else: IPv6 allows dots only in an embedded IPv4 address at its very end.
        int quadEnd = dottedQuadEnd(text, from, to);
        if (quadEnd == to) {
            return text.substring(from, to);
        }
        if (quadEnd >= 0) {
            return text.charAt(quadEnd) == ':' && isPort(text, quadEnd, to) ? text.substring(from, quadEnd) : null;
        }
        // Bare IPv6 has at least two colons.
        int firstColon = indexOf(text, ':', from, to);
        if (firstColon < 0 || indexOf(text, ':', firstColon + 1, to) < 0) {
            return null;
        }
        return ipv6(text, from, to);
    }

    /**
     * The index after the dotted-quad IPv4 address that {@code s[from, to)} starts with, by the
     * rules of {@link #ipv4Value}, or -1.
     */
    private static int dottedQuadEnd(String s, int from, int to) {
        int i = from;
        for (int part = 1; ; part++) {
            int start = i;
            int octet = 0;
            while (i < to && isDigit(s.charAt(i)) && i - start < 3) {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            if (part == 4) {
                return i;
            }
            if (i == to || s.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
    }

    /** The 32-bit value of a dotted-quad IPv4 address, or -1 when {@code s[from, to)} is not one. */
    static long ipv4Value(String s, int from, int to) {
        long value = 0;
        int parts = 0;
        int i = from;
        while (true) {
            int start = i;
            int octet = 0;
            while (i < to && isDigit(s.charAt(i)) && i - start < 3) {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            parts++;
            if (i == to) {
                return parts == 4 ? value : -1;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
    }

    private static String ipv6(String s, int from, int to) {
        int[] groups = new int[8];
        int count = 0;
        int gapAt = -1;
        int i = from;
        if (to - from >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            gapAt = 0;
            i += 2;
        }
        while (i < to) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 4) {
                int digit = hexValue(s.charAt(i));
                if (digit < 0) {
                    break;
                }
                value = (value << 4) | digit;
                i++;
            }
            if (i == start) {
                return null;
            }
            if (i < to && s.charAt(i) == '.') {
                // Dotted IPv4 in the last 32 bits, as in ::ffff:1.2.3.4.
                long v4 = ipv4Value(s, start, to);
                if (v4 < 0 || count > 6) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xffff);
                break;
            }
            groups[count++] = value;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':' || ++i == to) {
                return null;
            }
            if (s.charAt(i) == ':') {
                if (gapAt >= 0) {
                    return null;
                }
                gapAt = count;
                i++;
            }
        }
        if (gapAt < 0 ? count != 8 : count > 7) {
            return null;
        }
        if (gapAt >= 0) {
            int tail = count - gapAt;
            System.arraycopy(groups, gapAt, groups, 8 - tail, tail);
            for (int g = gapAt; g < 8 - tail; g++) {
                groups[g] = 0;
            }
        }
        return format(groups);
    }

    private static String format(int[] groups) {
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return (groups[6] >>> 8) + "." + (groups[6] & 0xff) + "." + (groups[7] >>> 8) + "." + (groups[7] & 0xff);
        }
        // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
        int gapStart = -1;
        int gapLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int end = g;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - g > gapLength) {
                gapStart = g;
                gapLength = end - g;
            }
            g = end;
        }
        StringBuilder out = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == gapStart) {
                out.append("::");
                g += gapLength - 1;
                continue;
            }
            if (g > 0 && g != gapStart + gapLength) {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[g]));
        }
        return out.toString();
    }

    /** {@code s[colon, to)} is {@code :} followed by a port number 0..65535. */
    private static boolean isPort(String s, int colon, int to) {
        int digits = to - colon - 1;
        if (s.charAt(colon) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = colon + 1; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
            port = port * 10 + (s.charAt(i) - '0');
        }
        return port <= 65535;
    }

    /** ASCII only: {@link Character#digit} would also accept other scripts' digits. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOf(String s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
