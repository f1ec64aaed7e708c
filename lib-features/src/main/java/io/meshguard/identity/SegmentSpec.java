package io.meshguard.identity;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which dimensions make up a segment: one tuple for north–south traffic (from outside the mesh),
 * one for east–west traffic (between mesh workloads), and the segment of requests that lack a
 * dimension. An empty tuple puts all traffic of that direction into the default segment.
 */
public record SegmentSpec(List<SegmentDimension> northSouth, List<SegmentDimension> eastWest, String defaultName)
        implements Serializable {
    public static final String DEFAULT_NAME = "default";
    public static final List<SegmentDimension> DEFAULT_NORTH_SOUTH = List.of(SegmentDimension.ASN);
    public static final List<SegmentDimension> DEFAULT_EAST_WEST = List.of(SegmentDimension.NAMESPACE);
    /** Written instead of a tuple to put every request of a direction into the default segment. */
    public static final String NO_DIMENSIONS = "none";

    public SegmentSpec {
        northSouth = checkedTuple(northSouth, "north-south");
        eastWest = checkedTuple(eastWest, "east-west");
        Objects.requireNonNull(defaultName, "defaultName");
        if (!SegmentValues.isClean(defaultName)) {
            throw new IllegalArgumentException("default segment name must be 1.." + SegmentValues.MAX_LENGTH
                    + " characters of [a-z0-9._-]: '" + defaultName + "'");
        }
    }

    public static SegmentSpec defaults() {
        return new SegmentSpec(DEFAULT_NORTH_SOUTH, DEFAULT_EAST_WEST, DEFAULT_NAME);
    }

    /**
     * Parses tuples written as dimension names joined by {@code +}, e.g. {@code asn+country}; {@code
     * none} is the empty tuple; null or blank arguments take the defaults.
     *
     * @throws IllegalArgumentException naming the unknown or repeated dimension
     */
    public static SegmentSpec parse(String northSouth, String eastWest, String defaultName) {
        return new SegmentSpec(
                parseTuple(northSouth, DEFAULT_NORTH_SOUTH),
                parseTuple(eastWest, DEFAULT_EAST_WEST),
                defaultName == null || defaultName.isBlank() ? DEFAULT_NAME : defaultName.strip());
    }

    /** The tuple for one direction of traffic. */
    public List<SegmentDimension> tupleFor(boolean eastWestTraffic) {
        return eastWestTraffic ? eastWest : northSouth;
    }

    private static List<SegmentDimension> parseTuple(String text, List<SegmentDimension> fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        if (text.strip().equalsIgnoreCase(NO_DIMENSIONS)) {
            return List.of();
        }
        List<SegmentDimension> tuple = new ArrayList<>();
        for (String name : text.split("\\+", -1)) {
            tuple.add(SegmentDimension.parse(name));
        }
        return tuple;
    }

    private static List<SegmentDimension> checkedTuple(List<SegmentDimension> tuple, String direction) {
        Objects.requireNonNull(tuple, direction);
        Set<SegmentDimension> seen = EnumSet.noneOf(SegmentDimension.class);
        for (SegmentDimension d : tuple) {
            if (!seen.add(Objects.requireNonNull(d, direction + " dimension"))) {
                throw new IllegalArgumentException(direction + " segment repeats dimension '" + d.wireName() + "'");
            }
        }
        return List.copyOf(tuple);
    }
}
