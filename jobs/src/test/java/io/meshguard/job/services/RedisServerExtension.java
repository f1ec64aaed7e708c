package io.meshguard.job.services;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real {@code redis-server} (the Debian package) as a child process for one test class, on a
 * free loopback port, and lets a test stop, kill and restart it on the same port to simulate an
 * outage.
 *
 * <p>Register it on a static field so it lives once per class:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
 * }</pre>
 *
 * <p>By default the server persists nothing ({@code --save '' --appendonly no}), so a restart comes
 * back empty; {@link #withServerArguments} adds options (e.g. {@code --appendonly yes}) for a test
 * that needs data to survive one, since the working directory is kept across restarts.
 *
 * <p>If no {@code redis-server} is installed the class is skipped, unless the environment variable
 * {@value #REQUIRE_SERVICES_ENV} is set (CI sets it), in which case it fails.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    /** Set to anything but {@code false} to make a missing service fail the tests, not skip them. */
    public static final String REQUIRE_SERVICES_ENV = "MESHGUARD_REQUIRE_SERVICES";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final List<Path> WELL_KNOWN_DIRS =
            List.of(Path.of("/usr/bin"), Path.of("/usr/sbin"), Path.of("/usr/local/bin"));

    private final List<String> extraArguments = new ArrayList<>();

    private Path executable;
    private Path workDir;
    private int port;
    private ServiceProcess process;
    private int starts;
    private Duration firstStartupTime;
    private Duration lastStartupTime;
    private Thread shutdownHook;

    /** Extra {@code redis-server} options, appended after the defaults (later ones win). */
    public RedisServerExtension withServerArguments(String... arguments) {
        extraArguments.addAll(Arrays.asList(arguments));
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Path> found = findRedisServer();
        if (found.isEmpty()) {
            String message = "redis-server is not installed (apt-get install -y redis-server)";
            if (servicesRequired()) {
                throw new IllegalStateException(message + " and " + REQUIRE_SERVICES_ENV + " is set");
            }
            Assumptions.abort(message + "; skipping " + context.getDisplayName()
                    + ". Set " + REQUIRE_SERVICES_ENV + "=true to make this a failure.");
        }
        executable = found.get();
        workDir = Files.createTempDirectory("meshguard-redis-");
        port = LoopbackPorts.free(1)[0];
        shutdownHook = ServiceProcess.addShutdownHook(this::tearDown, "redis-server-teardown");
        start();
        firstStartupTime = lastStartupTime;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        tearDown();
        ServiceProcess.removeShutdownHook(shutdownHook);
        shutdownHook = null;
    }

    /** Starts the server on this extension's port and waits until it answers PING. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server is already running: " + process);
        }
        List<String> command = new ArrayList<>(List.of(
                executable.toString(),
                "--port", Integer.toString(port),
                "--bind", LoopbackPorts.HOST,
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--dir", workDir.toString()));
        command.addAll(extraArguments);
        long startNanos = System.nanoTime();
        starts++;
        process = ServiceProcess.start(
                "redis-server", command, workDir, workDir.resolve("redis-" + starts + ".log"));
        try {
            awaitPong();
        } catch (RuntimeException | InterruptedException e) {
            process.stop(Duration.ZERO);
            throw e;
        }
        lastStartupTime = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Shuts the server down (SIGTERM) and waits until it has exited: a planned outage. */
    public synchronized void stop() {
        stopWith(STOP_GRACE);
    }

    /** Kills the server (SIGKILL) without letting it shut down: a crash. */
    public synchronized void kill() {
        stopWith(Duration.ZERO);
    }

    /** {@link #stop()} then {@link #start()}, on the same port. */
    public synchronized void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public String host() {
        return LoopbackPorts.HOST;
    }

    public int port() {
        requireStarted();
        return port;
    }

    /** A URI for Redis clients, e.g. {@code redis://127.0.0.1:41234}; stable across restarts. */
    public String uri() {
        return "redis://" + host() + ":" + port();
    }

    /** Time from launching the first server to its first PONG. */
    public Duration startupTime() {
        requireStarted();
        return firstStartupTime;
    }

    /** Time from launching the latest server (e.g. after a restart) to its first PONG. */
    public synchronized Duration lastStartupTime() {
        requireStarted();
        return lastStartupTime;
    }

    private void stopWith(Duration grace) {
        if (process != null) {
            process.stop(grace);
            process = null;
        }
    }

    private synchronized void tearDown() {
        stopWith(STOP_GRACE);
        ServiceProcess.deleteTree(workDir);
        workDir = null;
    }

    private void requireStarted() {
        if (executable == null) {
            throw new IllegalStateException(
                    "redis-server was not started: register RedisServerExtension on a static field");
        }
    }

    private void awaitPong() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "redis-server exited during start-up; output:\n" + ServiceProcess.tail(process.output(), 30));
            }
            if (answersPing()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("redis-server did not answer PING within " + START_TIMEOUT
                + "; output:\n" + ServiceProcess.tail(process.output(), 30));
    }

    /** One inline PING over a raw socket: no client library, and no reconnect noise in the logs. */
    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LoopbackPorts.loopback(), port), 250);
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return "+PONG".equals(in.readLine());
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> findRedisServer() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(
                        Arrays.stream(path.split(File.pathSeparator))
                                .filter(dir -> !dir.isBlank())
                                .map(Path::of),
                        WELL_KNOWN_DIRS.stream())
                .map(dir -> dir.resolve("redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    static boolean servicesRequired() {
        String value = System.getenv(REQUIRE_SERVICES_ENV);
        return value != null && !value.isBlank() && !value.equalsIgnoreCase("false");
    }
}
