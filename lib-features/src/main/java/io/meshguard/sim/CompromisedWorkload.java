package io.meshguard.sim;

import io.meshguard.sim.MeshTopology.Service;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A catalog sync job whose credentials were stolen. It behaves normally (a few calls a second to
 * its usual upstreams) outside its window; inside it fans out across every service of the mesh at
 * many times its rate, probing admin methods and running into denials, rate limits and overload.
 */
final class CompromisedWorkload implements TrafficSource {
    static final String NAMESPACE = "catalog";
    static final String WORKLOAD = "catalog-sync";
    static final double NORMAL_RATE = 3.0;

    private final ScenarioWindow window;
    private final Actor actor;
    private final long runStartMillis;
    private final long runEndMillis;
    private final double burstRate;

    CompromisedWorkload(SimulationConfig config, ScenarioWindow window) {
        this.window = window;
        this.actor = Actor.eastWest(NAMESPACE, WORKLOAD, "10.244.4.240", UserAgents.GRPC_GO,
                new int[] {MeshTopology.service("catalog").index, MeshTopology.service("inventory").index});
        this.runStartMillis = config.startEpochMillis();
        this.runEndMillis = config.endEpochMillis();
        this.burstRate = NORMAL_RATE * config.compromisedBurstFactor();
    }

    @Override
    public List<GroundTruthLabel> labels() {
        return List.of(GroundTruthLabel.attack(actor.identity, window, actor.segment));
    }

    @Override
    public void generate(TickContext ctx) {
        normal(ctx, runStartMillis, window.startMillis());
        normal(ctx, window.endMillis(), runEndMillis);
        int n = SimRandom.poisson(ctx.rng, burstRate * ctx.overlapSeconds(window.startMillis(), window.endMillis()));
        for (int k = 0; k < n; k++) {
            burst(ctx, ctx.randomTime(window.startMillis(), window.endMillis()));
        }
    }

    private void normal(TickContext ctx, long from, long to) {
        int n = SimRandom.poisson(ctx.rng, NORMAL_RATE * ctx.overlapSeconds(from, to));
        for (int k = 0; k < n; k++) {
            MeshCalls.call(ctx, actor, ctx.randomTime(from, to), MeshCalls.usualUpstream(actor, ctx.rng),
                    Scenario.COMPROMISED_WORKLOAD, false);
        }
    }

    private void burst(TickContext ctx, long t) {
        SplittableRandom r = ctx.rng;
        Service target = MeshTopology.SERVICES.get(r.nextInt(MeshTopology.SERVICES.size()));
        Request q = MeshCalls.target(ctx.begin(t), actor, target, r, true);
        if (r.nextDouble() < 0.25) {
            q.path = target.adminPaths[r.nextInt(target.adminPaths.length)];
        }
        double u = r.nextDouble();
        if (u < 0.12) {
            q.localReply(target, 403, "-", "rbac_access_denied_matched_policy[none]");
            q.bytesSent = 19;
        } else if (u < 0.20) {
            q.localReply(target, 429, "RL", "local_rate_limited");
            q.bytesSent = 18;
        } else if (u < 0.28) {
            // The callee's circuit breaker trips under the fan-out.
            q.localReply(target, 503, "UO", "overflow");
            q.bytesSent = 81;
        } else if (u < 0.32) {
            q.serverError(r, target);
        } else {
            q.upstreamReply(r, target, 200);
            q.bytesSent = SimRandom.logNormal(r, 6_000, 1.4, 5, 5_000_000);
        }
        q.bytesReceived = SimRandom.logNormal(r, 200, 0.6, 5, 20_000);
        q.timing(r, 14, 0.9);
        ctx.emit(actor, q, Scenario.COMPROMISED_WORKLOAD, true);
    }
}
