package io.meshguard.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SegmentBatcher} and the aggregator's batch overload. */
class SegmentBatcherTest {
    private static final long T0 = SegmentIntervalAggregatorTest.T0;

    private static SegmentSample sample(String segment, long offset, long identityHash, boolean auth, boolean error) {
        SegmentSample s = new SegmentSample();
        s.segment = segment;
        s.timestampMillis = T0 + offset;
        s.hasIdentity = identityHash != -1;
        s.identityHash = s.hasIdentity ? identityHash : 0;
        s.authRequest = auth;
        s.countedError = error;
        return s;
    }

    @Test
    void oneBatchPerSegmentAndIntervalWithCountsAndDistinctIdentities() {
        SegmentBatcher batcher = new SegmentBatcher(1_000, 1_024);
        assertThat(batcher.add(sample("asn:1", 1_100, 7, false, false))).isNull();
        batcher.add(sample("asn:1", 1_900, 7, true, false));
        batcher.add(sample("asn:1", 1_300, 0, false, true)); // a hash of 0 is an identity like any other
        batcher.add(sample("asn:1", 1_500, -1, false, false)); // no identity
        batcher.add(sample("asn:2", 1_200, 9, false, false));
        batcher.add(sample("asn:1", 200, 8, false, false)); // an earlier interval, arriving late

        List<SegmentBatch> batches = new ArrayList<>();
        batcher.drain(batches::add);

        assertThat(batcher.isEmpty()).isTrue();
        assertThat(batches).extracting(b -> b.segment + "@" + (b.intervalStartMillis - T0))
                .containsExactly("asn:1@0", "asn:1@1000", "asn:2@1000");
        SegmentBatch busy = batches.get(1);
        assertThat(busy.requests).isEqualTo(4);
        assertThat(busy.authRequests).isEqualTo(1);
        assertThat(busy.errorResponses).isEqualTo(1);
        assertThat(busy.latestMillis).isEqualTo(T0 + 1_900);
        assertThat(busy.identityHashes).containsExactlyInAnyOrder(7L, 0L);
        assertThat(batches.get(0).identityHashes).containsExactly(8L);
    }

    @Test
    void aBatchReachingTheIdentityBoundIsHandedBackAtOnce() {
        SegmentBatcher batcher = new SegmentBatcher(1_000, 3);
        assertThat(batcher.add(sample("asn:1", 10, 1, false, false))).isNull();
        assertThat(batcher.add(sample("asn:1", 20, 1, false, false))).isNull();
        assertThat(batcher.add(sample("asn:1", 30, 2, false, false))).isNull();
        SegmentBatch full = batcher.add(sample("asn:1", 40, 3, false, false));

        assertThat(full).isNotNull();
        assertThat(full.requests).isEqualTo(4);
        assertThat(full.identityHashes).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(batcher.isEmpty()).isTrue();
        batcher.add(sample("asn:1", 50, 1, false, false));
        List<SegmentBatch> rest = new ArrayList<>();
        batcher.drain(rest::add);
        assertThat(rest).singleElement().satisfies(b -> assertThat(b.requests).isEqualTo(1));
        assertThatThrownBy(() -> new SegmentBatcher(1_000, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyIdentitiesInOneBatchAreKeptExactly() {
        SegmentBatcher batcher = new SegmentBatcher(1_000, 100_000);
        Random random = new Random(3);
        java.util.Set<Long> expected = new java.util.HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            long hash = random.nextInt(5_000) * 0x100000001L; // collides in the low bits on purpose
            expected.add(hash);
            batcher.add(sample("asn:1", i % 1_000, hash, false, false));
        }
        List<SegmentBatch> batches = new ArrayList<>();
        batcher.drain(batches::add);
        assertThat(batches).singleElement().satisfies(b -> {
            assertThat(b.requests).isEqualTo(20_000);
            assertThat(b.identityHashes).hasSize(expected.size());
            assertThat(java.util.Arrays.stream(b.identityHashes).boxed().toList())
                    .containsExactlyInAnyOrderElementsOf(expected);
        });
    }

    /**
     * Batches drained oldest interval first count exactly as their requests would, taken in that
     * same order: same intervals closed with the same figures, same state.
     */
    @Test
    void theAggregatorCountsABatchAsItsRequestsOneByOne() {
        SegmentIntervalAggregator aggregator = new SegmentIntervalAggregator(SegmentIntervalAggregatorTest.small().build());
        SegmentAggregationState bySample = aggregator.newState();
        SegmentAggregationState byBatch = aggregator.newState();
        List<SegmentInterval> sampleIntervals = new ArrayList<>();
        List<SegmentInterval> batchIntervals = new ArrayList<>();
        SegmentBatcher batcher = new SegmentBatcher(1_000, 5);
        Random random = new Random(11);
        List<SegmentSample> window = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            // Mostly forward, sometimes late (within and beyond the lateness), with an idle gap.
            long offset = i * 23L - random.nextInt(4_000) + (i > 3_000 ? 400_000 : 0);
            long identity = random.nextInt(10) == 0 ? -1 : random.nextInt(300);
            SegmentSample s = sample("asn:64500", offset, identity, random.nextInt(5) == 0, random.nextInt(4) == 0);
            window.add(s);
            SegmentBatch full = batcher.add(s);
            if (full != null || i % 40 == 39) {
                // A full batch goes out before the rest of its window, as the operator sends it.
                List<SegmentBatch> out = new ArrayList<>();
                if (full != null) {
                    out.add(full);
                }
                batcher.drain(out::add);
                for (SegmentBatch b : out) {
                    aggregator.add(byBatch, b, batchIntervals::add);
                }
                window.stream()
                        .sorted(Comparator.comparingInt(x -> orderIn(out, x)))
                        .forEach(x -> aggregator.add(bySample, x, sampleIntervals::add));
                window.clear();
            }
        }
        aggregator.advanceTo(bySample, Long.MAX_VALUE, sampleIntervals::add);
        aggregator.advanceTo(byBatch, Long.MAX_VALUE, batchIntervals::add);

        assertThat(sampleIntervals).hasSizeGreaterThan(100);
        assertThat(byBatch.lateEvents).isPositive();
        assertThat(batchIntervals).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(sampleIntervals);
        assertThat(byBatch).usingRecursiveComparison().isEqualTo(bySample);
    }

    /** Index of the batch holding a sample's interval, in the order the batches were applied. */
    private static int orderIn(List<SegmentBatch> batches, SegmentSample s) {
        for (int i = 0; i < batches.size(); i++) {
            SegmentBatch b = batches.get(i);
            if (b.intervalStartMillis == Math.floorDiv(s.timestampMillis, 1_000) * 1_000) {
                return i;
            }
        }
        throw new AssertionError("no batch for " + s);
    }
}
