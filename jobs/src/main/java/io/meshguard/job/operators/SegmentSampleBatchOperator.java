package io.meshguard.job.operators;

import io.meshguard.model.MeshEvent;
import io.meshguard.segment.SegmentBatch;
import io.meshguard.segment.SegmentBatcher;
import io.meshguard.segment.SegmentSample;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Pre-aggregates each subtask's requests per segment and interval ({@link SegmentBatcher}) before
 * the shuffle by segment, so the segment operator handles one batch per segment, interval and
 * flush instead of one record per request: the cost of a hot segment (one ASN carrying a flood)
 * no longer grows with its request rate, and RocksDB reads and writes the segment's ~22 KB state
 * once per batch.
 *
 * <p>Holds no state: everything buffered leaves before every watermark it forwards (so no batch is
 * late for the intervals that watermark closes), before every checkpoint barrier (so a checkpoint
 * never covers requests that are still here), at the end of input, when a batch reaches its
 * identity bound, and at the latest {@code maxDelay} after the first request buffered (so the
 * segment's clock keeps moving with its traffic even while the watermark is held back). A batch's
 * timestamp is its latest request's.
 */
public final class SegmentSampleBatchOperator extends AbstractStreamOperator<SegmentBatch>
        implements OneInputStreamOperator<MeshEvent, SegmentBatch> {
    private static final long serialVersionUID = 1L;

    private final long intervalMillis;
    private final long maxDelayMillis;
    private final int maxIdentities;

    private transient SegmentBatcher batcher;
    private transient boolean flushScheduled;
    private transient Counter batches;

    private SegmentSampleBatchOperator(long intervalMillis, long maxDelayMillis, int maxIdentities) {
        this.intervalMillis = intervalMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.maxIdentities = maxIdentities;
    }

    /**
     * The operator for {@code DataStream#transform}, which chains it to its input.
     *
     * @param intervalMillis the segment aggregation's interval
     * @param maxDelayMillis {@code segment.batch.max-delay}
     * @param maxIdentities {@code segment.batch.max-identities}
     */
    public static SegmentSampleBatchOperator create(long intervalMillis, long maxDelayMillis, int maxIdentities) {
        if (maxDelayMillis <= 0) {
            throw new IllegalArgumentException("batch delay must be positive, got " + maxDelayMillis);
        }
        new SegmentBatcher(intervalMillis, maxIdentities); // validates the rest
        return new SegmentSampleBatchOperator(intervalMillis, maxDelayMillis, maxIdentities);
    }

    @Override
    public void open() throws Exception {
        super.open();
        batcher = new SegmentBatcher(intervalMillis, maxIdentities);
        batches = getMetricGroup().addGroup("meshguard").counter("segmentBatches");
    }

    @Override
    public void processElement(StreamRecord<MeshEvent> element) {
        SegmentBatch full = batcher.add(SegmentSample.of(element.getValue()));
        if (full != null) {
            emit(full);
        }
        if (!flushScheduled && !batcher.isEmpty()) {
            flushScheduled = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMillis;
            getProcessingTimeService().registerTimer(at, time -> {
                flushScheduled = false;
                flush();
            });
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        batcher.drain(this::emit);
    }

    private void emit(SegmentBatch batch) {
        batches.inc();
        output.collect(new StreamRecord<>(batch, batch.latestMillis));
    }
}
