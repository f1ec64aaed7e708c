package io.meshguard.job;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition in tests, instead of sleeping for a guessed time. */
public final class Conditions {
    private Conditions() {}

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes; whether it held. */
    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /**
     * Pauses a scenario's own thread (traffic pacing, not waiting for a result), turning an
     * interrupt into an unchecked exception so it can be called from lambdas.
     */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
