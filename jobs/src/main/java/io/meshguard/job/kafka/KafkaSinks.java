package io.meshguard.job.kafka;

import io.meshguard.json.DeadLetterJson;
import io.meshguard.model.DeadLetter;
import io.meshguard.store.EnforcementJson;
import io.meshguard.store.EnforcementRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka outputs: enforcement entries to a compacted topic, audit lines, dead letters. With
 * checkpointing on and {@code exactly-once} configured, each sink writes in Kafka transactions
 * committed with the checkpoint (consumers must read with {@code isolation.level=read_committed});
 * otherwise at-least-once, which the per-key versions make safe for enforcers.
 *
 * <p>Records of one key must reach the sink from one subtask in order: attach the sinks directly
 * behind the keyed operators (forward edges), never behind a rebalance.
 */
public final class KafkaSinks {
    public static final String ENFORCEMENT_UID = "kafka-enforcement-sink";
    public static final String AUDIT_UID = "kafka-audit-sink";
    public static final String DEAD_LETTER_UID = "kafka-dead-letter-sink";

    /** Header on enforcement records: the entry's version as decimal text. */
    public static final String VERSION_HEADER = "version";
    /** Header on enforcement records: {@code identity} or {@code segment}, also for tombstones. */
    public static final String KIND_HEADER = "kind";

    /**
     * Kafka brokers refuse transactions longer than {@code transaction.max.timeout.ms} (15 min by
     * default), and the connector's default (1 h) exceeds it; 15 min still outlives any sane
     * checkpoint interval plus a restart.
     */
    static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private KafkaSinks() {}

    /** Compacted enforcement topic; checkpointing is read from the stream's environment, so enable it first. */
    public static DataStreamSink<EnforcementRecord> sinkEnforcement(
            DataStream<EnforcementRecord> records, KafkaIoConfig config) {
        return records.sinkTo(enforcement(config, checkpointing(records)))
                .uid(ENFORCEMENT_UID)
                .name("Kafka enforcement");
    }

    public static DataStreamSink<String> sinkAudit(DataStream<String> auditLines, KafkaIoConfig config) {
        return auditLines.sinkTo(audit(config, checkpointing(auditLines)))
                .uid(AUDIT_UID)
                .name("Kafka audit");
    }

    public static DataStreamSink<DeadLetter> sinkDeadLetters(DataStream<DeadLetter> deadLetters, KafkaIoConfig config) {
        return deadLetters.sinkTo(deadLetters(config, checkpointing(deadLetters)))
                .uid(DEAD_LETTER_UID)
                .name("Kafka dead letters");
    }

    /**
     * Key {@code identity:<escaped>} / {@code segment:<escaped>}; value the entry's JSON, or a
     * tombstone (null) when an identity is released, so compaction drops it; record timestamp the
     * decision's event time; headers {@value #VERSION_HEADER} and {@value #KIND_HEADER}.
     */
    public static KafkaSink<EnforcementRecord> enforcement(KafkaIoConfig config, boolean checkpointing) {
        return build(config, checkpointing, "enforcement", new EnforcementSerializer(config.enforcementTopic()));
    }

    /** Audit JSON lines as values, without a key (the lines are not compacted). */
    public static KafkaSink<String> audit(KafkaIoConfig config, boolean checkpointing) {
        return build(config, checkpointing, "audit", new AuditSerializer(config.auditTopic()));
    }

    /** {@link DeadLetterJson} lines (raw text, reason, origin), keyed by the origin. */
    public static KafkaSink<DeadLetter> deadLetters(KafkaIoConfig config, boolean checkpointing) {
        return build(config, checkpointing, "dead-letters", new DeadLetterSerializer(config.deadLetterTopic()));
    }

    /** Transactions need checkpoints to commit on: without them exactly-once becomes at-least-once. */
    public static DeliveryGuarantee effectiveGuarantee(KafkaIoConfig config, boolean checkpointing) {
        DeliveryGuarantee configured = config.deliveryGuarantee();
        return configured == DeliveryGuarantee.EXACTLY_ONCE && !checkpointing
                ? DeliveryGuarantee.AT_LEAST_ONCE
                : configured;
    }

    private static <T> KafkaSink<T> build(KafkaIoConfig config, boolean checkpointing, String name,
            KafkaRecordSerializationSchema<T> serializer) {
        DeliveryGuarantee guarantee = effectiveGuarantee(config, checkpointing);
        Properties producer = config.producerProperties();
        producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                String.valueOf(DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(guarantee)
                // One prefix per sink: two sinks sharing one would abort each other's transactions.
                .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + name)
                .setRecordSerializer(serializer)
                .build();
    }

    private static boolean checkpointing(DataStream<?> stream) {
        return stream.getExecutionEnvironment().getCheckpointConfig().isCheckpointingEnabled();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final class EnforcementSerializer implements KafkaRecordSerializationSchema<EnforcementRecord> {
        private static final long serialVersionUID = 1L;
        private static final byte[] IDENTITY = utf8("identity");
        private static final byte[] SEGMENT = utf8("segment");

        private final String topic;

        EnforcementSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                EnforcementRecord r, KafkaSinkContext context, Long elementTimestamp) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(VERSION_HEADER, utf8(Long.toString(r.version)));
            headers.add(KIND_HEADER, r.kind == EnforcementRecord.Kind.SEGMENT ? SEGMENT : IDENTITY);
            byte[] value = r.isRelease() ? null : utf8(EnforcementJson.value(r));
            Long timestamp = notInTheFuture(r.timestampMillis > 0 ? r.timestampMillis : elementTimestamp);
            return new ProducerRecord<>(topic, null, timestamp, utf8(r.key), value, headers);
        }
    }

    static final class AuditSerializer implements KafkaRecordSerializationSchema<String> {
        private static final long serialVersionUID = 1L;

        private final String topic;

        AuditSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(String line, KafkaSinkContext context, Long elementTimestamp) {
            return new ProducerRecord<>(topic, null, notInTheFuture(elementTimestamp), null, utf8(line));
        }
    }

    static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final DeadLetterJson json = new DeadLetterJson();

        DeadLetterSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long elementTimestamp) {
            byte[] key = d.origin == null ? null : utf8(d.origin);
            // Rejection time (wall clock): a dead letter's event time may be missing or absurd.
            return new ProducerRecord<>(topic, null, positiveOrNull(d.rejectedAtMillis), key, utf8(json.line(d)));
        }
    }

    /**
     * Event time, but never ahead of the wall clock: brokers reject records stamped more than
     * {@code log.message.timestamp.after.max.ms} (1 h by default since Kafka 4.0) ahead, and the
     * decoder admits start times up to a day ahead; one skewed client must not fail the sink. The
     * value's {@code ts} keeps the exact event time.
     */
    private static Long notInTheFuture(Long millis) {
        Long positive = positiveOrNull(millis);
        return positive == null ? null : Math.min(positive, System.currentTimeMillis());
    }

    private static Long positiveOrNull(Long millis) {
        return millis == null || millis <= 0 ? null : millis;
    }
}
