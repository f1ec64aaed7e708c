package io.meshguard.job.cep;

import static io.meshguard.job.cep.Summaries.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternConfig;
import io.meshguard.cep.PatternMatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.sharedbuffer.EventId;
import org.apache.flink.cep.nfa.sharedbuffer.Lockable;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CEP operators exactly as {@link PatternDetection} wires them, in a keyed harness: one
 * identity sends 10,000 summaries that keep partial matches alive (and never complete them, or
 * complete them over and over), and the operator's state must not grow with the number of
 * summaries. Once the identity goes idle past the pattern's window, its partial matches, buffered
 * events and timers must be gone.
 */
class PatternStateBoundHarnessTest {
    private static final String KEY = "ip:198.51.100.23";
    private static final String SEGMENT = "asn:64500";
    private static final int INTERVALS = 10_000;
    /** A multiple of every scenario's period (3, 6, 11 and 20 intervals): samples see the same phase. */
    private static final int SAMPLE_EVERY = 660;
    private static final PatternConfig CONFIG = PatternConfig.defaults();

    // State names inside flink-cep 2.2.1's CepOperator and SharedBuffer (private constants there).
    private static final String NFA_STATE = "nfaStateName";
    private static final String SHARED_BUFFER_EVENTS = "sharedBuffer-events";

    private KeyedOneInputStreamOperatorTestHarness<String, IntervalSummary, PatternMatch> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** The operator factory {@link PatternDetection#detect} builds for one pattern (the job is never run). */
    static StreamOperatorFactory<PatternMatch> operatorFactory(String pattern, PatternConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KeyedStream<IntervalSummary, String> byIdentity = env
                .fromData(List.of(new IntervalSummary()), TypeInformation.of(IntervalSummary.class))
                .keyBy(new PatternDetection.ByIdentity());
        SingleOutputStreamOperator<PatternMatch> cep = PatternDetection.detect(byIdentity, pattern, config);
        return ((OneInputTransformation<?, PatternMatch>) cep.getTransformation()).getOperatorFactory();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, IntervalSummary, PatternMatch> newHarness(
            String pattern, PatternConfig config) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, IntervalSummary, PatternMatch> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operatorFactory(pattern, config), new PatternDetection.ByIdentity(), Types.STRING);
        h.open();
        return h;
    }

    /** One summary per interval, then the watermark at its start, as the identity operator closes intervals. */
    private void feed(IntervalSummary s) throws Exception {
        harness.processElement(s, s.intervalStartMillis);
        harness.processWatermark(s.intervalStartMillis);
    }

    /** Partial matches the key's NFA holds, not counting the one waiting at the start state. */
    private int partialMatches() throws Exception {
        ValueState<NFAState> nfa = keyedState().getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, new ValueStateDescriptor<>(NFA_STATE, new NFAStateSerializer()));
        NFAState state = nfa.value();
        return state == null ? 0 : state.getPartialMatches().size() - 1;
    }

    /** Events the key's shared buffer keeps for its partial matches. */
    private int bufferedEvents() throws Exception {
        MapState<EventId, Lockable<IntervalSummary>> events = keyedState().getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new MapStateDescriptor<>(SHARED_BUFFER_EVENTS, EventId.EventIdSerializer.INSTANCE,
                        new Lockable.LockableTypeSerializer<>(TypeInformation.of(IntervalSummary.class)
                                .createSerializer(new SerializerConfigImpl()))));
        int n = 0;
        for (EventId ignored : events.keys()) {
            n++;
        }
        return n;
    }

    private KeyedStateBackend<String> keyedState() {
        harness.getOperator().setCurrentKey(KEY);
        return harness.getOperator().getKeyedStateBackend();
    }

    private long snapshotBytes(long checkpointId) throws Exception {
        return harness.snapshot(checkpointId, checkpointId).getManagedKeyedState().getStateSize();
    }

    /**
     * A long stream for one identity, the window after which it is idle, and what it may keep in
     * flight: partial matches (besides the one waiting at the start state) and keyed-state bytes
     * above those of an operator without keys.
     */
    record Scenario(String name, String pattern, IntFunction<IntervalSummary> second, Duration within,
            int maxPartialMatches, long maxStateBytes, boolean matches) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                // Crawls a new path every second, all answered 200: no scan run starts without a
                // failure, so a crawler keeps nothing.
                new Scenario("a crawler whose new paths all succeed opens no scan run", PatternMatch.SCAN,
                        i -> Summaries.probe(KEY, SEGMENT, i, 1, 1, 0), CONFIG.scanWithin, 0, 0, false),
                // One failed new path per second among nine successes: every summary opens a scan
                // run and joins every open one, and none ever reaches the 60 % failure share. The
                // worst case of a cumulative pattern: 60 runs, and the shared buffer keeps an edge
                // per run and summary, so its bytes grow with the square of the window's summaries.
                new Scenario("a prober hiding failures among successes keeps 60 scan runs open", PatternMatch.SCAN,
                        i -> Summaries.probe(KEY, SEGMENT, i, 10, 1, 1), CONFIG.scanWithin, 60, 256 * 1024, false),
                // Two over-limit seconds per 10 s window, never three.
                new Scenario("over the limit every 6 s never completes a burst", PatternMatch.BURST,
                        i -> Summaries.interval(KEY, SEGMENT, i, i % 6 == 0 ? 25 : 4), CONFIG.burstWithin, 2, 2048,
                        false),
                // Three hits per 30 s window, never four.
                new Scenario("a dotfile every 11 s never completes sensitive probing", PatternMatch.SENSITIVE_PROBE,
                        i -> i % 11 == 0 ? Summaries.dotfiles(KEY, SEGMENT, i, 1) : Summaries.interval(KEY, SEGMENT, i, 3),
                        CONFIG.sensitiveWithin, 3, 2048, false),
                new Scenario("a flood completes a burst every third second", PatternMatch.BURST,
                        i -> Summaries.interval(KEY, SEGMENT, i, 50), CONFIG.burstWithin, 2, 2048, true),
                new Scenario("a scanner completes a scan every twentieth second", PatternMatch.SCAN,
                        i -> Summaries.probe(KEY, SEGMENT, i, 1, 1, 1), CONFIG.scanWithin, 19, 4096, true),
                new Scenario("a flood spikes every second", PatternMatch.SPIKE,
                        i -> Summaries.interval(KEY, SEGMENT, i, 500), Duration.ofSeconds(1), 0, 1024, true))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void stateStaysBoundedOverTenThousandIntervalsAndIsClearedOnceIdle(Scenario scenario) throws Exception {
        harness = newHarness(scenario.pattern(), CONFIG);
        long emptyBytes = snapshotBytes(0);
        List<Long> sampledBytes = new ArrayList<>();
        int maxPartialMatches = 0;
        int maxBufferedEvents = 0;

        for (int i = 0; i < INTERVALS; i++) {
            feed(scenario.second().apply(i));
            maxPartialMatches = Math.max(maxPartialMatches, partialMatches());
            maxBufferedEvents = Math.max(maxBufferedEvents, bufferedEvents());
            if ((i + 1) % SAMPLE_EVERY == 0) {
                sampledBytes.add(snapshotBytes(i + 1) - emptyBytes);
            }
        }

        assertThat(maxPartialMatches).as("partial matches of the identity").isEqualTo(scenario.maxPartialMatches());
        assertThat(maxBufferedEvents).as("summaries buffered for them").isLessThanOrEqualTo(scenario.maxPartialMatches());
        assertThat(sampledBytes)
                .as("keyed state bytes every %d intervals: the same after 9,900 as after the first %d",
                        SAMPLE_EVERY, SAMPLE_EVERY)
                .containsOnly(sampledBytes.get(0));
        assertThat(sampledBytes.get(0)).isBetween(0L, scenario.maxStateBytes());
        assertThat(harness.extractOutputValues().isEmpty()).as("no match").isEqualTo(!scenario.matches());
        int matches = harness.extractOutputValues().size();

        long lastStart = T0 + (INTERVALS - 1) * 1000L;
        harness.processWatermark(lastStart + scenario.within().toMillis());

        assertThat(partialMatches()).isZero();
        assertThat(bufferedEvents()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries once idle").isZero();
        assertThat(snapshotBytes(INTERVALS + 1)).isEqualTo(emptyBytes);
        assertThat(harness.extractOutputValues()).as("going idle completes nothing").hasSize(matches);
    }

    @Test
    void aFloodMatchesABurstEveryThirdIntervalWithEvidence() throws Exception {
        harness = newHarness(PatternMatch.BURST, CONFIG);
        for (int i = 0; i < 9; i++) {
            feed(Summaries.interval(KEY, SEGMENT, i, 50));
        }

        List<PatternMatch> out = harness.extractOutputValues();
        assertThat(out).extracting(m -> m.firstIntervalMillis).containsExactly(T0, T0 + 3_000, T0 + 6_000);
        assertThat(out.get(0).evidence).containsExactly(
                "3 intervals over the rate limit in 3 s (burst: 3 within 10 s)",
                "interval 12:00:00 50 req vs limit 10.0 req/s",
                "interval 12:00:01 50 req vs limit 10.0 req/s",
                "interval 12:00:02 50 req vs limit 10.0 req/s");
    }

    @Test
    void overLimitIntervalsFurtherApartThanTheWindowAreNoBurst() throws Exception {
        harness = newHarness(PatternMatch.BURST, CONFIG);
        // 0, 5 and 10 s: the first and last are 10 s apart, not within 10 s.
        for (int second : new int[] {0, 5, 10}) {
            feed(Summaries.interval(KEY, SEGMENT, second, 25));
        }
        assertThat(harness.extractOutputValues()).isEmpty();

        feed(Summaries.interval(KEY, SEGMENT, 11, 25));
        assertThat(harness.extractOutputValues()).singleElement()
                .satisfies(m -> assertThat(m.firstIntervalMillis).isEqualTo(T0 + 5_000));
    }

    @Test
    void aPartialBurstSurvivesSnapshotAndRestore() throws Exception {
        harness = newHarness(PatternMatch.BURST, CONFIG);
        feed(Summaries.interval(KEY, SEGMENT, 0, 30));
        feed(Summaries.interval(KEY, SEGMENT, 2, 30));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                operatorFactory(PatternMatch.BURST, CONFIG), new PatternDetection.ByIdentity(), Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        assertThat(partialMatches()).isEqualTo(2);
        feed(Summaries.interval(KEY, SEGMENT, 4, 30));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(m -> {
            assertThat(m.firstIntervalMillis).isEqualTo(T0);
            assertThat(m.lastIntervalMillis).isEqualTo(T0 + 4_000);
        });
    }
}
