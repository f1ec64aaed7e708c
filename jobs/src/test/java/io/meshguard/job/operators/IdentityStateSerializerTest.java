package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.detect.IdentityState;
import io.meshguard.model.Action;
import io.meshguard.model.IdentityType;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link IdentityStateSerializer} in Flink's state backends: state written by a release that used
 * Flink's POJO serializer restores and migrates, and the new format restores as it is.
 */
class IdentityStateSerializerTest {
    private static final Duration TTL = Duration.ofHours(2);
    private static final List<String> KEYS = List.of("ip:203.0.113.7", "user:alice", "peer:spiffe://mesh/ns/a/sa/b");

    static List<StateBackend> backends() {
        return List.of(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stateWrittenWithThePojoSerializerRestoresAndMigrates(StateBackend backend) throws Exception {
        TypeSerializer<IdentityState> pojo =
                TypeInformation.of(IdentityState.class).createSerializer(new SerializerConfigImpl());
        assertThat(pojo.getClass().getSimpleName()).isEqualTo("PojoSerializer");

        OperatorSubtaskState written = write(pojo, backend);
        assertThat(read(written, IdentityStateSerializer.INSTANCE, backend)).containsExactlyElementsOf(expected());

        // and what the new serializer wrote in turn restores as it is
        OperatorSubtaskState rewritten = write(IdentityStateSerializer.INSTANCE, backend);
        assertThat(read(rewritten, IdentityStateSerializer.INSTANCE, backend)).containsExactlyElementsOf(expected());
    }

    private static List<String> expected() {
        return KEYS.stream().map(k -> describe(state(k))).toList();
    }

    /** A state with something in every part: features, baseline, action, ring, segment. */
    private static IdentityState state(String key) {
        IdentityState s = new IdentityState();
        s.features.shortCount = key.length();
        s.features.pathSketches[3] = key.hashCode();
        s.baseline.stats[1] = 0.5f * key.length();
        s.baseline.samples = 7;
        s.action = Action.RATE_LIMIT;
        s.limitRps = 2.5;
        s.version = 1_700_000_000_000L + key.length();
        s.intervalSlots = new int[] {1, 2, 3, 4, 5, 6, 7};
        s.intervalIdentityType = IdentityType.IP;
        s.intervalSegment = "asn:" + key.length();
        s.scanStartMillis = 42;
        return s;
    }

    private static String describe(IdentityState s) {
        return s.features.shortCount + "/" + s.features.pathSketches[3] + "/" + s.baseline.stats[1] + "/"
                + s.baseline.samples + "/" + s.action + "/" + s.limitRps + "/" + s.version + "/"
                + java.util.Arrays.toString(s.intervalSlots) + "/" + s.intervalIdentityType + "/" + s.intervalSegment
                + "/" + s.scanStartMillis;
    }

    private static OperatorSubtaskState write(TypeSerializer<IdentityState> serializer, StateBackend backend)
            throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, String> harness =
                harness(new Writer(serializer), backend)) {
            harness.open();
            for (String key : KEYS) {
                harness.processElement(key, 1);
            }
            return harness.snapshot(1, 1);
        }
    }

    private static List<String> read(OperatorSubtaskState snapshot, TypeSerializer<IdentityState> serializer,
            StateBackend backend) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, String> harness =
                harness(new Reader(serializer), backend)) {
            harness.initializeState(snapshot);
            harness.open();
            for (String key : KEYS) {
                harness.processElement(key, 2);
            }
            return harness.extractOutputValues();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            KeyedProcessFunction<String, String, String> function, StateBackend backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, String, String> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), k -> k, Types.STRING);
        harness.setStateBackend(backend);
        return harness;
    }

    /** Writes each key's state under the detector's descriptor (name, TTL) with the given serializer. */
    private static final class Writer extends KeyedProcessFunction<String, String, String> {
        private final TypeSerializer<IdentityState> serializer;
        private transient ValueState<IdentityState> state;

        Writer(TypeSerializer<IdentityState> serializer) {
            this.serializer = serializer;
        }

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(IdentityDetectorFunction.stateDescriptor(serializer, TTL));
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            state.update(state(key));
        }
    }

    /** Reads each key's state back as the detector would. */
    private static final class Reader extends KeyedProcessFunction<String, String, String> {
        private final TypeSerializer<IdentityState> serializer;
        private transient ValueState<IdentityState> state;

        Reader(TypeSerializer<IdentityState> serializer) {
            this.serializer = serializer;
        }

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(IdentityDetectorFunction.stateDescriptor(serializer, TTL));
        }

        @Override
        public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
            IdentityState s = state.value();
            out.collect(s == null ? "missing " + key : describe(s));
        }
    }
}
