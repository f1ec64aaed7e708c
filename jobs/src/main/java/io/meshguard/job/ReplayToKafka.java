package io.meshguard.job;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.meshguard.job.config.IoOptions;
import io.meshguard.job.config.RunnerOptions;
import io.meshguard.job.sources.TelemetrySources;
import io.meshguard.model.MeshEvent;
import io.meshguard.parse.DecodeResult;
import io.meshguard.parse.DecoderConfig;
import io.meshguard.parse.TelemetryDecoder;
import io.meshguard.sim.LabelsWriter;
import io.meshguard.sim.SimulationConfig;
import io.meshguard.sim.TrafficSimulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes telemetry into a Kafka topic for {@code --source kafka}: a JSON-lines file, or the traffic
 * simulator (paced in real time or as fast as possible). One record per line, the line as value and
 * the identity meshguard will key it by as record key, so one identity's requests share a partition
 * and stay in order; a line that does not decode gets no key. A plain Kafka producer, no Flink.
 *
 * <pre>java -cp jobs/target/meshguard-local.jar io.meshguard.job.ReplayToKafka \
 *     --bootstrap-servers localhost:9092 --topic meshguard-telemetry --source simulator --duration 300</pre>
 */
public final class ReplayToKafka {
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka brokers (host:port, comma-separated).");

    public static final ConfigOption<String> TOPIC = key("topic")
            .stringType().defaultValue("meshguard-telemetry")
            .withDescription("Topic the telemetry is written to.");

    public static final ConfigOption<String> START = key("start")
            .stringType().noDefaultValue()
            .withDescription("Simulator: event time of the first tick, an ISO instant or 'now' (default: the "
                    + "simulator's fixed start, so runs are reproducible).");

    public static final ConfigOption<String> LABELS = key("labels")
            .stringType().noDefaultValue()
            .withDescription("Simulator: also write the ground-truth labels to this file.");

    private static final long PROGRESS_EVERY = 100_000;

    private ReplayToKafka() {}

    /** What a replay wrote. */
    public record Result(long records, long withoutKey, Duration elapsed) {
        String describe(String topic) {
            return String.format(Locale.ROOT, "replay: %,d records (%,d without identity key) to %s in %.1f s",
                    records, withoutKey, topic, elapsed.toMillis() / 1000.0);
        }
    }

    public static void main(String[] args) throws Exception {
        Configuration config;
        try {
            config = LocalRunner.parseCommandLine(args, options());
            validate(config);
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println("usage: java -cp meshguard-local.jar io.meshguard.job.ReplayToKafka"
                    + " --bootstrap-servers <host:port> [--topic <name>] [--source simulator|file:<path>]"
                    + " [--seed <n>] [--duration <s>] [--rate <events/s>] [--paced true|false] [--start now|<instant>]"
                    + " [--labels <file>] [--kafka.client.<property> <value>] [--config <file>]");
            System.exit(2);
            return;
        }
        Result result = replay(config);
        System.out.println(result.describe(config.get(TOPIC)));
    }

    /** The options this command reads: its own, the simulator's and the Kafka client pass-through. */
    public static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> options = new ArrayList<>(List.of(BOOTSTRAP_SERVERS, TOPIC, START, LABELS,
                RunnerOptions.SOURCE, RunnerOptions.SEED, RunnerOptions.DURATION, RunnerOptions.RATE,
                RunnerOptions.PACED, RunnerOptions.IDENTITIES, RunnerOptions.SCENARIOS, IoOptions.KAFKA_CLIENT));
        return options;
    }

    /** Reports a missing or bad option, naming it, before anything is sent. */
    static void validate(Configuration config) {
        if (config.getOptional(BOOTSTRAP_SERVERS).map(String::isBlank).orElse(true)) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS.key() + " is required");
        }
        if (config.get(TOPIC).isBlank()) {
            throw new IllegalArgumentException(TOPIC.key() + " must not be empty");
        }
        String source = config.get(RunnerOptions.SOURCE);
        if (source.startsWith("file:")) {
            Path file = Path.of(source.substring("file:".length()));
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("source: cannot read telemetry file " + file);
            }
        } else if (source.equals("simulator")) {
            simulation(config);
        } else {
            throw new IllegalArgumentException("source: unknown source '" + source + "'; use simulator or file:<path>");
        }
    }

    /** Sends every line, waits until the broker acknowledged all of them, and fails if any was refused. */
    public static Result replay(Configuration config) throws IOException, InterruptedException {
        validate(config);
        long started = System.nanoTime();
        String topic = config.get(TOPIC);
        TelemetryDecoder decoder = new TelemetryDecoder(DecoderConfig.defaults());
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong withoutKey = new AtomicLong();
        long sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(config))) {
            LineConsumer send = line -> {
                String keyOf = identity(decoder, line);
                if (keyOf == null) {
                    withoutKey.incrementAndGet();
                }
                producer.send(new ProducerRecord<>(topic, keyOf, line), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            };
            String source = config.get(RunnerOptions.SOURCE);
            sent = source.equals("simulator")
                    ? replaySimulator(config, send, failure)
                    : replayFile(Path.of(source.substring("file:".length())), send, failure);
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IOException("Kafka refused records: " + failure.get().getMessage(), failure.get());
        }
        return new Result(sent, withoutKey.get(), Duration.ofNanos(System.nanoTime() - started));
    }

    private static long replaySimulator(Configuration config, LineConsumer send, AtomicReference<Exception> failure)
            throws IOException, InterruptedException {
        SimulationConfig simulation = simulation(config);
        TrafficSimulator simulator = new TrafficSimulator(simulation);
        if (config.getOptional(LABELS).isPresent()) {
            LabelsWriter.write(simulation, Path.of(config.get(LABELS)));
        }
        boolean paced = config.get(RunnerOptions.PACED);
        long startNanos = System.nanoTime();
        long[] sent = {0};
        List<String> lines = new ArrayList<>();
        for (long tick = 0; tick < simulator.tickCount() && failure.get() == null; tick++) {
            if (paced) {
                // Tick t leaves at t tick lengths after the start: traffic arrives as it was simulated.
                long dueNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(tick * simulation.tickMillis());
                long waitNanos = dueNanos - System.nanoTime();
                if (waitNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(waitNanos);
                }
            }
            lines.clear();
            simulator.generateTick(tick, lines::add);
            for (String line : lines) {
                send.accept(line);
                progress(++sent[0]);
            }
        }
        return sent[0];
    }

    private static long replayFile(Path file, LineConsumer send, AtomicReference<Exception> failure)
            throws IOException {
        long sent = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null && failure.get() == null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                send.accept(sent == 0 ? TelemetrySources.withoutByteOrderMark(line) : line);
                progress(++sent);
            }
        }
        return sent;
    }

    static SimulationConfig simulation(Configuration config) {
        SimulationConfig.Builder builder = LocalRunner.simulation(config).toBuilder();
        config.getOptional(START).ifPresent(start -> builder.startEpochMillis(startMillis(start)));
        return builder.build();
    }

    private static long startMillis(String text) {
        if (text.equalsIgnoreCase("now")) {
            // Whole seconds, as the simulator's ticks are.
            return System.currentTimeMillis() / 1000 * 1000;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(START.key() + ": '" + text + "' is neither 'now' nor an ISO instant", e);
        }
    }

    /** The identity meshguard will key the line by, or null when the line does not decode. */
    static String identity(TelemetryDecoder decoder, String line) {
        DecodeResult decoded = decoder.decode(line);
        MeshEvent event = decoded.isOk() ? decoded.event() : null;
        return event == null ? null : event.identity;
    }

    private static Properties producerProperties(Configuration config) {
        Properties p = new Properties();
        // As for the job: kafka.client.<property>, narrowed by consumer. / producer. (this is a producer).
        config.get(IoOptions.KAFKA_CLIENT).forEach((property, value) -> {
            if (property.startsWith("producer.")) {
                p.put(property.substring("producer.".length()), value);
            } else if (!property.startsWith("consumer.")) {
                p.putIfAbsent(property, value);
            }
        });
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP_SERVERS));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "meshguard-replay");
        return p;
    }

    private static void progress(long sent) {
        if (sent % PROGRESS_EVERY == 0) {
            System.out.printf(Locale.ROOT, "replay: %,d records sent%n", sent);
        }
    }

    @FunctionalInterface
    private interface LineConsumer {
        void accept(String line);
    }
}
