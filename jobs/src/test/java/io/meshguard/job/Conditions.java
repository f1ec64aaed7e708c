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
}
