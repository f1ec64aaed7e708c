package io.meshguard.sim;

import java.util.List;

/**
 * Autonomous systems, their countries and client addresses, and the in-cluster addresses of the
 * ingress gateway. Client addresses come from the benchmarking range 198.18.0.0/15 (then from
 * 100.64.0.0/10 for very large populations) so no simulated client is a real network's address.
 */
final class AddressPlan {

    /** An autonomous system clients connect from; {@code slot} selects its address block. */
    record Asn(int number, String country, int slot) {
        String segment() {
            return "asn:" + number;
        }

        String numberText() {
            return Integer.toString(number);
        }
    }

    /** Residential and mobile ISPs where ordinary users (and the flash crowd) live. */
    static final List<Asn> RESIDENTIAL = List.of(
            new Asn(64500, "US", 0),
            new Asn(64501, "US", 1),
            new Asn(64502, "DE", 2),
            new Asn(64503, "GB", 3),
            new Asn(64504, "FR", 4),
            new Asn(64505, "BR", 5),
            new Asn(64506, "IN", 6),
            new Asn(64507, "JP", 7));

    /** Share of ordinary users per residential ASN, largest first. */
    static final double[] RESIDENTIAL_WEIGHTS = {0.22, 0.17, 0.14, 0.12, 0.10, 0.10, 0.09, 0.06};

    /** The ASN the signup flood comes from; a few genuine customers live there too. */
    static final Asn SIGNUP_FLOOD_ASN = new Asn(64666, "RO", 8);

    /** A hosting provider: the scanners rent machines here, and a few users run VPNs from it. */
    static final Asn HOSTING_ASN = new Asn(64601, "NL", 9);

    /**
     * A small mobile carrier with a few dozen genuine customers of its own, whose subscribers' phones
     * also serve as exits of a residential-proxy pool: the low-and-slow signup farm comes from here.
     */
    static final Asn MOBILE_PROXY_ASN = new Asn(64667, "PH", 10);

    /** Residential ASNs whose customers' hijacked routers relay the credential stuffing. */
    static final List<Asn> STUFFING_ASNS = List.of(RESIDENTIAL.get(2), RESIDENTIAL.get(5));

    /** Ingress gateway pods; the edge hop every north-south request arrives through. */
    static final List<String> GATEWAY_PODS = List.of("10.244.0.11", "10.244.1.12", "10.244.2.13");

    private static final int BENCHMARK_BASE = (198 << 24) | (18 << 16);
    private static final int BENCHMARK_BLOCK = 8192;
    private static final int SHARED_BASE = (100 << 24) | (64 << 16);
    private static final int SHARED_BLOCK = 1 << 18;
    private static final int SLOTS = 16;

    private final int[] allocated = new int[SLOTS];

    /** A client address in the ASN that no earlier call returned. */
    String allocate(Asn asn) {
        while (true) {
            int n = allocated[asn.slot()]++;
            int address = addressFor(asn.slot(), n);
            int lastOctet = address & 0xff;
            // Skip network- and broadcast-looking addresses: nobody browses from x.x.x.0.
            if (lastOctet != 0 && lastOctet != 255) {
                return format(address);
            }
        }
    }

    private static int addressFor(int slot, int n) {
        if (n < BENCHMARK_BLOCK) {
            // An odd multiplier is a bijection modulo 2^13: scattered, yet never repeating.
            return BENCHMARK_BASE + slot * BENCHMARK_BLOCK + ((n * 2473 + 97) & (BENCHMARK_BLOCK - 1));
        }
        int m = n - BENCHMARK_BLOCK;
        if (m >= SHARED_BLOCK) {
            throw new IllegalStateException("address block of slot " + slot + " exhausted");
        }
        return SHARED_BASE + slot * SHARED_BLOCK + ((m * 40503 + 11) & (SHARED_BLOCK - 1));
    }

    static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }
}
