package io.meshguard.job.kafka;

import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.model.RawTelemetry;
import io.meshguard.parse.AccessLogParser;
import io.meshguard.parse.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Telemetry and control lines from Kafka. Each record becomes a {@link RawTelemetry} whose origin
 * names its offset ({@code kafka:<topic>/<partition>@<offset>}), so a dead letter points at the
 * record that caused it. The telemetry source reads {@code start_time} cheaply from the raw JSON and
 * generates <b>per-partition</b> watermarks: a lagging or idle partition neither makes the others'
 * records late nor stops event time.
 */
public final class KafkaTelemetrySource {
    public static final String SOURCE_UID = "kafka-telemetry-source";
    public static final String CONTROL_SOURCE_UID = "kafka-control-source";

    private KafkaTelemetrySource() {}

    /** The telemetry topics as a stream with per-partition event time. */
    public static SingleOutputStreamOperator<RawTelemetry> telemetry(StreamExecutionEnvironment env, KafkaIoConfig config) {
        return telemetry(env, config, telemetrySourceBuilder(config).build());
    }

    /** As {@link #telemetry(StreamExecutionEnvironment, KafkaIoConfig)} with a source built elsewhere (e.g. bounded). */
    public static SingleOutputStreamOperator<RawTelemetry> telemetry(
            StreamExecutionEnvironment env, KafkaIoConfig config, KafkaSource<RawTelemetry> source) {
        return env.fromSource(source, watermarks(config), "Kafka telemetry")
                .uid(SOURCE_UID)
                .name("Kafka telemetry");
    }

    /**
     * The telemetry source, configured but not built, so a caller can still bound it ({@code
     * setBounded(OffsetsInitializer.latest())} for a replay that ends).
     */
    public static KafkaSourceBuilder<RawTelemetry> telemetrySourceBuilder(KafkaIoConfig config) {
        KafkaSourceBuilder<RawTelemetry> builder = KafkaSource.<RawTelemetry>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setGroupId(config.groupId())
                .setClientIdPrefix(config.groupId() + "-telemetry")
                .setStartingOffsets(config.startingOffsetsInitializer())
                .setDeserializer(new RawTelemetryDeserializer(true))
                .setProperties(config.consumerProperties());
        if (config.telemetryTopicPattern() != null) {
            builder.setTopicPattern(config.telemetryTopicPattern());
        } else {
            builder.setTopics(config.telemetryTopics());
        }
        return builder;
    }

    /**
     * The control topic (policy documents and false-positive reports, one JSON document per
     * record). It is small and ordered, so one reader reads all of it; it is read from the earliest
     * offset when the job has no checkpoint, so a fresh job learns the policy in force. It carries
     * no watermarks: the workflow gives control its own never-holding-back event time.
     */
    public static SingleOutputStreamOperator<RawTelemetry> controlLines(StreamExecutionEnvironment env, KafkaIoConfig config) {
        if (!config.hasControlTopic()) {
            throw new IllegalStateException("no control topic configured (" + KafkaIoConfig.CONTROL_TOPIC + ")");
        }
        KafkaSource<RawTelemetry> source = KafkaSource.<RawTelemetry>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setGroupId(config.groupId())
                .setClientIdPrefix(config.groupId() + "-control")
                .setTopics(List.of(config.controlTopic()))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawTelemetryDeserializer(false))
                .setProperties(config.consumerProperties())
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka control")
                .setParallelism(1)
                .uid(CONTROL_SOURCE_UID)
                .name("Kafka control");
    }

    /**
     * Bounded out-of-orderness per partition, with idleness. The record's event time is its {@code
     * start_time}, or the Kafka record timestamp when it has none it could read; only a {@code
     * start_time} moves the watermark, so a malformed record (which the decoder dead-letters) with
     * a fresh Kafka timestamp cannot make a replay of old traffic late.
     */
    public static WatermarkStrategy<RawTelemetry> watermarks(KafkaIoConfig config) {
        Duration outOfOrderness = config.watermarkOutOfOrderness();
        return WatermarkStrategy.<RawTelemetry>forGenerator(context -> new StartTimeWatermarks(outOfOrderness))
                .withTimestampAssigner((raw, kafkaTimestamp) ->
                        raw.timestampMillis != RawTelemetry.NO_TIMESTAMP ? raw.timestampMillis : kafkaTimestamp)
                .withIdleness(config.watermarkIdleness());
    }

    /** Bounded out-of-orderness over the records that carried a readable {@code start_time}. */
    static final class StartTimeWatermarks extends BoundedOutOfOrdernessWatermarks<RawTelemetry> {
        StartTimeWatermarks(Duration outOfOrderness) {
            super(outOfOrderness);
        }

        @Override
        public void onEvent(RawTelemetry event, long eventTimestamp, WatermarkOutput output) {
            if (event.timestampMillis != RawTelemetry.NO_TIMESTAMP) {
                super.onEvent(event, eventTimestamp, output);
            }
        }
    }

    /**
     * Bytes to text (invalid UTF-8 replaced by U+FFFD, a missing value as an empty line for the
     * decoder to dead-letter), with the record's offset as origin and, for telemetry, its {@code
     * start_time}.
     */
    static final class RawTelemetryDeserializer implements KafkaRecordDeserializationSchema<RawTelemetry> {
        private static final long serialVersionUID = 1L;

        private final boolean readStartTime;

        RawTelemetryDeserializer(boolean readStartTime) {
            this.readStartTime = readStartTime;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawTelemetry> out) {
            byte[] value = record.value();
            // new String(...) replaces malformed input; the decoder then judges the text.
            String line = value == null ? "" : TelemetrySources.withoutByteOrderMark(
                    new String(value, StandardCharsets.UTF_8));
            long timestamp = readStartTime
                    ? StartTime.millis(line, System.currentTimeMillis() + AccessLogParser.DEFAULT_MAX_FUTURE_SKEW_MILLIS)
                    : RawTelemetry.NO_TIMESTAMP;
            out.collect(new RawTelemetry(line, origin(record.topic(), record.partition(), record.offset()), timestamp));
        }

        @Override
        public TypeInformation<RawTelemetry> getProducedType() {
            return TypeInformation.of(RawTelemetry.class);
        }
    }

    /** {@code kafka:<topic>/<partition>@<offset>}. */
    public static String origin(String topic, int partition, long offset) {
        return "kafka:" + topic + "/" + partition + "@" + offset;
    }

    /**
     * Finds the top-level {@code "start_time"} value of an access-log line without parsing the
     * line: the source needs event time before the decoder runs, and decoding twice would double
     * the cost of the hottest step. Accepts what the decoder accepts (epoch milliseconds as a
     * number or digit string, an ISO-8601 instant with offset) within the decoder's range; anything
     * else is {@link RawTelemetry#NO_TIMESTAMP}.
     */
    static final class StartTime {
        private static final String KEY = "\"start_time\"";

        private StartTime() {}

        static long millis(String line, long latestAcceptedMillis) {
            int at = line.indexOf(KEY);
            // A key, not the tail of an escaped string ("\"start_time\"") inside some other value.
            while (at > 0 && line.charAt(at - 1) == '\\') {
                at = line.indexOf(KEY, at + KEY.length());
            }
            if (at < 0) {
                return RawTelemetry.NO_TIMESTAMP;
            }
            int i = skipSpace(line, at + KEY.length());
            if (i >= line.length() || line.charAt(i) != ':') {
                return RawTelemetry.NO_TIMESTAMP;
            }
            i = skipSpace(line, i + 1);
            long millis;
            if (i < line.length() && line.charAt(i) == '"') {
                int end = line.indexOf('"', i + 1);
                if (end < 0 || line.lastIndexOf('\\', end) > i) {
                    return RawTelemetry.NO_TIMESTAMP;
                }
                millis = parse(line, i + 1, end);
            } else {
                int end = i;
                while (end < line.length() && isDigit(line.charAt(end))) {
                    end++;
                }
                millis = end > i ? digits(line, i, end) : RawTelemetry.NO_TIMESTAMP;
            }
            return millis >= AccessLogParser.EARLIEST_START_TIME_MILLIS && millis <= latestAcceptedMillis
                    ? millis
                    : RawTelemetry.NO_TIMESTAMP;
        }

        private static long parse(String line, int from, int to) {
            boolean allDigits = to > from;
            for (int i = from; i < to && allDigits; i++) {
                allDigits = isDigit(line.charAt(i));
            }
            if (allDigits) {
                return digits(line, from, to);
            }
            long millis = Timestamps.parseMillis(line, from, to);
            return millis == Timestamps.INVALID ? RawTelemetry.NO_TIMESTAMP : millis;
        }

        private static long digits(String line, int from, int to) {
            if (to - from > 15) {
                return RawTelemetry.NO_TIMESTAMP; // beyond year 33658: not a start time
            }
            long value = 0;
            for (int i = from; i < to; i++) {
                value = value * 10 + (line.charAt(i) - '0');
            }
            return value;
        }

        private static int skipSpace(String line, int i) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            return i;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
