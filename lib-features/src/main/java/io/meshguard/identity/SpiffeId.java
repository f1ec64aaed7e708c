package io.meshguard.identity;

/**
 * Reads the namespace and service account out of an Istio SPIFFE principal, {@code
 * spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}, without regex.
 */
public final class SpiffeId {
    private static final String SCHEME = "spiffe://";

    private SpiffeId() {}

    /** The namespace, or null when the text is not an Istio SPIFFE principal. */
    public static String namespaceOf(String uri) {
        return pathValue(uri, "ns", 0);
    }

    /** The service account, or null when the text is not an Istio SPIFFE principal. */
    public static String serviceAccountOf(String uri) {
        return pathValue(uri, "sa", 2);
    }

    /** The segment after the {@code label} segment at {@code position} of a {@code /ns/x/sa/y} path. */
    private static String pathValue(String uri, String label, int position) {
        if (uri == null || !uri.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        // Envoy joins several URI SANs with commas; the first one is the workload's principal.
        int end = uri.indexOf(',');
        if (end < 0) {
            end = uri.length();
        }
        int pathStart = uri.indexOf('/', SCHEME.length());
        if (pathStart < 0 || pathStart >= end || pathStart == SCHEME.length()) {
            return null;
        }
        String[] segments = new String[4];
        int count = 0;
        int start = pathStart + 1;
        while (start <= end) {
            int slash = uri.indexOf('/', start);
            int segmentEnd = slash < 0 || slash > end ? end : slash;
            if (count == 4 || segmentEnd == start) {
                return null;
            }
            segments[count++] = uri.substring(start, segmentEnd);
            start = segmentEnd + 1;
        }
        if (count != 4 || !segments[0].equals("ns") || !segments[2].equals("sa")) {
            return null;
        }
        return segments[position].equals(label) ? segments[position + 1] : null;
    }
}
