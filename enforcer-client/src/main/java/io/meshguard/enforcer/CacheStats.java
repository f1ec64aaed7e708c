package io.meshguard.enforcer;

/**
 * Counters of an {@link EnforcerClient}'s cache since it started, for metrics and tests.
 *
 * @param hits lookups answered from the cache
 * @param misses lookups that had to read the store
 * @param loadsCached store reads whose answer was cached
 * @param loadsDiscarded store reads answered but not cached (a notification or a resync overtook them)
 * @param invalidations notifications received
 * @param resyncs confirmed (re)subscriptions, each of which dropped the whole cache
 * @param size entries cached now
 * @param synced whether the subscription is up, i.e. cached entries are trusted
 */
public record CacheStats(long hits, long misses, long loadsCached, long loadsDiscarded, long invalidations,
        long resyncs, int size, boolean synced) {}
