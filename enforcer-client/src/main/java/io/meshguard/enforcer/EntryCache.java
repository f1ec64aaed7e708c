package io.meshguard.enforcer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The enforcer's bounded cache of store entries (least recently used out first), kept correct by
 * the update notifications rather than by expiry. Thread-safe; all I/O happens outside it.
 *
 * <p>Three rules keep a cached entry from outliving the stored one:
 *
 * <ul>
 *   <li>A notification for a key drops its entry ({@link #invalidate}), and also marks any read of
 *       that key still in flight, whose answer may predate the write: that answer is returned to its
 *       caller but not cached (the reply and the notification travel on different connections, in
 *       no guaranteed order).
 *   <li>Entries are served as fresh only while the subscription is up ({@link #resynchronized});
 *       while it is down ({@link #desynchronized}) notifications are being missed, so nothing new is
 *       cached and old entries are served only as stale stand-ins during an outage, for a bounded
 *       time. Re-subscribing drops everything, since what changed meanwhile is unknown.
 *   <li>"No entry" is cached only for the negative TTL: absent keys are the most numerous, and the
 *       TTL bounds how long one could be wrong if a notification were ever lost.
 * </ul>
 */
final class EntryCache {

    /** A read of one key in flight: cached on completion only if nothing invalidated it meanwhile. */
    static final class Load {
        final String key;
        private final long epoch;
        private boolean invalidated;

        private Load(String key, long epoch) {
            this.key = key;
            this.epoch = epoch;
        }
    }

    private static final class Cached {
        final StoreEntry entry;
        final long loadedAtNanos;

        Cached(StoreEntry entry, long loadedAtNanos) {
            this.entry = entry;
            this.loadedAtNanos = loadedAtNanos;
        }
    }

    private final long negativeTtlNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Cached> entries;
    private final Map<String, List<Load>> inFlight = new HashMap<>();

    /** Bumped whenever in-flight reads must not be cached any more (resync, loss of the subscription). */
    private long epoch;
    private boolean synced;
    private long desyncedAtNanos;

    private long hits;
    private long misses;
    private long loadsCached;
    private long loadsDiscarded;
    private long invalidations;
    private long resyncs;

    EntryCache(int maxEntries, long negativeTtlNanos, LongSupplier nanoClock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
        }
        this.negativeTtlNanos = negativeTtlNanos;
        this.nanoClock = nanoClock;
        this.desyncedAtNanos = nanoClock.getAsLong();
        this.entries = new LinkedHashMap<>(Math.min(maxEntries, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The cached entry if it can be trusted as current, else null (then the caller reads the store). */
    synchronized StoreEntry fresh(String key) {
        Cached c = synced ? entries.get(key) : null;
        if (c != null && !c.entry.present && nanoClock.getAsLong() - c.loadedAtNanos >= negativeTtlNanos) {
            entries.remove(key);
            c = null;
        }
        if (c == null) {
            misses++;
            return null;
        }
        hits++;
        return c.entry;
    }

    /**
     * The cached entry as a stand-in while the store cannot be read: any cached entry while the
     * subscription is up, or for {@code toleranceNanos} after it went down; else null.
     */
    synchronized StoreEntry stale(String key, long toleranceNanos) {
        if (!synced && nanoClock.getAsLong() - desyncedAtNanos > toleranceNanos) {
            return null;
        }
        Cached c = entries.get(key);
        return c == null ? null : c.entry;
    }

    synchronized Load beginLoad(String key) {
        Load load = new Load(key, epoch);
        inFlight.computeIfAbsent(key, k -> new ArrayList<>(1)).add(load);
        return load;
    }

    /** Ends {@code load}; caches {@code entry} (null: the read failed) if it is still known current. */
    synchronized void completeLoad(Load load, StoreEntry entry) {
        List<Load> loads = inFlight.get(load.key);
        if (loads != null) {
            loads.remove(load);
            if (loads.isEmpty()) {
                inFlight.remove(load.key);
            }
        }
        if (entry == null) {
            return;
        }
        if (synced && load.epoch == epoch && !load.invalidated) {
            entries.put(load.key, new Cached(entry, nanoClock.getAsLong()));
            loadsCached++;
        } else {
            loadsDiscarded++;
        }
    }

    /** A notification for {@code key}: the stored entry changed. */
    synchronized void invalidate(String key) {
        invalidations++;
        entries.remove(key);
        List<Load> loads = inFlight.get(key);
        if (loads != null) {
            for (Load l : loads) {
                l.invalidated = true;
            }
        }
    }

    /** The subscription is (again) confirmed: notifications flow from now on, and earlier ones were missed. */
    synchronized void resynchronized() {
        entries.clear();
        epoch++;
        synced = true;
        resyncs++;
    }

    /** The subscription is lost: keep the entries as stale stand-ins, cache nothing new. */
    synchronized void desynchronized() {
        if (synced) {
            synced = false;
            desyncedAtNanos = nanoClock.getAsLong();
        }
        epoch++;
    }

    synchronized boolean isSynced() {
        return synced;
    }

    synchronized CacheStats stats() {
        return new CacheStats(hits, misses, loadsCached, loadsDiscarded, invalidations, resyncs, entries.size(), synced);
    }
}
