package io.meshguard.detect;

import io.meshguard.baseline.OwnBaseline;
import io.meshguard.features.FeatureState;
import io.meshguard.model.Action;
import io.meshguard.model.IdentityType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The binary form of an {@link IdentityState}, field by field, for the job's state serializer. A
 * stream processor reads and writes an identity's state on every request when state lives in
 * RocksDB, and a generic reflective serializer (boxing every primitive, resolving every field)
 * costs more there than all of detection; this one writes primitives and primitive arrays
 * directly. Enums are written by name, so reordering their constants cannot corrupt stored state.
 *
 * <p>Every record starts with {@link #FORMAT}: a later layout can read this one. Adding a field to
 * the state means adding it here, with a new format number, and keeping the read of the old one.
 */
public final class IdentityStateCodec {
    /** Layout of the records this codec writes. */
    public static final byte FORMAT = 1;

    private IdentityStateCodec() {}

    public static void write(IdentityState s, DataOutput out) throws IOException {
        out.writeByte(FORMAT);
        writeFeatures(s.features, out);
        writeBaseline(s.baseline, out);
        writeEnum(s.action, out);
        out.writeDouble(s.limitRps);
        out.writeLong(s.actionSinceMillis);
        out.writeLong(s.lastUncalmMillis);
        out.writeLong(s.quarantineUntilMillis);
        out.writeLong(s.version);
        out.writeLong(s.cleanupTimerMillis);
        out.writeLong(s.intervalNewestStartMillis);
        out.writeLong(s.intervalHoldMillis);
        writeInts(s.intervalSlots, out);
        out.writeInt(s.intervalPending);
        out.writeFloat(s.intervalTypicalRps);
        writeEnum(s.intervalIdentityType, out);
        writeString(s.intervalSegment, out);
        out.writeLong(s.scanStartMillis);
    }

    public static IdentityState read(DataInput in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("unknown identity state format " + format + " (this release reads " + FORMAT + ")");
        }
        // A new state comes with its nested objects and arrays: they are filled, not replaced.
        IdentityState s = new IdentityState();
        s.features = readFeatures(s.features, in);
        s.baseline = readBaseline(s.baseline, in);
        s.action = readEnum(Action.class, in);
        s.limitRps = in.readDouble();
        s.actionSinceMillis = in.readLong();
        s.lastUncalmMillis = in.readLong();
        s.quarantineUntilMillis = in.readLong();
        s.version = in.readLong();
        s.cleanupTimerMillis = in.readLong();
        s.intervalNewestStartMillis = in.readLong();
        s.intervalHoldMillis = in.readLong();
        s.intervalSlots = readInts(in);
        s.intervalPending = in.readInt();
        s.intervalTypicalRps = in.readFloat();
        s.intervalIdentityType = readEnum(IdentityType.class, in);
        s.intervalSegment = readString(in);
        s.scanStartMillis = in.readLong();
        return s;
    }

    private static void writeFeatures(FeatureState f, DataOutput out) throws IOException {
        out.writeBoolean(f != null);
        if (f == null) {
            return;
        }
        out.writeLong(f.firstSeenMillis);
        out.writeLong(f.lastUpdateMillis);
        out.writeDouble(f.shortCount);
        out.writeDouble(f.longCount);
        out.writeDouble(f.mediumCount);
        out.writeDouble(f.count4xx);
        out.writeDouble(f.countAuthFail);
        out.writeDouble(f.count404);
        out.writeDouble(f.count5xx);
        out.writeDouble(f.countNewPath);
        out.writeDouble(f.countSensitive);
        out.writeDouble(f.countAuth);
        out.writeDouble(f.countUaAnomaly);
        out.writeDouble(f.bytesIn);
        out.writeDouble(f.bytesOut);
        out.writeDouble(f.durationSum);
        writeFloats(f.pathBuckets, out);
        writeLongs(f.pathSketches, out);
        out.writeLong(f.upstreamCurrent);
        out.writeLong(f.upstreamPrevious);
        out.writeLong(f.windowIndex);
        out.writeInt(f.seenPathBits);
        out.writeInt(f.distinctPathsSeen);
    }

    private static FeatureState readFeatures(FeatureState f, DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        f.firstSeenMillis = in.readLong();
        f.lastUpdateMillis = in.readLong();
        f.shortCount = in.readDouble();
        f.longCount = in.readDouble();
        f.mediumCount = in.readDouble();
        f.count4xx = in.readDouble();
        f.countAuthFail = in.readDouble();
        f.count404 = in.readDouble();
        f.count5xx = in.readDouble();
        f.countNewPath = in.readDouble();
        f.countSensitive = in.readDouble();
        f.countAuth = in.readDouble();
        f.countUaAnomaly = in.readDouble();
        f.bytesIn = in.readDouble();
        f.bytesOut = in.readDouble();
        f.durationSum = in.readDouble();
        f.pathBuckets = readFloats(f.pathBuckets, in);
        f.pathSketches = readLongs(f.pathSketches, in);
        f.upstreamCurrent = in.readLong();
        f.upstreamPrevious = in.readLong();
        f.windowIndex = in.readLong();
        f.seenPathBits = in.readInt();
        f.distinctPathsSeen = in.readInt();
        return f;
    }

    private static void writeBaseline(OwnBaseline b, DataOutput out) throws IOException {
        out.writeBoolean(b != null);
        if (b == null) {
            return;
        }
        writeFloats(b.stats, out);
        out.writeInt(b.samples);
        out.writeLong(b.lastSampleMillis);
    }

    private static OwnBaseline readBaseline(OwnBaseline b, DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        b.stats = readFloats(b.stats, in);
        b.samples = in.readInt();
        b.lastSampleMillis = in.readLong();
        return b;
    }

    private static void writeInts(int[] a, DataOutput out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (int v : a) {
                out.writeInt(v);
            }
        }
    }

    private static int[] readInts(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    private static void writeLongs(long[] a, DataOutput out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (long v : a) {
                out.writeLong(v);
            }
        }
    }

    /** Into {@code into} when it has the right length, else into a new array. */
    private static long[] readLongs(long[] into, DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        long[] a = into != null && into.length == n ? into : new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    private static void writeFloats(float[] a, DataOutput out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (float v : a) {
                out.writeFloat(v);
            }
        }
    }

    /** Into {@code into} when it has the right length, else into a new array. */
    private static float[] readFloats(float[] into, DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] a = into != null && into.length == n ? into : new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    private static void writeEnum(Enum<?> e, DataOutput out) throws IOException {
        writeString(e == null ? null : e.name(), out);
    }

    private static <E extends Enum<E>> E readEnum(Class<E> type, DataInput in) throws IOException {
        String name = readString(in);
        return name == null ? null : Enum.valueOf(type, name);
    }

    private static void writeString(String s, DataOutput out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
