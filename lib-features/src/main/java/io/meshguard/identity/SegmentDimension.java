package io.meshguard.identity;

import io.meshguard.model.AccessLogRecord;
import java.util.Locale;
import java.util.StringJoiner;

/** One attribute that groups requests into segments, whose members are compared with each other. */
public enum SegmentDimension {
    /** The client's autonomous system; {@code AS64512} and {@code 64512} are the same segment. */
    ASN("asn") {
        @Override
        public String rawValue(AccessLogRecord record, Identity identity) {
            return withoutAsPrefix(record.clientAsn);
        }
    },
    COUNTRY("country") {
        @Override
        public String rawValue(AccessLogRecord record, Identity identity) {
            return record.clientCountry;
        }
    },
    /** {@code source_namespace}, else the namespace of the caller's SPIFFE principal. */
    NAMESPACE("ns") {
        @Override
        public String rawValue(AccessLogRecord record, Identity identity) {
            return record.sourceNamespace != null
                    ? record.sourceNamespace
                    : SpiffeId.namespaceOf(record.downstreamPeerUriSan);
        }
    },
    /** {@code source_workload}, else the service account of the caller's SPIFFE principal. */
    WORKLOAD("workload") {
        @Override
        public String rawValue(AccessLogRecord record, Identity identity) {
            return record.sourceWorkload != null
                    ? record.sourceWorkload
                    : SpiffeId.serviceAccountOf(record.downstreamPeerUriSan);
        }
    },
    ROUTE("route") {
        @Override
        public String rawValue(AccessLogRecord record, Identity identity) {
            return record.routeName;
        }
    },
    /** The requested host, without port: {@code api.example.com:443} is {@code api.example.com}. */
    AUTHORITY("host") {
        @Override
        public String rawValue(AccessLogRecord record, Identity identity) {
            return withoutPort(record.authority);
        }
    },
    /** How the caller was identified: user, peer or ip. */
    IDENTITY_TYPE("type") {
        @Override
        public String rawValue(AccessLogRecord record, Identity identity) {
            return identity.type().wireName();
        }
    };

    private final String wireName;

    SegmentDimension(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in configuration and segment ids, e.g. {@code ns} in {@code ns:payments}. */
    public String wireName() {
        return wireName;
    }

    /** The dimension's value for one request before sanitizing, or null when the request lacks it. */
    public abstract String rawValue(AccessLogRecord record, Identity identity);

    /** Looks up a dimension by wire name ({@code ns}) or enum name ({@code namespace}), any case. */
    public static SegmentDimension parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (SegmentDimension d : values()) {
            if (d.wireName.equals(wanted) || d.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return d;
            }
        }
        StringJoiner known = new StringJoiner(", ");
        for (SegmentDimension d : values()) {
            known.add(d.wireName);
        }
        throw new IllegalArgumentException("unknown segment dimension '" + name + "'; expected one of " + known);
    }

    private static String withoutAsPrefix(String asn) {
        if (asn == null || asn.length() < 3 || !asn.regionMatches(true, 0, "as", 0, 2)) {
            return asn;
        }
        for (int i = 2; i < asn.length(); i++) {
            if (asn.charAt(i) < '0' || asn.charAt(i) > '9') {
                return asn;
            }
        }
        return asn.substring(2);
    }

    private static String withoutPort(String authority) {
        if (authority == null) {
            return null;
        }
        int colon = authority.lastIndexOf(':');
        if (colon <= 0 || colon == authority.length() - 1) {
            return authority;
        }
        for (int i = colon + 1; i < authority.length(); i++) {
            if (authority.charAt(i) < '0' || authority.charAt(i) > '9') {
                return authority;
            }
        }
        // A second colon without brackets is a bare IPv6 address, whose last group only looks like a port.
        boolean bareIpv6 = authority.indexOf(':') != colon && authority.charAt(colon - 1) != ']';
        return bareIpv6 ? authority : authority.substring(0, colon);
    }
}
