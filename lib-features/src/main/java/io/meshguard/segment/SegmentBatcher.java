package io.meshguard.segment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Folds request samples into one {@link SegmentBatch} per segment and interval until the caller
 * drains them: each batch carries the counts and the distinct identity hashes of its requests. A
 * batch that reaches {@code maxIdentities} distinct identities is handed back at once, which bounds
 * the memory of one batch whatever the traffic; the segment operator adds batches of the same
 * interval up.
 *
 * <p>Not thread-safe; one per operator instance.
 */
public final class SegmentBatcher {
    private final long intervalMillis;
    private final int maxIdentities;
    private final Map<Key, Open> open = new HashMap<>();

    /**
     * @param intervalMillis the segment aggregation's interval ({@code segment.interval})
     * @param maxIdentities distinct identities after which a batch is handed back ({@code
     *     segment.batch.max-identities})
     */
    public SegmentBatcher(long intervalMillis, int maxIdentities) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval must be positive, got " + intervalMillis);
        }
        if (maxIdentities < 1) {
            throw new IllegalArgumentException("max identities per batch must be at least 1, got " + maxIdentities);
        }
        this.intervalMillis = intervalMillis;
        this.maxIdentities = maxIdentities;
    }

    /** Counts one request; returns its batch when that batch just became full, else null. */
    public SegmentBatch add(SegmentSample sample) {
        long start = Math.floorDiv(sample.timestampMillis, intervalMillis) * intervalMillis;
        Key key = new Key(sample.segment, start);
        Open batch = open.computeIfAbsent(key, k -> new Open());
        batch.latestMillis = Math.max(batch.latestMillis, sample.timestampMillis);
        batch.requests++;
        if (sample.authRequest) {
            batch.authRequests++;
        }
        if (sample.countedError) {
            batch.errorResponses++;
        }
        if (sample.hasIdentity && batch.identities.add(sample.identityHash)
                && batch.identities.size() >= maxIdentities) {
            open.remove(key);
            return batch.close(key);
        }
        return null;
    }

    /** Hands every open batch to {@code out}, oldest interval first, and forgets them. */
    public void drain(Consumer<SegmentBatch> out) {
        if (open.isEmpty()) {
            return;
        }
        List<Map.Entry<Key, Open>> entries = new ArrayList<>(open.entrySet());
        open.clear();
        entries.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Key, Open> e : entries) {
            out.accept(e.getValue().close(e.getKey()));
        }
    }

    public boolean isEmpty() {
        return open.isEmpty();
    }

    private record Key(String segment, long intervalStartMillis) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int byTime = Long.compare(intervalStartMillis, o.intervalStartMillis);
            return byTime != 0 ? byTime : String.valueOf(segment).compareTo(String.valueOf(o.segment));
        }
    }

    private static final class Open {
        long latestMillis = Long.MIN_VALUE;
        long requests;
        long authRequests;
        long errorResponses;
        final LongSet identities = new LongSet();

        SegmentBatch close(Key key) {
            SegmentBatch b = new SegmentBatch();
            b.segment = key.segment();
            b.intervalStartMillis = key.intervalStartMillis();
            b.latestMillis = latestMillis;
            b.requests = requests;
            b.authRequests = authRequests;
            b.errorResponses = errorResponses;
            b.identityHashes = identities.toArray();
            return b;
        }
    }

    /** An open-addressing set of longs: no boxing per request. */
    static final class LongSet {
        private long[] slots = new long[16];
        private boolean hasZero;
        private int size;

        /** Whether {@code v} was not in the set. */
        boolean add(long v) {
            if (v == 0) {
                if (hasZero) {
                    return false;
                }
                hasZero = true;
                size++;
                return true;
            }
            if (2 * (size + 1) > slots.length) {
                grow();
            }
            if (!insert(slots, v)) {
                return false;
            }
            size++;
            return true;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            long[] out = new long[size];
            int i = 0;
            if (hasZero) {
                out[i++] = 0;
            }
            for (long v : slots) {
                if (v != 0) {
                    out[i++] = v;
                }
            }
            return out;
        }

        private static boolean insert(long[] table, long v) {
            int mask = table.length - 1;
            int i = (int) (mix(v) & mask);
            while (table[i] != 0) {
                if (table[i] == v) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            table[i] = v;
            return true;
        }

        private void grow() {
            long[] bigger = new long[slots.length * 2];
            for (long v : slots) {
                if (v != 0) {
                    insert(bigger, v);
                }
            }
            slots = bigger;
        }

        private static long mix(long v) {
            long h = v * 0x9E3779B97F4A7C15L;
            return h ^ (h >>> 29);
        }

        @Override
        public String toString() {
            return Arrays.toString(toArray());
        }
    }
}
