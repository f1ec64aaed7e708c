package io.meshguard.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SegmentSampleBatchOperator}: when batches leave, and in which order with watermarks. */
class SegmentSampleBatchOperatorHarnessTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MAX_DELAY = 200;

    private OneInputStreamOperatorTestHarness<MeshEvent, SegmentBatch> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(3);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static OneInputStreamOperatorTestHarness<MeshEvent, SegmentBatch> harness(int maxIdentities)
            throws Exception {
        OneInputStreamOperatorTestHarness<MeshEvent, SegmentBatch> h = new OneInputStreamOperatorTestHarness<>(
                SegmentSampleBatchOperator.create(1_000, MAX_DELAY, maxIdentities),
                TypeInformation.of(MeshEvent.class).createSerializer(new SerializerConfigImpl()));
        h.setProcessingTime(0);
        h.open();
        return h;
    }

    private void request(String segment, long offset, String identity) throws Exception {
        MeshEvent e = new MeshEvent();
        e.segment = segment;
        e.identity = identity;
        e.timestampMillis = T0 + offset;
        e.responseCode = 200;
        harness.processElement(e, e.timestampMillis);
    }

    /** Batches as "segment@second:requests", watermarks as "wm@second", in output order. */
    private List<String> output() {
        List<String> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof SegmentBatch b) {
                out.add(b.segment + "@" + (b.intervalStartMillis - T0) / 1000 + ":" + b.requests);
                assertThat(r.getTimestamp()).as("stamped with its latest request").isEqualTo(b.latestMillis);
            } else if (o instanceof Watermark w) {
                out.add("wm@" + (w.getTimestamp() - T0) / 1000);
            }
        }
        return out;
    }

    @Test
    void requestsLeaveAsOneBatchPerSegmentAndIntervalBeforeTheWatermark() throws Exception {
        request("asn:1", 100, "ip:a");
        request("asn:1", 200, "ip:b");
        request("asn:2", 300, "ip:a");
        request("asn:1", 1_100, "ip:a");
        assertThat(output()).isEmpty();

        harness.processWatermark(T0 + 1_000);

        assertThat(output()).containsExactly("asn:1@0:2", "asn:2@0:1", "asn:1@1:1", "wm@1");
    }

    @Test
    void aCheckpointBarrierTakesEverythingBufferedAlong() throws Exception {
        request("asn:1", 100, "ip:a");
        harness.prepareSnapshotPreBarrier(1);
        assertThat(output()).containsExactly("asn:1@0:1");
    }

    @Test
    void aHeldBackWatermarkDelaysABatchByAtMostTheMaxDelay() throws Exception {
        request("asn:1", 100, "ip:a");
        harness.setProcessingTime(MAX_DELAY - 1);
        request("asn:1", 150, "ip:b");
        assertThat(output()).isEmpty();

        harness.setProcessingTime(MAX_DELAY);
        assertThat(output()).containsExactly("asn:1@0:2");

        // the next request starts the clock again
        request("asn:1", 300, "ip:c");
        harness.setProcessingTime(2 * MAX_DELAY - 1);
        assertThat(output()).hasSize(1);
        harness.setProcessingTime(3 * MAX_DELAY);
        assertThat(output()).containsExactly("asn:1@0:2", "asn:1@0:1");
    }

    @Test
    void aBatchReachingItsIdentityBoundLeavesAtOnce() throws Exception {
        request("asn:1", 100, "ip:a");
        request("asn:1", 110, "ip:a");
        request("asn:1", 120, "ip:b");
        assertThat(output()).isEmpty();
        request("asn:1", 130, "ip:c");
        assertThat(output()).containsExactly("asn:1@0:4");
    }

    @Test
    void theEndOfInputFlushes() throws Exception {
        request("asn:1", 100, null);
        harness.getOneInputOperator().finish();
        assertThat(output()).containsExactly("asn:1@0:1");
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> SegmentSampleBatchOperator.create(1_000, 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SegmentSampleBatchOperator.create(1_000, 100, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
