package io.meshguard.job.services;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real single-node Kafka broker (KRaft, combined broker and controller) in a child JVM for
 * one test class, on free loopback ports.
 *
 * <p>The broker runs in its own JVM because its Jackson, lz4 and Scala versions differ from Flink's.
 * Its classpath is resolved in isolation by the {@code test-services} module, which ships it as the
 * resource {@value #CLASSPATH_RESOURCE}. Register the extension on a static field so it starts once
 * per class:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    static final String CLASSPATH_RESOURCE = "/io/meshguard/testservices/kafka-broker.classpath";

    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> extraBrokerProperties = new LinkedHashMap<>();

    private Path workDir;
    private int brokerPort;
    private ServiceProcess broker;
    private Duration startupTime;
    private Thread shutdownHook;

    /** Sets a broker property (e.g. log-cleaner timings), overriding the test defaults. */
    public KafkaBrokerExtension withBrokerProperty(String key, String value) {
        extraBrokerProperties.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String classpath = brokerClasspath();
        workDir = Files.createTempDirectory("meshguard-kafka-");
        shutdownHook = ServiceProcess.addShutdownHook(this::tearDown, "kafka-broker-teardown");

        int[] ports = LoopbackPorts.free(2);
        brokerPort = ports[0];
        int controllerPort = ports[1];
        Path config = workDir.resolve("server.properties");
        Files.writeString(config, serverProperties(controllerPort), StandardCharsets.UTF_8);
        Path log4j = workDir.resolve("log4j2.properties");
        Files.writeString(log4j, log4jProperties(workDir.resolve("server.log")), StandardCharsets.UTF_8);

        long startNanos = System.nanoTime();
        try {
            start(classpath, config, log4j);
        } catch (Exception e) {
            tearDown();
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private void start(String classpath, Path config, Path log4j) throws IOException, InterruptedException {
        format(classpath, config, log4j);
        List<String> command = new ArrayList<>(List.of(
                ServiceProcess.javaExecutable(),
                "-Xms256m",
                "-Xmx512m",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-cp", classpath,
                "kafka.Kafka", config.toString()));
        broker = ServiceProcess.start("kafka-broker", command, workDir, workDir.resolve("broker.out"));
        awaitReady();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        tearDown();
        ServiceProcess.removeShutdownHook(shutdownHook);
        shutdownHook = null;
    }

    /** {@code host:port} of the broker's PLAINTEXT listener. */
    public String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException(
                    "the Kafka broker was not started: register KafkaBrokerExtension on a static field");
        }
        return LoopbackPorts.HOST + ":" + brokerPort;
    }

    /** Time from formatting the storage to the first successful {@code describeCluster}. */
    public Duration startupTime() {
        bootstrapServers();
        return startupTime;
    }

    /** Client properties with only the bootstrap servers set; add serializers, group id etc. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /** Creates a topic and waits until the broker has created it. */
    public void createTopic(String name, int partitions, Map<String, String> configs)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public void createTopic(String name, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        createTopic(name, partitions, Map.of());
    }

    private void format(String classpath, Path config, Path log4j) throws IOException, InterruptedException {
        // The id is made here (kafka-clients is on the test classpath) to save a JVM start for
        // `StorageTool random-uuid`.
        List<String> command = List.of(
                ServiceProcess.javaExecutable(),
                "-Xmx256m",
                // A tool that runs for a second: C1 alone and the serial GC start it about 1 s faster.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-cp", classpath,
                "kafka.tools.StorageTool", "format",
                "-t", Uuid.randomUuid().toString(),
                "-c", config.toString());
        ServiceProcess tool =
                ServiceProcess.start("kafka-storage-format", command, workDir, workDir.resolve("format.out"));
        int exitCode = tool.awaitExit(FORMAT_TIMEOUT);
        if (exitCode != 0) {
            throw new IllegalStateException("kafka StorageTool format exited with " + exitCode
                    + "; output:\n" + ServiceProcess.tail(tool.output(), 40));
        }
    }

    /** Ready means a metadata request succeeds, not merely that the port accepts connections. */
    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // Wait quietly for the listener first: an admin client logs a warning per refused connection.
        while (!LoopbackPorts.accepts(brokerPort)) {
            failIfDeadOrLate(deadline);
            Thread.sleep(50);
        }
        Properties properties = clientProperties();
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        try (Admin admin = Admin.create(properties)) {
            while (true) {
                failIfDeadOrLate(deadline);
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // The broker is still starting; ask again.
                }
                Thread.sleep(100);
            }
        }
    }

    private void failIfDeadOrLate(long deadline) {
        String problem = !broker.isAlive()
                ? "the Kafka broker exited during start-up"
                : System.nanoTime() > deadline ? "the Kafka broker was not ready within " + START_TIMEOUT : null;
        if (problem != null) {
            String diagnostics = "\n--- broker.out ---\n" + ServiceProcess.tail(broker.output(), 20)
                    + "\n--- server.log ---\n" + ServiceProcess.tail(workDir.resolve("server.log"), 40);
            throw new IllegalStateException(problem + diagnostics);
        }
    }

    private synchronized void tearDown() {
        if (broker != null) {
            // Its data is thrown away, so SIGTERM is only a courtesy: SIGKILL follows the grace.
            broker.stop(STOP_GRACE);
        }
        ServiceProcess.deleteTree(workDir);
        workDir = null;
    }

    private String serverProperties(int controllerPort) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.quorum.voters", "1@" + LoopbackPorts.HOST + ":" + controllerPort);
        properties.put("listeners", "PLAINTEXT://" + LoopbackPorts.HOST + ":" + brokerPort
                + ",CONTROLLER://" + LoopbackPorts.HOST + ":" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://" + LoopbackPorts.HOST + ":" + brokerPort);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("log.dirs", workDir.resolve("data").toString());
        properties.put("num.partitions", "1");
        // One replica, and one partition for each internal topic: creating the default 50 partitions
        // on the first consumer group or transaction would cost seconds in every test class.
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.putAll(extraBrokerProperties);
        return properties.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String log4jProperties(Path logFile) {
        // INFO to a file in the work dir (quoted in failure messages), nothing on the test output.
        return String.join("\n",
                "status = warn",
                "appender.file.type = File",
                "appender.file.name = FILE",
                "appender.file.fileName = " + logFile,
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = FILE",
                "");
    }

    private static String brokerClasspath() throws IOException {
        try (InputStream in = KafkaBrokerExtension.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + CLASSPATH_RESOURCE + " is missing: the "
                        + "test-services module writes it; build from the project root, e.g. "
                        + "./mvnw -B -ntp verify (or -pl jobs -am)");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<String> missing = Arrays.stream(classpath.split(File.pathSeparator))
                    .filter(entry -> !Files.exists(Path.of(entry)))
                    .collect(Collectors.toList());
            if (classpath.isEmpty() || !missing.isEmpty()) {
                throw new IllegalStateException("the Kafka broker classpath in " + CLASSPATH_RESOURCE
                        + " names missing files " + missing + "; rebuild test-services");
            }
            return classpath;
        }
    }
}
