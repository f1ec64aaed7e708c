package io.meshguard.job.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.meshguard.job.MeshGuardWorkflow;
import io.meshguard.job.config.MeshGuardConfig;
import io.meshguard.job.config.MeshGuardOptions;
import io.meshguard.job.kafka.KafkaIoConfig;
import io.meshguard.job.kafka.KafkaTelemetrySource;
import io.meshguard.job.services.KafkaBrokerExtension;
import io.meshguard.job.services.RedisServerExtension;
import io.meshguard.job.sinks.redis.RedisEnforcementSink;
import io.meshguard.job.sinks.redis.RedisStoreConfig;
import io.meshguard.model.Action;
import io.meshguard.store.EnforcementKeys;
import io.meshguard.store.EnforcementRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Decision latency through the production path, and the Redis sink's throughput, against a real
 * Kafka broker and redis-server that it starts itself (the integration tests' extensions, used
 * programmatically).
 *
 * <p><b>Latency.</b> Background telemetry is produced to Kafka at {@code --rate} events/s (default
 * 50,000) over 100,000 identities for {@code --seconds}; every 0.5 s a fresh identity sends a short
 * burst of path probes with a tool user agent, which the per-request detector acts on within its
 * first requests. Each probe request has its own start time, so the decision's {@code ts} names the
 * request that crossed the threshold. Latency is measured from that request's Kafka append (the
 * topic uses {@code LogAppendTime}; the producer's acknowledgement carries it) to the moment a
 * subscriber receives the sink's {@code mg:updates} notification for the key, which Redis publishes
 * after the write in the same script. Both clocks are this host's. The load starts once the job
 * decides end to end (a priming probe's decision is notified), so deploying the job is not
 * measured; decisions in the first {@code --warmup-seconds} (a cold JVM, and every background
 * identity new to the detector) are reported apart from the steady state after them.
 *
 * <p><b>Throughput.</b> A bounded job writes {@code --sink-records} enforcement records over 50,000
 * keys straight into the sink: decisions/s the sink sustains.
 *
 * <p>Set for latency: {@code execution.buffer-timeout.interval} 10 ms (a network buffer leaves
 * when full or after 10 ms, not after the 100 ms default), watermark out-of-orderness 200 ms, sink
 * buffer time 10 ms; checkpoints every {@code --checkpoint-interval} seconds (10, as in flink-conf;
 * the Redis path does not wait for them), each a full snapshot of the heap state backend, and
 * aligned as in flink-conf ({@code --unaligned true} to compare).
 */
public final class RedisSinkLatencyBenchmark {
    private static final String PROBE_PREFIX = "198.18.";
    private static final String BROWSER_UA =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    private static final String[] PAGES = {"/api/v1/catalog/items", "/api/v1/catalog/items/42", "/api/v1/cart",
        "/api/v1/orders", "/static/app.js", "/static/app.css", "/api/v1/search", "/api/v1/profile",
        "/api/v1/recommendations", "/images/logo.png"};
    private static final String[] PROBES = {"/.env", "/.git/config", "/wp-admin/setup.php", "/backup.sql",
        "/admin/config.php", "/phpmyadmin/index.php", "/server-status", "/.aws/credentials", "/config.json",
        "/debug/pprof", "/actuator/env", "/.svn/entries"};
    private static final int PROBE_REQUESTS = 40;

    private RedisSinkLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rate = 50_000;
        int seconds = 90;
        int warmupSeconds = 30;
        long sinkRecords = 500_000;
        int parallelism = 2;
        boolean ownSegments = true;
        int checkpointSeconds = 10;
        boolean unaligned = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[i + 1]);
                case "--sink-records" -> sinkRecords = Long.parseLong(args[i + 1]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[i + 1]);
                case "--checkpoint-interval" -> checkpointSeconds = Integer.parseInt(args[i + 1]);
                case "--unaligned" -> unaligned = Boolean.parseBoolean(args[i + 1]);
                // own: each probe in an ASN of its own; shared: in the background's eight ASNs, where
                // the accumulating quarantines soon trip the segment's blast-radius guard.
                case "--probe-segments" -> ownSegments = switch (args[i + 1]) {
                    case "own" -> true;
                    case "shared" -> false;
                    default -> throw new IllegalArgumentException("--probe-segments own|shared");
                };
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, max heap %d MiB, load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, loadAverage());

        RedisServerExtension redis = new RedisServerExtension();
        KafkaBrokerExtension kafka = new KafkaBrokerExtension();
        try {
            // Neither extension reads its context when the service is present.
            redis.beforeAll(null);
            kafka.beforeAll(null);
            latency(kafka, redis, rate, seconds, warmupSeconds, parallelism, ownSegments, checkpointSeconds,
                    unaligned);
            throughput(redis, sinkRecords, parallelism);
        } finally {
            kafka.afterAll(null);
            redis.afterAll(null);
        }
        System.exit(0);
    }

    // ---- latency --------------------------------------------------------------------------------

    private static void latency(KafkaBrokerExtension kafka, RedisServerExtension redis, int rate, int seconds,
            int warmupSeconds, int parallelism, boolean ownSegments, int checkpointSeconds, boolean unaligned)
            throws Exception {
        KafkaIoConfig io = topics(kafka);
        RedisStoreConfig store = RedisStoreConfig.builder().uri(redis.uri()).maxTimeInBuffer(Duration.ofMillis(10))
                .build();

        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(10));
        // Detector state outgrows the JobManager-memory checkpoint storage's 5 MiB within seconds.
        Path checkpoints = Files.createTempDirectory("meshguard-bench-checkpoints-");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, unaligned);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(checkpointSeconds * 1000L);
        Configuration options = new Configuration();
        options.set(MeshGuardOptions.WATERMARK_OUT_OF_ORDERNESS, Duration.ofMillis(200));
        options.set(MeshGuardOptions.WATERMARK_IDLENESS, Duration.ofSeconds(5));
        MeshGuardWorkflow.Streams streams = MeshGuardWorkflow.defineWorkflow(env,
                KafkaTelemetrySource.telemetry(env, io), KafkaTelemetrySource.controlLines(env, io),
                MeshGuardConfig.from(options));
        DataStream<EnforcementRecord> enforcement = streams.enforcingDecisions()
                .map(EnforcementRecord::of).returns(EnforcementRecord.class)
                .uid("decision-records").name("Decision records")
                .union(streams.segmentUpdates().map(EnforcementRecord::of).returns(EnforcementRecord.class)
                        .uid("segment-records").name("Segment records"));
        enforcement.sinkTo(RedisEnforcementSink.create(store)).uid("redis-enforcement-sink").name("Redis store");
        JobClient job = env.executeAsync("redis sink latency");

        Subscriber subscriber = new Subscriber(redis.uri());
        Producer producer = new Producer(kafka, io.telemetryTopics().get(0), ownSegments);
        // The load starts once the job decides end to end, so that deploying it is not measured.
        long deployed = System.currentTimeMillis();
        producer.prime(subscriber, Duration.ofMinutes(2));
        System.out.printf(Locale.ROOT, "job deciding end to end %d ms after submission%n",
                System.currentTimeMillis() - deployed);
        long cpuBefore = processCpuNanos();
        long start = System.currentTimeMillis();
        long end = start + seconds * 1000L;
        String loadAtStart = loadAverage();
        producer.run(rate, start, end, start);
        // Decisions on the last probes are still on their way.
        Thread.sleep(3_000);
        long elapsed = System.currentTimeMillis() - start;
        double cpu = (processCpuNanos() - cpuBefore) / 1e6 / elapsed;
        job.cancel().get(60, TimeUnit.SECONDS);
        try (var files = Files.walk(checkpoints)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }

        List<Long> latencies = new ArrayList<>();
        List<Long> warmup = new ArrayList<>();
        // Per 5 s of the run (by the crossing request's append time): how latency develops.
        Map<Long, List<Long>> timeline = new java.util.TreeMap<>();
        int undecided = 0;
        Map<String, List<Long>> byDecision = new java.util.TreeMap<>();
        for (Map.Entry<String, Map<Long, Long>> probe : producer.appendedAt.entrySet()) {
            Notice first = subscriber.first.get(EnforcementKeys.identityKey("ip:" + probe.getKey()));
            if (first == null) {
                undecided++;
                continue;
            }
            Long appended = probe.getValue().get(first.tsMillis);
            if (appended == null) {
                throw new IllegalStateException("decision for " + probe.getKey() + " names no request of it: ts="
                        + Instant.ofEpochMilli(first.tsMillis));
            }
            (appended - start < warmupSeconds * 1000L ? warmup : latencies).add(first.receivedMillis - appended);
            timeline.computeIfAbsent((appended - start) / 5_000 * 5, k -> new ArrayList<>())
                    .add(first.receivedMillis - appended);
            byDecision.computeIfAbsent(first.action + "/" + first.trigger, k -> new ArrayList<>())
                    .add(first.receivedMillis - appended);
        }
        subscriber.close();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "telemetry: %,d events in %.1f s (%,.0f events/s target %,d) incl. %,d probe"
                        + " requests; producer behind schedule at the end: %d ms%n",
                producer.sent.get(), (end - start) / 1000.0, producer.sent.get() * 1000.0 / (end - start), rate,
                producer.probeRequests, producer.lagMillis);
        System.out.printf(Locale.ROOT, "probes (%s segments): %d fresh identities, %d decided, %d undecided%n",
                ownSegments ? "own" : "shared", producer.appendedAt.size(), sorted.length + warmup.size(), undecided);
        printLatencies("first decisions after the first " + warmupSeconds + " s (steady state)", sorted);
        printLatencies("first decisions in the first " + warmupSeconds + " s (cold JVM, 100,000 identities new)",
                warmup.stream().mapToLong(Long::longValue).sorted().toArray());
        byDecision.forEach((decision, values) ->
                printLatencies(decision, values.stream().mapToLong(Long::longValue).sorted().toArray()));
        StringBuilder over = new StringBuilder("latency by second of the run (max ms):");
        timeline.forEach((second, values) -> over.append(' ').append(second).append("s=")
                .append(values.stream().mapToLong(Long::longValue).max().orElse(0)));
        System.out.println(over);
        System.out.printf(Locale.ROOT, "Redis writes notified during the run: %,d (%.1f/s); this JVM's CPU %.2f cores;"
                        + " load average at start %s, at end %s%n",
                subscriber.notifications.get(), subscriber.notifications.get() * 1000.0 / elapsed, cpu, loadAtStart,
                loadAverage());
    }

    private static void printLatencies(String what, long[] sorted) {
        if (sorted.length > 0) {
            System.out.printf(Locale.ROOT, "latency Kafka append -> Redis write notified, %s (ms): p50 %d, p95 %d,"
                            + " p99 %d, max %d, min %d (n=%d)%n",
                    what, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted[sorted.length - 1], sorted[0],
                    sorted.length);
        }
    }

    private static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static KafkaIoConfig topics(KafkaBrokerExtension kafka) throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put(KafkaIoConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        s.put(KafkaIoConfig.TELEMETRY_TOPICS, "bench-telemetry");
        s.put(KafkaIoConfig.CONTROL_TOPIC, "bench-control");
        s.put(KafkaIoConfig.GROUP_ID, "bench");
        s.put(KafkaIoConfig.STARTING_OFFSETS, "earliest");
        s.put(KafkaIoConfig.WATERMARK_OUT_OF_ORDERNESS, "200ms");
        s.put(KafkaIoConfig.WATERMARK_IDLENESS, "5s");
        // The source's fetches return as soon as there is data instead of waiting to fill up.
        s.put("kafka.consumer.fetch.max.wait.ms", "10");
        KafkaIoConfig io = KafkaIoConfig.from(s);
        // LogAppendTime: the record's timestamp, returned in the producer's acknowledgement, is the
        // broker's append time.
        kafka.createTopic(io.telemetryTopics().get(0), 2, Map.of("message.timestamp.type", "LogAppendTime"));
        kafka.createTopic(io.controlTopic(), 1);
        return io;
    }

    /** Background traffic in 10-ms slices, and a probe identity's burst every 500 ms. */
    private static final class Producer {
        /** Probe IP → (request start time → Kafka append time). */
        final Map<String, Map<Long, Long>> appendedAt = new ConcurrentHashMap<>();
        final AtomicLong sent = new AtomicLong();
        private final KafkaProducer<String, String> producer;
        private final String topic;
        private final StringBuilder sb = new StringBuilder(1024);
        private final boolean ownSegments;
        private int probes;
        int probeRequests;
        long lagMillis;

        Producer(KafkaBrokerExtension kafka, String topic, boolean ownSegments) {
            this.ownSegments = ownSegments;
            Properties p = kafka.clientProperties();
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "1");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            this.producer = new KafkaProducer<>(p);
            this.topic = topic;
        }

        /** One probe burst from an identity outside the measured ones, until its decision is notified. */
        void prime(Subscriber subscriber, Duration timeout) throws InterruptedException {
            String ip = "198.19.0.1";
            String key = EnforcementKeys.identityKey("ip:" + ip);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (!subscriber.notified.contains(key)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("no decision for the priming probe within " + timeout);
                }
                long now = System.currentTimeMillis();
                for (int r = 0; r < PROBE_REQUESTS; r++) {
                    producer.send(new ProducerRecord<>(topic, ip, line(now - PROBE_REQUESTS + r, ip,
                            PROBES[r % PROBES.length] + "?r=" + r, 404, "python-requests/2.31", 65_535)));
                }
                producer.flush();
                synchronized (subscriber.notified) {
                    subscriber.notified.wait(1_000);
                }
            }
        }

        void run(int rate, long start, long end, long probesFrom) throws InterruptedException {
            long slices = 0;
            long i = 0;
            long nextProbe = probesFrom;
            while (true) {
                long sliceAt = start + slices * 10;
                if (sliceAt >= end) {
                    break;
                }
                long wait = sliceAt - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                long now = System.currentTimeMillis();
                long due = (slices + 1) * rate / 100;
                for (; i < due; i++) {
                    long identity = Long.remainderUnsigned(i * 0x9E3779B97F4A7C15L, 100_000);
                    String ip = "100." + (64 + (identity >>> 16)) + "." + ((identity >>> 8) & 255) + "." + (identity & 255);
                    producer.send(new ProducerRecord<>(topic, ip, line(now, ip, PAGES[(int) (i % PAGES.length)], 200,
                            BROWSER_UA, (int) (64_500 + (identity & 7)))));
                }
                if (now >= nextProbe) {
                    probe(PROBE_PREFIX + (probes / 250) + "." + (probes % 250 + 1), now, i);
                    nextProbe += 500;
                }
                slices++;
                lagMillis = System.currentTimeMillis() - sliceAt;
            }
            producer.flush();
            producer.close();
        }

        /** A fresh identity's burst, start times 1 ms apart and none in the future. */
        private void probe(String ip, long now, long i) {
            Map<Long, Long> appended = new ConcurrentHashMap<>();
            appendedAt.put(ip, appended);
            long first = now - PROBE_REQUESTS;
            int asn = ownSegments ? 65_000 + probes : 64_500 + (probes & 7);
            probes++;
            for (int r = 0; r < PROBE_REQUESTS; r++) {
                long startTime = first + r;
                producer.send(new ProducerRecord<>(topic, ip, line(startTime, ip, PROBES[r % PROBES.length] + "?r=" + r,
                        404, "python-requests/2.31", asn)), (metadata, error) -> {
                            if (error == null) {
                                appended.put(startTime, metadata.timestamp());
                            }
                        });
                probeRequests++;
            }
        }

        private String line(long startMillis, String ip, String path, int status, String userAgent, int asn) {
            long i = sent.incrementAndGet();
            StringBuilder b = sb;
            b.setLength(0);
            b.append("{\"start_time\":\"").append(Instant.ofEpochMilli(startMillis))
                    .append("\",\"route_name\":\"default\",\"method\":\"GET\",\"path\":\"").append(path)
                    .append("\",\"protocol\":\"HTTP/1.1\",\"response_code\":").append(status)
                    .append(",\"response_flags\":\"-\",\"bytes_received\":").append(200 + (i & 255))
                    .append(",\"bytes_sent\":").append(1500 + (i & 4095)).append(",\"duration\":").append(3 + (i & 31))
                    .append(",\"x_forwarded_for\":\"").append(ip).append("\",\"user_agent\":\"").append(userAgent)
                    .append("\",\"request_id\":\"").append(Long.toHexString(i * 0x9E3779B97F4A7C15L))
                    .append("\",\"authority\":\"shop.example.com\",\"upstream_cluster\":"
                            + "\"outbound|8080||storefront.shop.svc.cluster.local\","
                            + "\"downstream_remote_address\":\"10.8.0.9:40312\",\"client_asn\":\"")
                    .append(asn).append("\",\"client_country\":\"DE\"}");
            return b.toString();
        }
    }

    /** The first notification per key, with the entry's {@code ts} read right after it. */
    private static final class Subscriber implements AutoCloseable {
        final Map<String, Notice> first = new ConcurrentHashMap<>();
        final AtomicLong notifications = new AtomicLong();
        /** Every key notified, for the priming probe; notified on each addition. */
        final java.util.Set<String> notified = java.util.Collections.synchronizedSet(new java.util.HashSet<>());
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> reader;
        private final StatefulRedisPubSubConnection<String, String> pubSub;

        Subscriber(String uri) {
            client = RedisClient.create(uri);
            reader = client.connect();
            pubSub = client.connectPubSub();
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String key) {
                    long received = System.currentTimeMillis();
                    notifications.incrementAndGet();
                    synchronized (notified) {
                        if (notified.add(key)) {
                            notified.notifyAll();
                        }
                    }
                    if (key.startsWith(EnforcementKeys.IDENTITY + "ip:" + PROBE_PREFIX) && !first.containsKey(key)) {
                        reader.async().hmget(RedisStoreConfig.DEFAULT_KEY_PREFIX + key, "ts", "action", "trigger")
                                .thenAccept(values -> {
                                    if (values.get(0).hasValue()) {
                                        first.putIfAbsent(key, new Notice(received,
                                                Instant.parse(values.get(0).getValue()).toEpochMilli(),
                                                values.get(1).getValueOrElse("?"), values.get(2).getValueOrElse("?")));
                                    }
                                });
                    }
                }
            });
            pubSub.sync().subscribe(RedisStoreConfig.DEFAULT_CHANNEL);
        }

        @Override
        public void close() {
            pubSub.close();
            reader.close();
            client.shutdown();
        }
    }

    private record Notice(long receivedMillis, long tsMillis, String action, String trigger) {}

    // ---- throughput -----------------------------------------------------------------------------

    private static void throughput(RedisServerExtension redis, long records, int parallelism) throws Exception {
        RedisStoreConfig store = RedisStoreConfig.builder().uri(redis.uri()).keyPrefix("tp:").channel("tp:updates")
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                new Configuration());
        env.fromSequence(1, records).map(RedisSinkLatencyBenchmark::rateLimit).returns(EnforcementRecord.class)
                .keyBy(r -> r.key)
                .map(r -> r).returns(EnforcementRecord.class)
                .sinkTo(RedisEnforcementSink.create(store)).name("Redis store");
        long start = System.nanoTime();
        env.execute("redis sink throughput");
        double secondsTaken = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "Redis sink throughput: %,d version-guarded writes over 50,000 keys in %.1f s"
                        + " (job included): %,.0f decisions/s at parallelism %d, batch %d, %d in flight%n",
                records, secondsTaken, records / secondsTaken, parallelism, store.maxBatchSize(),
                store.maxInFlightRequests());
    }

    private static EnforcementRecord rateLimit(long i) {
        EnforcementRecord r = new EnforcementRecord();
        r.kind = EnforcementRecord.Kind.IDENTITY;
        r.id = "ip:10." + ((i % 50_000) >>> 8) + "." + (i % 50_000 & 255) + ".1";
        r.key = EnforcementKeys.identityKey(r.id);
        r.version = i;
        r.timestampMillis = System.currentTimeMillis();
        r.action = Action.RATE_LIMIT;
        r.limitRps = 1 + i % 10;
        r.segment = "asn:64500";
        r.trigger = "score";
        return r;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return Arrays.toString(Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (Exception e) {
            return "n/a";
        }
    }
}
