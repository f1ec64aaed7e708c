package io.meshguard.policy;

import io.meshguard.identity.IpAddresses;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Callers meshguard never limits: exact identity keys and client networks (IPv4 and IPv6 CIDRs).
 * Lookups cost one hash probe per identity and one per distinct prefix length among the networks,
 * whatever the number of entries. Immutable.
 */
public final class Allowlist implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Allowlist EMPTY = new Allowlist(List.of(), List.of());

    private final Set<String> identities;
    private final List<Cidr> cidrs;
    /** Distinct 128-bit prefix lengths, longest first, and the networks of each length. */
    private final int[] prefixes;

    private final Map<Integer, Set<Network>> networks;

    /** Identity keys must already be valid ({@link #normalizeIdentity}); the parser checks them. */
    public Allowlist(Collection<String> identities, Collection<Cidr> cidrs) {
        Set<String> ids = new HashSet<>();
        for (String id : identities) {
            String normalized = normalizeIdentity(id);
            ids.add(normalized == null ? id : normalized);
        }
        this.identities = Collections.unmodifiableSet(ids);
        this.cidrs = List.copyOf(cidrs);
        Map<Integer, Set<Network>> byPrefix = new HashMap<>();
        TreeSet<Integer> lengths = new TreeSet<>(Collections.reverseOrder());
        for (Cidr c : cidrs) {
            byPrefix.computeIfAbsent(c.prefix128(), k -> new HashSet<>()).add(new Network(c.hi(), c.lo()));
            lengths.add(c.prefix128());
        }
        this.networks = byPrefix;
        this.prefixes = lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    public static Allowlist empty() {
        return EMPTY;
    }

    /**
     * Whether the caller is allowlisted: its identity key is listed, or its client address (or, for
     * an {@code ip:} identity, the identity's own address) lies in a listed network.
     *
     * @param clientIpOrNull the request's client address in any form {@link IpAddresses} accepts
     */
    public boolean contains(String identityKey, String clientIpOrNull) {
        if (identityKey != null && !identities.isEmpty()) {
            if (identities.contains(identityKey)) {
                return true;
            }
            String normalized = identityKey.startsWith("ip:") ? normalizeIdentity(identityKey) : null;
            if (normalized != null && identities.contains(normalized)) {
                return true;
            }
        }
        if (prefixes.length == 0) {
            return false;
        }
        if (clientIpOrNull != null && containsAddress(clientIpOrNull)) {
            return true;
        }
        return identityKey != null && identityKey.startsWith("ip:") && containsAddress(identityKey.substring(3));
    }

    /** Whether the address lies in one of the listed networks; false for anything that is not an address. */
    public boolean containsAddress(String address) {
        if (prefixes.length == 0) {
            return false;
        }
        String canonical = IpAddresses.normalize(address);
        if (canonical == null) {
            return false;
        }
        long[] bits = Cidr.bits(canonical);
        for (int prefix : prefixes) {
            Network masked = new Network(bits[0] & Cidr.maskHi(prefix), bits[1] & Cidr.maskLo(prefix));
            if (networks.get(prefix).contains(masked)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return identities.isEmpty() && cidrs.isEmpty();
    }

    public Set<String> identities() {
        return identities;
    }

    public List<Cidr> cidrs() {
        return cidrs;
    }

    /**
     * The key as meshguard writes it, or null when it is not an identity key: {@code user:} or
     * {@code peer:} with a non-empty rest (kept as is), or {@code ip:} with an IP literal (written
     * canonically, so {@code ip:::ffff:10.0.0.1} is {@code ip:10.0.0.1}).
     */
    public static String normalizeIdentity(String key) {
        if (key == null) {
            return null;
        }
        if (key.startsWith("user:") || key.startsWith("peer:")) {
            return key.length() > key.indexOf(':') + 1 && key.strip().equals(key) ? key : null;
        }
        if (key.startsWith("ip:")) {
            String address = key.substring(3);
            String canonical = address.indexOf('[') >= 0 || address.indexOf(' ') >= 0 ? null : IpAddresses.normalize(address);
            // A port makes it a different string from any key meshguard writes.
            if (canonical == null || (address.indexOf(':') >= 0 && address.indexOf(':') == address.lastIndexOf(':'))) {
                return null;
            }
            return "ip:" + canonical;
        }
        return null;
    }

    @Override
    public String toString() {
        List<String> nets = new ArrayList<>();
        for (Cidr c : cidrs) {
            nets.add(c.toString());
        }
        return "Allowlist{identities=" + identities.size() + ", cidrs=" + nets + "}";
    }

    private record Network(long hi, long lo) implements Serializable {}
}
