package io.meshguard.sim;

import java.util.ArrayList;
import java.util.List;

/** Attackers that are silent outside their window and send Poisson streams at fixed rates inside it. */
abstract class WindowedAttack implements TrafficSource {
    protected final ScenarioWindow window;
    protected final Actor[] attackers;
    protected final double[] rates;

    WindowedAttack(ScenarioWindow window, int attackers) {
        this.window = window;
        this.attackers = new Actor[attackers];
        this.rates = new double[attackers];
    }

    @Override
    public List<GroundTruthLabel> labels() {
        List<GroundTruthLabel> labels = new ArrayList<>(attackers.length);
        for (Actor a : attackers) {
            labels.add(GroundTruthLabel.attack(a.identity, window, a.segment));
        }
        return labels;
    }

    @Override
    public void generate(TickContext ctx) {
        double seconds = ctx.overlapSeconds(window.startMillis(), window.endMillis());
        if (seconds == 0) {
            return;
        }
        for (int i = 0; i < attackers.length; i++) {
            int n = SimRandom.poisson(ctx.rng, rates[i] * seconds);
            for (int k = 0; k < n; k++) {
                Request q = ctx.begin(ctx.randomTime(window.startMillis(), window.endMillis()));
                shape(ctx, i, q);
                ctx.emit(attackers[i], q, window.scenario(), true);
            }
        }
    }

    /** Fills one request of attacker {@code i}. */
    protected abstract void shape(TickContext ctx, int i, Request q);
}
