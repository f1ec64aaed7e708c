package io.meshguard.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** Drives one segment through a controller interval by interval and records what came out. */
final class Drive {
    static final long T0 = 1_700_000_000_000L;

    final SegmentThresholdController controller;
    final String segment;
    SegmentState state = new SegmentState();
    SegmentLimits limits;
    long now = T0;
    final List<SegmentUpdate> updates = new ArrayList<>();
    final List<SegmentMode> modes = new ArrayList<>();
    final List<Double> factors = new ArrayList<>();
    final List<Double> pressures = new ArrayList<>();

    Drive(SegmentThresholdController controller, String segment) {
        this.controller = controller;
        this.segment = segment;
        this.limits = controller.config().limits;
    }

    /** Closes one more interval (ending one second later) with the given figures. */
    SegmentUpdate next(LongFunction<SegmentInterval> interval) {
        now += 1000;
        SegmentUpdate u = controller.onInterval(segment, state, interval.apply(now), limits);
        if (u != null) {
            updates.add(u);
        }
        modes.add(state.mode);
        factors.add(state.factor);
        pressures.add(state.pressure);
        return u;
    }

    /** Closes {@code n} intervals; returns the updates among them. */
    List<SegmentUpdate> run(int n, LongFunction<SegmentInterval> interval) {
        List<SegmentUpdate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SegmentUpdate u = next(interval);
            if (u != null) {
                out.add(u);
            }
        }
        return out;
    }

    /** Number of intervals after which the mode differed from the one before (over the whole drive). */
    int modeChanges() {
        int changes = 0;
        SegmentMode previous = SegmentMode.NORMAL;
        for (SegmentMode m : modes) {
            if (m != previous) {
                changes++;
            }
            previous = m;
        }
        return changes;
    }

    /** Times the mode rose again after it had fallen: what flapping looks like. */
    int reEscalations() {
        int count = 0;
        SegmentMode previous = SegmentMode.NORMAL;
        boolean fell = false;
        for (SegmentMode m : modes) {
            if (m.rank() < previous.rank()) {
                fell = true;
            } else if (m.rank() > previous.rank() && fell) {
                count++;
                fell = false;
            }
            previous = m;
        }
        return count;
    }

    SegmentMode mode() {
        return state.mode;
    }

    SegmentThresholds inForce() {
        return controller.thresholdsInForce(state, limits);
    }
}
