package io.meshguard.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.meshguard.features.PathClass;
import io.meshguard.model.MeshEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scripted event sequences through {@link SegmentIntervalAggregator}, with figures computed by
 * hand. Unless a test says otherwise: intervals of 1 s, allowed lateness 2 s (a ring of three open
 * intervals: an interval closes once the clock is 2 s past its end), look-back 10 s (filter
 * generations of 5 s), at most 3 zero intervals in a row. {@link #T0} is a multiple of both 1 s and
 * 5 s, so interval k is [T0 + k s, T0 + (k + 1) s) and generation g starts at T0 + 5g s.
 */
class SegmentIntervalAggregatorTest {
    static final long T0 = 1_700_000_000_000L;

    private static final int LOGIN = PathClass.LOGIN;
    private static final int SIGNUP = PathClass.SIGNUP;

    static SegmentIntervalAggregator.Config.Builder small() {
        return SegmentIntervalAggregator.Config.builder()
                .intervalMillis(1000)
                .allowedLatenessMillis(2000)
                .lookbackMillis(10_000)
                .maxZeroIntervals(3);
    }

    /** Drives one segment and records every closed interval. */
    static final class Segment {
        final SegmentIntervalAggregator aggregator;
        SegmentAggregationState state;
        final List<SegmentInterval> closed = new ArrayList<>();

        Segment(SegmentIntervalAggregator.Config.Builder config) {
            this.aggregator = new SegmentIntervalAggregator(config.build());
            this.state = aggregator.newState();
        }

        /** A 200 to an ordinary path {@code offset} ms after T0. */
        boolean add(long offset, String identity) {
            return add(offset, identity, 0, 200);
        }

        boolean add(long offset, String identity, int pathFlags, int responseCode) {
            MeshEvent e = new MeshEvent();
            e.identity = identity;
            e.segment = "asn:64500";
            e.timestampMillis = T0 + offset;
            e.pathFlags = pathFlags;
            e.responseCode = responseCode;
            return aggregator.add(state, e, closed::add);
        }

        List<SegmentInterval> advanceTo(long offset) {
            List<SegmentInterval> out = aggregator.advanceTo(state, T0 + offset);
            closed.addAll(out);
            return out;
        }

        List<SegmentInterval> active() {
            return closed.stream().filter(i -> i.requests > 0).toList();
        }

        /** Interval ends relative to T0, in emission order. */
        List<Long> ends() {
            return closed.stream().map(i -> i.endMillis - T0).toList();
        }
    }

    static SegmentInterval interval(long endOffset, long requests, int distinct, int fresh, long auth, long errors) {
        return SegmentInterval.of(T0 + endOffset, requests, distinct, fresh, auth, errors, 0, 0);
    }

    @Nested
    class Figures {
        @Test
        void countsRequestsIdentitiesAuthAndErrorsOfOneInterval() {
            Segment s = new Segment(small());
            s.add(100, "user:alice", LOGIN, 200);
            s.add(200, "user:alice", 0, 404);
            s.add(300, "ip:198.18.0.7", SIGNUP, 201);
            s.add(400, "user:carol", 0, 429);
            s.add(500, "ip:198.18.0.7", 0, 503);
            s.add(900, "user:dave", 0, 401);

            // 6 requests from 4 identities, all new; auth = login + signup; errors = 404 and 401
            // (429 is an own denial, 503 says nothing about the caller).
            assertThat(s.closed).isEmpty();
            assertThat(s.advanceTo(2999)).as("open until 2 s after its end").isEmpty();
            assertThat(s.advanceTo(3000))
                    .usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(interval(1000, 6, 4, 4, 2, 2));
        }

        @ParameterizedTest(name = "{0} counts as an error: {1}")
        @CsvSource({"0, false", "200, false", "399, false", "400, true", "401, true", "403, true", "404, true",
            "429, false", "499, true", "500, false", "503, false"})
        void errorsAreClientErrorsOtherThanTooManyRequests(int code, boolean counted) {
            assertThat(SegmentIntervalAggregator.isCountedError(code)).isEqualTo(counted);
            Segment s = new Segment(small());
            s.add(0, "user:alice", 0, code);
            s.advanceTo(3000);
            assertThat(s.closed).singleElement()
                    .satisfies(i -> assertThat(i.errorResponses).isEqualTo(counted ? 1 : 0));
        }

        @Test
        void anomalousAndQuarantinedAreLeftToTheJob() {
            Segment s = new Segment(small());
            s.add(0, "user:alice", 0, 403);
            s.advanceTo(3000);
            assertThat(s.closed).singleElement().satisfies(i -> {
                assertThat(i.anomalousIdentities).isZero();
                assertThat(i.quarantinedIdentities).isZero();
                assertThat(i.durationMillis).isEqualTo(1000);
            });
        }

        @Test
        void eventWithoutIdentityCountsAsRequestOnly() {
            Segment s = new Segment(small());
            s.add(0, null, LOGIN, 401);
            s.add(10, "user:alice");
            s.advanceTo(3000);
            assertThat(s.closed).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(interval(1000, 2, 1, 1, 1, 1));
        }

        @Test
        void thousandsOfDistinctCallersAreEstimatedWithinTwoPercent() {
            Segment s = new Segment(SegmentIntervalAggregator.Config.builder());
            for (int i = 0; i < 5000; i++) {
                s.add(i % 1000, "ip:10.0." + (i / 256) + "." + (i % 256));
                s.add(999 - i % 1000, "ip:10.0." + (i / 256) + "." + (i % 256));
            }
            s.advanceTo(10_000);
            SegmentInterval in = s.closed.get(0);
            assertThat(in.requests).isEqualTo(10_000);
            // 8,192 bits at 5,000 callers: linear counting's standard error is about 0.9 %.
            assertThat((double) in.distinctIdentities).isCloseTo(5000, within(100.0));
            // Every caller is new; a few are taken for known ones as the filter fills (under 1 % at 5,000).
            assertThat(in.newIdentities).isLessThanOrEqualTo(in.distinctIdentities).isGreaterThan(4950);
        }
    }

    @Nested
    class Samples {
        @Test
        void sampleAndEventOverloadsCloseIdenticalIntervals() {
            SegmentIntervalAggregator aggregator = new SegmentIntervalAggregator(small().build());
            SegmentAggregationState fromEvents = aggregator.newState();
            SegmentAggregationState fromSamples = aggregator.newState();
            List<SegmentInterval> eventIntervals = new ArrayList<>();
            List<SegmentInterval> sampleIntervals = new ArrayList<>();
            String[] identities = {"user:alice", "ip:198.18.0.7", null, "user:bob", "peer:spiffe://mesh/ns/a/sa/b"};
            int[] flags = {0, LOGIN, SIGNUP, PathClass.SENSITIVE, 0};
            int[] codes = {200, 401, 429, 404, 503, 201, 403};
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 2_000; i++) {
                MeshEvent e = new MeshEvent();
                e.identity = identities[random.nextInt(identities.length)];
                if (e.identity != null && random.nextInt(3) == 0) {
                    e.identity = e.identity + "-" + random.nextInt(200);
                }
                e.segment = "asn:64500";
                // Mostly forward, sometimes late (within and beyond the lateness), with idle gaps.
                e.timestampMillis = T0 + i * 37L - random.nextInt(4_000) + (i > 1_000 ? 600_000 : 0);
                e.pathFlags = flags[random.nextInt(flags.length)];
                e.responseCode = codes[random.nextInt(codes.length)];
                boolean countedFromEvent = aggregator.add(fromEvents, e, eventIntervals::add);
                boolean countedFromSample = aggregator.add(fromSamples, SegmentSample.of(e), sampleIntervals::add);
                assertThat(countedFromSample).isEqualTo(countedFromEvent);
                if (i % 100 == 99) {
                    aggregator.advanceTo(fromEvents, e.timestampMillis + 5_000, eventIntervals::add);
                    aggregator.advanceTo(fromSamples, e.timestampMillis + 5_000, sampleIntervals::add);
                }
            }
            aggregator.advanceTo(fromEvents, Long.MAX_VALUE, eventIntervals::add);
            aggregator.advanceTo(fromSamples, Long.MAX_VALUE, sampleIntervals::add);

            assertThat(eventIntervals).hasSizeGreaterThan(50);
            assertThat(sampleIntervals).usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyElementsOf(eventIntervals);
            assertThat(fromSamples).usingRecursiveComparison().isEqualTo(fromEvents);
        }

        @Test
        void sampleCarriesOnlyWhatTheAggregatorNeeds() {
            MeshEvent e = new MeshEvent();
            e.identity = "user:alice";
            e.segment = "asn:64500";
            e.timestampMillis = T0 + 5;
            e.pathFlags = SIGNUP;
            e.responseCode = 409;
            SegmentSample s = SegmentSample.of(e);
            assertThat(s.segment).isEqualTo("asn:64500");
            assertThat(s.timestampMillis).isEqualTo(T0 + 5);
            assertThat(s.hasIdentity).isTrue();
            assertThat(s.identityHash).isEqualTo(io.meshguard.features.Hashing.hash64("user:alice"));
            assertThat(s.authRequest).isTrue();
            assertThat(s.countedError).isTrue();

            e.identity = null;
            e.pathFlags = PathClass.STATIC;
            e.responseCode = 429;
            SegmentSample anonymous = SegmentSample.of(e);
            assertThat(anonymous.hasIdentity).isFalse();
            assertThat(anonymous.identityHash).isZero();
            assertThat(anonymous.authRequest).isFalse();
            assertThat(anonymous.countedError).isFalse();
        }
    }

    @Nested
    class NewIdentities {
        @Test
        void callerReturningInALaterIntervalIsNotNew() {
            Segment s = new Segment(small());
            s.add(100, "user:alice");
            s.add(200, "user:bob");
            s.add(1100, "user:alice");
            s.add(1200, "user:carol");
            s.add(1300, "user:carol");
            s.advanceTo(4000);
            assertThat(s.closed).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(interval(1000, 2, 2, 2, 0, 0), interval(2000, 3, 2, 1, 0, 0));
        }

        @Test
        void callerIsRememberedForAtLeastHalfAndAtMostTheWholeLookBack() {
            // Generations: g0 = [0, 5 s), g1 = [5 s, 10 s), g2 = [10 s, 15 s). Look-back 10 s.
            Segment s = new Segment(small());
            s.add(100, "user:alice"); // g0: new
            s.add(200, "user:bob"); // g0: new
            s.add(4900, "user:carol"); // g0: new
            s.add(5100, "user:alice"); // g1: known from g0, refreshed into g1
            s.add(9900, "user:bob"); // g1: known, 9.7 s after it was seen (within the look-back)
            s.add(10_100, "user:carol"); // g2: g0 was dropped, so new again after only 5.2 s
            s.add(14_900, "user:alice"); // g2: known through its refresh in g1
            s.add(19_000, "user:bob"); // g3: its last sighting (g1) was dropped: new again
            s.advanceTo(30_000);
            assertThat(s.active()).extracting(i -> i.endMillis - T0, i -> i.newIdentities).containsExactly(
                    tuple(1000L, 2),
                    tuple(5000L, 1),
                    tuple(6000L, 0),
                    tuple(10_000L, 0),
                    tuple(11_000L, 1),
                    tuple(15_000L, 0),
                    tuple(20_000L, 1));
        }

        @Test
        void silenceLongerThanTheLookBackForgetsEveryone() {
            Segment s = new Segment(small());
            s.add(100, "user:alice");
            s.add(60_100, "user:alice");
            s.advanceTo(70_000);
            assertThat(s.active()).extracting(i -> i.newIdentities).containsExactly(1, 1);
        }

        @Test
        void tooLateEventStillCountsAsASighting() {
            Segment s = new Segment(small());
            s.add(5000, "user:alice");
            assertThat(s.add(100, "user:bob")).as("interval [0, 1 s) closed before it was ever opened").isFalse();
            s.add(5100, "user:bob");
            s.advanceTo(10_000);
            assertThat(s.active()).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(interval(6000, 2, 2, 1, 0, 0));
            assertThat(s.state.lateEvents).isEqualTo(1);
        }
    }

    @Nested
    class Lateness {
        @Test
        void outOfOrderEventWithinTheLatenessCountsInItsOwnInterval() {
            Segment s = new Segment(small());
            s.add(1500, "user:alice");
            assertThat(s.add(500, "user:bob")).isTrue();
            s.add(1600, "user:carol", LOGIN, 200);
            s.add(700, "user:dave", 0, 404);
            s.advanceTo(4000);
            assertThat(s.closed).usingRecursiveFieldByFieldElementComparator().containsExactly(
                    interval(1000, 2, 2, 2, 0, 1),
                    interval(2000, 2, 2, 2, 1, 0));
            assertThat(s.state.lateEvents).isZero();
        }

        @Test
        void eventsCloseIntervalsAndTooLateOnesAreCountedApart() {
            Segment s = new Segment(small());
            s.add(500, "user:alice");
            s.add(1500, "user:alice");
            // Clock 4.1 s: intervals ending at or before 2.1 s close, [2 s, 3 s) stays open.
            s.add(4100, "user:bob");
            assertThat(s.ends()).containsExactly(1000L, 2000L);
            assertThat(s.add(1999, "user:carol")).as("its interval closed").isFalse();
            assertThat(s.add(2100, "user:carol")).as("exactly the lateness behind the clock").isTrue();
            assertThat(s.state.lateEvents).isEqualTo(1);
            s.advanceTo(7000);
            assertThat(s.closed).usingRecursiveFieldByFieldElementComparator().containsExactly(
                    interval(1000, 1, 1, 1, 0, 0),
                    interval(2000, 1, 1, 0, 0, 0),
                    interval(3000, 1, 1, 0, 0, 0), // carol was seen in her too-late event
                    interval(4000, 0, 0, 0, 0, 0),
                    interval(5000, 1, 1, 1, 0, 0));
        }

        @Test
        void watermarkBehindTheClockChangesNothing() {
            Segment s = new Segment(small());
            s.add(5500, "user:alice");
            assertThat(s.advanceTo(4000)).isEmpty();
            assertThat(s.add(3600, "user:bob")).as("3.6 s is within 2 s of the clock at 5.5 s").isTrue();
            assertThat(s.state.clockMillis).isEqualTo(T0 + 5500);
        }

        @Test
        void watermarkBeforeTheFirstEventMakesOlderEventsTooLate() {
            Segment s = new Segment(small());
            assertThat(s.advanceTo(10_000)).isEmpty();
            assertThat(s.add(7_000, "user:alice")).isFalse();
            assertThat(s.add(8_000, "user:alice")).isTrue();
            assertThat(s.advanceTo(11_000)).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(interval(9000, 1, 1, 0, 0, 0)); // seen in the too-late event
        }
    }

    @Nested
    class QuietIntervals {
        @Test
        void shortGapIsEmittedAsZeroIntervals() {
            Segment s = new Segment(small());
            s.add(500, "user:alice");
            s.add(3500, "user:alice");
            s.advanceTo(9000);
            assertThat(s.closed).usingRecursiveFieldByFieldElementComparator().containsExactly(
                    interval(1000, 1, 1, 1, 0, 0),
                    interval(2000, 0, 0, 0, 0, 0),
                    interval(3000, 0, 0, 0, 0, 0),
                    interval(4000, 1, 1, 0, 0, 0),
                    interval(5000, 0, 0, 0, 0, 0),
                    interval(6000, 0, 0, 0, 0, 0),
                    interval(7000, 0, 0, 0, 0, 0));
            assertThat(s.state.skippedIntervals).isEqualTo(0);
        }

        @Test
        void longGapEmitsTheBoundThenSkipsTheRestInOneStep() {
            Segment s = new Segment(small());
            s.add(500, "user:alice");
            s.advanceTo(50_000);
            assertThat(s.ends()).containsExactly(1000L, 2000L, 3000L, 4000L);
            assertThat(s.aggregator.nextDueMillis(s.state)).as("no timer while idle").isEqualTo(Long.MAX_VALUE);

            s.add(100_500, "user:alice");
            s.advanceTo(106_000);
            assertThat(s.ends()).containsExactly(1000L, 2000L, 3000L, 4000L, 101_000L, 102_000L, 103_000L, 104_000L);
            // Ends 2 s .. 100 s are empty: 99 intervals, 3 emitted, 96 skipped.
            assertThat(s.state.skippedIntervals).isEqualTo(96);
        }

        @Test
        void yearLongGapCostsNoMoreThanTheBound() {
            Segment s = new Segment(small());
            s.add(0, "user:alice");
            long year = 365L * 24 * 3600 * 1000;
            s.add(year, "user:alice");
            s.advanceTo(year + 3000);
            assertThat(s.closed).hasSize(1 + 3 + 1);
            assertThat(s.state.skippedIntervals).isEqualTo(year / 1000 - 1 - 3);
        }

        @Test
        void controllerReadsASkippedGapAsAGap() {
            Segment s = new Segment(small());
            s.add(500, "user:alice");
            s.add(100_500, "user:alice");
            s.advanceTo(110_000);
            SegmentThresholdController controller = new SegmentThresholdController(SegmentControllerConfig.defaults());
            SegmentState cs = new SegmentState();
            for (SegmentInterval in : s.closed) {
                controller.onInterval("asn:64500", cs, in);
            }
            assertThat(cs.learnedIntervals).as("the skipped part of the gap is not learned").isEqualTo(s.closed.size());
            assertThat(cs.lastIntervalEndMillis).isEqualTo(T0 + 104_000);
        }

        @Test
        void noZeroIntervalsBeforeTheFirstActiveOne() {
            Segment s = new Segment(small());
            s.advanceTo(0);
            s.add(5500, "user:alice");
            s.advanceTo(8000);
            assertThat(s.ends()).containsExactly(6000L);
        }

        @Test
        void endOfInputFlushesOpenIntervalsWithoutTrailingZeros() {
            Segment s = new Segment(small());
            s.add(500, "user:alice");
            s.add(2500, "user:bob");
            assertThat(s.closed).isEmpty();
            s.advanceTo(Long.MAX_VALUE - T0);
            assertThat(s.ends()).containsExactly(1000L, 2000L, 3000L);
            assertThat(s.aggregator.nextDueMillis(s.state)).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void nextDueIsWhenTheEarliestOpenIntervalCloses() {
            Segment s = new Segment(small());
            assertThat(s.aggregator.nextDueMillis(s.state)).isEqualTo(Long.MAX_VALUE);
            s.add(1500, "user:alice");
            s.add(2500, "user:alice");
            assertThat(s.aggregator.nextDueMillis(s.state)).isEqualTo(T0 + 2000 + 2000);
            s.advanceTo(4000);
            assertThat(s.aggregator.nextDueMillis(s.state)).isEqualTo(T0 + 3000 + 2000);
            s.advanceTo(5000);
            // Zero intervals to come: ends 4 s, 5 s, 6 s, each due 2 s after its end.
            assertThat(s.aggregator.nextDueMillis(s.state)).isEqualTo(T0 + 6000);
            s.advanceTo(8000);
            assertThat(s.ends()).containsExactly(2000L, 3000L, 4000L, 5000L, 6000L);
            assertThat(s.aggregator.nextDueMillis(s.state)).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Nested
    class Cleanup {
        @Test
        void stateIsDiscardableOnceTheLookBackForgotItsCallers() {
            Segment s = new Segment(small());
            s.add(500, "user:alice");
            // Seen in generation [0, 5 s): forgotten once generation [10 s, 15 s) begins; the last
            // zero interval (end 4 s) closed at 6 s.
            assertThat(s.aggregator.discardableAtMillis(s.state)).isEqualTo(Long.MAX_VALUE);
            s.advanceTo(3000);
            assertThat(s.aggregator.discardableAtMillis(s.state)).isEqualTo(T0 + 10_000);
            s.advanceTo(9_999);
            assertThat(s.aggregator.isDiscardable(s.state)).isFalse();
            s.advanceTo(10_000);
            assertThat(s.aggregator.isDiscardable(s.state)).isTrue();
        }

        @Test
        void discardedStateAndKeptStateEmitTheSameForLaterTraffic() {
            Segment kept = new Segment(small());
            kept.add(500, "user:alice");
            kept.advanceTo(20_000);
            assertThat(kept.aggregator.isDiscardable(kept.state)).isTrue();
            kept.closed.clear();
            Segment fresh = new Segment(small());
            for (Segment s : List.of(kept, fresh)) {
                s.add(30_500, "user:alice");
                s.add(30_600, "user:bob", LOGIN, 401);
                s.advanceTo(40_000);
            }
            assertThat(kept.closed).usingRecursiveFieldByFieldElementComparator().isEqualTo(fresh.closed);
        }
    }

    @Nested
    class BoundedMemory {
        @Test
        void millionDistinctCallersNeverGrowTheState() {
            Segment s = new Segment(SegmentIntervalAggregator.Config.builder());
            SegmentAggregationState before = s.state.copy();
            int total = 1_000_000;
            for (int i = 0; i < total; i++) {
                s.add(i / 10, "ip:" + i); // 10,000 callers per 1 s interval, 100 intervals
            }
            s.advanceTo(200_000);
            assertThat(s.state.slotIdentityBits).hasSameSizeAs(before.slotIdentityBits);
            assertThat(s.state.seenBits).hasSameSizeAs(before.seenBits);
            assertThat(s.state.slotStartMillis).hasSameSizeAs(before.slotStartMillis);
            assertThat(s.state.slotRequests).hasSameSizeAs(before.slotRequests);
            assertThat(s.state.slotNewIdentities).hasSameSizeAs(before.slotNewIdentities);
            // 2 × 8 KiB of look-back filter + 4 × 1 KiB of bitmaps, whatever came through.
            assertThat((s.state.seenBits.length + s.state.slotIdentityBits.length) * 8L).isEqualTo(20 * 1024);

            List<SegmentInterval> active = s.active();
            assertThat(active).hasSize(100).allSatisfy(i -> {
                assertThat(i.requests).isEqualTo(10_000);
                assertThat((double) i.distinctIdentities).isCloseTo(10_000, within(500.0));
                assertThat(i.newIdentities).isLessThanOrEqualTo(i.distinctIdentities);
            });
            // A saturating filter takes new callers for known ones: new identities are under-reported, never over.
            long newTotal = active.stream().mapToLong(i -> i.newIdentities).sum();
            assertThat(newTotal).isLessThan(total);
            assertThat(active.get(0).newIdentities).isGreaterThan(9500);
            assertThat(active.get(99).newIdentities).isLessThan(active.get(0).newIdentities / 10);
        }
    }

    @Nested
    class StateRoundTrip {
        @Test
        void stateIsAFlinkPojo() throws Exception {
            assertThat(SegmentAggregationState.class.getConstructor()).isNotNull();
            for (Field f : SegmentAggregationState.class.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                assertThat(f.getModifiers() & (Modifier.PUBLIC | Modifier.FINAL))
                        .as(f.getName() + " is public and not final").isEqualTo(Modifier.PUBLIC);
                assertThat(f.getType().isPrimitive() || f.getType() == long[].class || f.getType() == int[].class)
                        .as(f.getName() + " is a primitive or a primitive array").isTrue();
            }
        }

        @Test
        void stateCopiedFieldByFieldContinuesIdentically() throws Exception {
            Segment original = new Segment(small());
            original.add(100, "user:alice", LOGIN, 200);
            original.add(1200, "user:bob", 0, 404);
            original.add(2300, "user:carol", SIGNUP, 201);
            original.add(900, "user:dave"); // late but within the lateness
            original.advanceTo(3500);

            Segment restored = new Segment(small());
            restored.state = fieldByFieldCopy(original.state);
            assertThat(restored.state).usingRecursiveComparison().isEqualTo(original.state);

            for (Segment s : List.of(original, restored)) {
                s.closed.clear();
                s.add(3100, "user:alice");
                s.add(2600, "user:bob", LOGIN, 401);
                s.add(4200, "user:erin");
                s.add(6800, "user:dave");
                s.advanceTo(20_000);
            }
            assertThat(restored.closed).isNotEmpty();
            assertThat(restored.closed).usingRecursiveFieldByFieldElementComparator().isEqualTo(original.closed);
            assertThat(restored.state).usingRecursiveComparison().isEqualTo(original.state);
        }

        @Test
        void stateOfAnotherLayoutStartsAfreshButKeepsItsCounters() {
            Segment s = new Segment(small());
            s.add(5000, "user:alice");
            s.add(100, "user:bob");
            SegmentIntervalAggregator bigger = new SegmentIntervalAggregator(small().distinctBits(16_384).build());
            List<SegmentInterval> out = new ArrayList<>();
            bigger.add(s.state, event(5100, "user:alice"), out::add);
            bigger.advanceTo(s.state, T0 + 8000, out::add);
            assertThat(s.state.slotIdentityBits).hasSize(3 * 16_384 / 64);
            assertThat(s.state.lateEvents).isEqualTo(1);
            assertThat(out).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(interval(6000, 1, 1, 1, 0, 0));
        }

        private SegmentAggregationState fieldByFieldCopy(SegmentAggregationState s) throws IllegalAccessException {
            SegmentAggregationState copy = new SegmentAggregationState();
            for (Field f : SegmentAggregationState.class.getFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Object value = f.get(s);
                if (value instanceof long[] a) {
                    value = a.clone();
                } else if (value instanceof int[] a) {
                    value = a.clone();
                }
                f.set(copy, value);
            }
            return copy;
        }
    }

    @Nested
    class Configuration {
        @Test
        void defaultsAreOneSecondTenMinutesThreeSecondsAndARingOfFour() {
            SegmentIntervalAggregator.Config c = SegmentIntervalAggregator.Config.defaults();
            assertThat(c.intervalMillis).isEqualTo(1000);
            assertThat(c.lookbackMillis).isEqualTo(600_000);
            assertThat(c.allowedLatenessMillis).isEqualTo(3000);
            assertThat(c.openIntervals()).isEqualTo(4);
            assertThat(c.maxZeroIntervals).isEqualTo(120);
            assertThat(small().build().openIntervals()).isEqualTo(3);
            assertThat(small().allowedLatenessMillis(2500).build().openIntervals()).isEqualTo(4);
            assertThat(small().allowedLatenessMillis(0).build().openIntervals()).isEqualTo(1);
        }

        @Test
        void impossibleSettingsAreRejectedByName() {
            assertThatIllegalArgumentException().isThrownBy(() -> small().intervalMillis(0).build())
                    .withMessageContaining("segment-aggregation.interval-millis");
            assertThatIllegalArgumentException().isThrownBy(() -> small().lookbackMillis(1999).build())
                    .withMessageContaining("segment-aggregation.lookback-millis");
            assertThatIllegalArgumentException().isThrownBy(() -> small().allowedLatenessMillis(-1).build())
                    .withMessageContaining("segment-aggregation.allowed-lateness-millis");
            assertThatIllegalArgumentException().isThrownBy(() -> small().allowedLatenessMillis(64_000).build())
                    .withMessageContaining("more than 63 intervals");
            assertThatIllegalArgumentException().isThrownBy(() -> small().maxZeroIntervals(-1).build())
                    .withMessageContaining("segment-aggregation.max-zero-intervals");
            assertThatIllegalArgumentException().isThrownBy(() -> small().distinctBits(100).build())
                    .withMessageContaining("segment-aggregation.distinct-bits");
            assertThatIllegalArgumentException().isThrownBy(() -> small().lookbackFilterBits(0).build())
                    .withMessageContaining("segment-aggregation.lookback-filter-bits");
        }
    }

    static MeshEvent event(long offset, String identity) {
        MeshEvent e = new MeshEvent();
        e.identity = identity;
        e.timestampMillis = T0 + offset;
        e.responseCode = 200;
        return e;
    }
}
