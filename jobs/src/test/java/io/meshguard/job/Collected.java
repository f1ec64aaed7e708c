package io.meshguard.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.CloseableIterator;

/**
 * Collects a stream's elements in the test JVM. Draining starts on its own thread when the job is
 * submitted, so several collected streams never block one another.
 */
final class Collected<T> {
    private CloseableIterator<T> iterator;
    private CompletableFuture<List<T>> drained;

    static <T> Collected<T> of(DataStream<T> stream) {
        Collected<T> c = new Collected<>();
        c.iterator = stream.collectAsync();
        return c;
    }

    /** Call after the job was submitted. */
    void startDraining() {
        drained = CompletableFuture.supplyAsync(() -> {
            List<T> all = new ArrayList<>();
            iterator.forEachRemaining(all::add);
            return all;
        });
    }

    List<T> await() throws Exception {
        try {
            return drained.get();
        } finally {
            iterator.close();
        }
    }
}
