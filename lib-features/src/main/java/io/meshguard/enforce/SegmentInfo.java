package io.meshguard.enforce;

import io.meshguard.segment.SegmentMode;
import io.meshguard.segment.SegmentUpdate;

/**
 * The latest the arbiter knows of a segment from the segment controller: its mode and how many
 * identities it holds, for the blast-radius guard. A Flink POJO.
 */
public class SegmentInfo {
    public SegmentMode mode;
    public int distinctIdentities;
    /** Version of the update it came from; older updates are ignored. */
    public long version;

    public SegmentInfo() {}

    public static SegmentInfo of(SegmentMode mode, int distinctIdentities, long version) {
        SegmentInfo i = new SegmentInfo();
        i.mode = mode;
        i.distinctIdentities = distinctIdentities;
        i.version = version;
        return i;
    }

    public static SegmentInfo from(SegmentUpdate update) {
        return of(update.mode, update.distinctIdentities, update.version);
    }

    @Override
    public String toString() {
        return "SegmentInfo{" + mode + ", " + distinctIdentities + " identities, v" + version + "}";
    }
}
