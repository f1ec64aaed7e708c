package io.meshguard.sim;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/** Vose's alias method: picks an index in proportion to fixed weights in constant time. */
final class AliasTable {
    private final double[] probability;
    private final int[] alias;

    AliasTable(double[] weights) {
        int n = weights.length;
        if (n == 0) {
            throw new IllegalArgumentException("no weights");
        }
        double sum = 0;
        for (double w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("negative weight");
            }
            sum += w;
        }
        probability = new double[n];
        alias = new int[n];
        double[] scaled = new double[n];
        ArrayDeque<Integer> small = new ArrayDeque<>();
        ArrayDeque<Integer> large = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            scaled[i] = sum > 0 ? weights[i] * n / sum : 1.0;
            (scaled[i] < 1.0 ? small : large).add(i);
        }
        while (!small.isEmpty() && !large.isEmpty()) {
            int s = small.poll();
            int l = large.poll();
            probability[s] = scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1.0;
            (scaled[l] < 1.0 ? small : large).add(l);
        }
        // Leftovers are 1.0 up to rounding error.
        while (!large.isEmpty()) {
            probability[large.poll()] = 1.0;
        }
        while (!small.isEmpty()) {
            probability[small.poll()] = 1.0;
        }
    }

    int sample(SplittableRandom r) {
        int i = r.nextInt(probability.length);
        return r.nextDouble() < probability[i] ? i : alias[i];
    }
}
