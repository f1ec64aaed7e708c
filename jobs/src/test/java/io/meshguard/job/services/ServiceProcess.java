package io.meshguard.job.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A server started by a test as a child process: its output goes to a file (no pipe to drain, so it
 * can never block on a full buffer), and it is stopped through its PID.
 */
final class ServiceProcess {

    private final String name;
    private final Process process;
    private final Path output;

    private ServiceProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    static ServiceProcess start(String name, List<String> command, Path workDir, Path output)
            throws IOException {
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        // Neither Kafka nor Redis reads stdin; closing it gives them EOF instead of a dangling pipe.
        process.getOutputStream().close();
        return new ServiceProcess(name, process, output);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path output() {
        return output;
    }

    /** Waits for a short-lived command (a tool, not a server) and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop(Duration.ZERO);
            throw new IllegalStateException(
                    name + " did not finish within " + timeout + "; output:\n" + tail(output, 40));
        }
        return process.exitValue();
    }

    /**
     * Stops the process by its PID: SIGTERM, then SIGKILL once {@code grace} has passed (at once for
     * a zero grace, which is how a test simulates a crash). Anything it spawned is killed too.
     */
    void stop(Duration grace) {
        ProcessHandle.of(process.pid()).ifPresent(handle -> {
            // Collected first: once the parent is gone its children are re-parented and not found.
            List<ProcessHandle> children = handle.descendants().collect(Collectors.toList());
            if (grace.isZero()) {
                handle.destroyForcibly();
            } else {
                handle.destroy();
            }
            if (!await(handle, grace.isZero() ? Duration.ofSeconds(10) : grace)) {
                handle.destroyForcibly();
                await(handle, Duration.ofSeconds(10));
            }
            children.forEach(ProcessHandle::destroyForcibly);
        });
    }

    private static boolean await(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (ExecutionException e) {
            return !handle.isAlive();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** The last lines of a log, for failure messages; empty if the file does not exist. */
    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        Deque<String> last = new ArrayDeque<>(lines);
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            all.forEach(line -> {
                if (last.size() == lines) {
                    last.removeFirst();
                }
                last.addLast(line);
            });
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
        return String.join("\n", last);
    }

    /** Deletes a service's working directory; a test must not leave broker data behind. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    /**
     * Runs {@code tearDown} if the JVM exits while a service is up (e.g. killed by a surefire
     * timeout between tests), so no server outlives it; pass the hook to {@link #removeShutdownHook}.
     */
    static Thread addShutdownHook(Runnable tearDown, String name) {
        Thread hook = new Thread(tearDown, name);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Removes a hook from {@link #addShutdownHook} once the service is torn down; null is ignored. */
    static void removeShutdownHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; it finds nothing left to do.
        }
    }

    /** The java launcher of the JVM running the tests, so a child JVM has the same version. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
