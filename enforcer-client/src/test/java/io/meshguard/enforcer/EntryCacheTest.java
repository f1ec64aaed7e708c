package io.meshguard.enforcer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cache's invalidation, resync, negative-TTL, stale and bound rules, on a hand-driven clock. */
class EntryCacheTest {
    private static final long NEGATIVE_TTL = Duration.ofSeconds(60).toNanos();

    private final AtomicLong nanos = new AtomicLong(1_000);
    private EntryCache cache;

    @BeforeEach
    void syncedCache() {
        cache = new EntryCache(3, NEGATIVE_TTL, nanos::get);
        cache.resynchronized();
    }

    private static StoreEntry limit(String key, long version) {
        return StoreEntry.parse(key, Map.of("action", "RATE_LIMIT", "limit_rps", "5", "version",
                Long.toString(version)));
    }

    private void load(String key, StoreEntry entry) {
        cache.completeLoad(cache.beginLoad(key), entry);
    }

    @Test
    void loadedEntryIsServedUntilANotificationForItsKey() {
        load("identity:a", limit("identity:a", 1));
        load("identity:b", limit("identity:b", 1));

        assertThat(cache.fresh("identity:a").version).isEqualTo(1);
        cache.invalidate("identity:a");

        assertThat(cache.fresh("identity:a")).isNull();
        assertThat(cache.fresh("identity:b")).isNotNull();
    }

    @Test
    void readOvertakenByANotificationIsNotCached() {
        EntryCache.Load load = cache.beginLoad("identity:a");
        cache.invalidate("identity:a"); // the write landed after the read was answered
        cache.completeLoad(load, limit("identity:a", 1));

        assertThat(cache.fresh("identity:a")).isNull();
        assertThat(cache.stats().loadsDiscarded()).isEqualTo(1);
    }

    @Test
    void notificationForAnotherKeyLeavesAReadInFlightCacheable() {
        EntryCache.Load load = cache.beginLoad("identity:a");
        cache.invalidate("identity:b");
        cache.completeLoad(load, limit("identity:a", 1));

        assertThat(cache.fresh("identity:a")).isNotNull();
    }

    @Test
    void absentEntryIsCachedForTheNegativeTtlOnly() {
        load("identity:nobody", StoreEntry.absent("identity:nobody"));

        nanos.addAndGet(NEGATIVE_TTL - 1);
        assertThat(cache.fresh("identity:nobody")).isNotNull();
        nanos.addAndGet(1);
        assertThat(cache.fresh("identity:nobody")).isNull();
    }

    @Test
    void presentEntryDoesNotExpireByAge() {
        load("identity:a", limit("identity:a", 1));

        nanos.addAndGet(Duration.ofDays(1).toNanos());

        assertThat(cache.fresh("identity:a")).isNotNull();
    }

    @Test
    void resubscribingDropsEverythingIncludingReadsInFlight() {
        load("identity:a", limit("identity:a", 1));
        EntryCache.Load inFlight = cache.beginLoad("identity:b");

        cache.desynchronized();
        cache.resynchronized();
        cache.completeLoad(inFlight, limit("identity:b", 1));

        assertThat(cache.fresh("identity:a")).isNull();
        assertThat(cache.fresh("identity:b")).isNull();
        assertThat(cache.stats().size()).isZero();
    }

    @Test
    void whileDesynchronizedNothingIsFreshOrCachedButEntriesStandInForTheTolerance() {
        load("identity:a", limit("identity:a", 1));
        cache.desynchronized();
        load("identity:b", limit("identity:b", 1));

        assertThat(cache.fresh("identity:a")).isNull();
        long tolerance = Duration.ofSeconds(30).toNanos();
        assertThat(cache.stale("identity:a", tolerance)).isNotNull();
        assertThat(cache.stale("identity:b", tolerance)).as("not cached while notifications are missed").isNull();

        nanos.addAndGet(tolerance + 1);
        assertThat(cache.stale("identity:a", tolerance)).isNull();
        assertThat(cache.stale("identity:a", 0)).isNull();
    }

    @Test
    void nothingIsTrustedBeforeTheFirstSubscription() {
        EntryCache fresh = new EntryCache(3, NEGATIVE_TTL, nanos::get);
        fresh.completeLoad(fresh.beginLoad("identity:a"), limit("identity:a", 1));

        assertThat(fresh.fresh("identity:a")).isNull();
        assertThat(fresh.isSynced()).isFalse();
    }

    @Test
    void leastRecentlyUsedEntryIsEvictedBeyondTheBound() {
        load("identity:a", limit("identity:a", 1));
        load("identity:b", limit("identity:b", 1));
        load("identity:c", limit("identity:c", 1));
        cache.fresh("identity:a"); // used: b is now the eldest

        load("identity:d", limit("identity:d", 1));

        assertThat(cache.stats().size()).isEqualTo(3);
        assertThat(cache.fresh("identity:b")).isNull();
        assertThat(cache.fresh("identity:a")).isNotNull();
        assertThat(cache.fresh("identity:d")).isNotNull();
    }

    @Test
    void failedReadCachesNothing() {
        cache.completeLoad(cache.beginLoad("identity:a"), null);

        assertThat(cache.fresh("identity:a")).isNull();
        assertThat(cache.stats().loadsCached()).isZero();
    }
}
