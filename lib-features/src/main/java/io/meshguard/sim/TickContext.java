package io.meshguard.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Everything one tick's generation shares: its time span, its private random stream, and a
 * buffer that releases lines in the order Envoy would flush them.
 */
final class TickContext {
    /** Upper bound on how much later than its start a request's line may be flushed. */
    static final long MAX_FLUSH_DELAY_MILLIS = 150;

    final long fromMillis;
    final long toMillis;
    final SplittableRandom rng;
    private final Request request = new Request();
    private final AccessLogWriter writer = new AccessLogWriter();

    private String[] lines = new String[256];
    private long[] keys = new long[256];
    private long[] times = new long[256];
    private Scenario[] scenarios = new Scenario[256];
    private boolean[] attacks = new boolean[256];
    private int size;

    TickContext(long fromMillis, long toMillis, long seed) {
        this.fromMillis = fromMillis;
        this.toMillis = toMillis;
        this.rng = new SplittableRandom(seed);
    }

    /** Seconds of overlap between this tick and {@code [from, to)}. */
    double overlapSeconds(long from, long to) {
        long a = Math.max(from, fromMillis);
        long b = Math.min(to, toMillis);
        return b > a ? (b - a) / 1000.0 : 0.0;
    }

    double seconds() {
        return (toMillis - fromMillis) / 1000.0;
    }

    boolean contains(long epochMillis) {
        return epochMillis >= fromMillis && epochMillis < toMillis;
    }

    /** A uniform instant in the overlap of this tick and {@code [from, to)}, which must not be empty. */
    long randomTime(long from, long to) {
        long a = Math.max(from, fromMillis);
        long b = Math.min(to, toMillis);
        return a + rng.nextLong(b - a);
    }

    long randomTime() {
        return randomTime(fromMillis, toMillis);
    }

    Request begin(long startMillis) {
        return request.reset(startMillis);
    }

    void emit(Actor actor, Request q, Scenario scenario, boolean attack) {
        if (size == lines.length) {
            grow();
        }
        lines[size] = writer.render(actor, q, rng);
        // Envoy flushes a line when the request completes, so lines leave slightly out of
        // start_time order; bounding the delay keeps that disorder small and watermark-friendly.
        long flushOffset = q.startMillis - fromMillis + Math.min(q.durationMillis, MAX_FLUSH_DELAY_MILLIS);
        keys[size] = (flushOffset << 24) | size;
        times[size] = q.startMillis;
        scenarios[size] = scenario;
        attacks[size] = attack;
        size++;
    }

    void drainTo(LineSink sink) {
        long[] order = Arrays.copyOf(keys, size);
        Arrays.sort(order);
        for (long key : order) {
            int i = (int) (key & 0xFFFFFF);
            sink.accept(lines[i], times[i], scenarios[i], attacks[i]);
        }
    }

    private void grow() {
        int n = lines.length * 2;
        if (n > 1 << 24) {
            // Sort keys keep the line index in their low 24 bits.
            throw new IllegalStateException("more than 16M lines in one tick; use shorter ticks");
        }
        lines = Arrays.copyOf(lines, n);
        keys = Arrays.copyOf(keys, n);
        times = Arrays.copyOf(times, n);
        scenarios = Arrays.copyOf(scenarios, n);
        attacks = Arrays.copyOf(attacks, n);
    }
}
