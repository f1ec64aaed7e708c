package io.meshguard.identity;

import io.meshguard.model.AccessLogRecord;
import io.meshguard.model.IdentityType;

/**
 * Puts a request into its segment, e.g. {@code asn:64512}, {@code ns:payments} or {@code
 * asn:64512,country:de}, by the {@link SegmentSpec}. A request missing any dimension of its tuple
 * goes to the default segment rather than to a half-specified one.
 */
public final class SegmentResolver {
    private final SegmentDimension[] northSouth;
    private final SegmentDimension[] eastWest;
    private final String defaultName;

    public SegmentResolver(SegmentSpec spec) {
        this.northSouth = spec.northSouth().toArray(new SegmentDimension[0]);
        this.eastWest = spec.eastWest().toArray(new SegmentDimension[0]);
        this.defaultName = spec.defaultName();
    }

    public String resolve(AccessLogRecord record, Identity identity) {
        SegmentDimension[] tuple = isEastWest(record, identity) ? eastWest : northSouth;
        if (tuple.length == 0) {
            return defaultName;
        }
        if (tuple.length == 1) {
            String value = SegmentValues.sanitize(tuple[0].rawValue(record, identity));
            return value == null ? defaultName : tuple[0].wireName() + ':' + value;
        }
        StringBuilder id = new StringBuilder(32);
        for (SegmentDimension dimension : tuple) {
            String value = SegmentValues.sanitize(dimension.rawValue(record, identity));
            if (value == null) {
                return defaultName;
            }
            if (id.length() > 0) {
                id.append(',');
            }
            id.append(dimension.wireName()).append(':').append(value);
        }
        return id.toString();
    }

    /** Traffic between mesh workloads: the caller proved a workload identity or the mesh named its namespace. */
    public static boolean isEastWest(AccessLogRecord record, Identity identity) {
        return identity.type() == IdentityType.PEER || record.sourceNamespace != null;
    }
}
