package io.meshguard.sim;

import io.meshguard.sim.MeshTopology.Service;
import java.util.SplittableRandom;

/** How mesh workloads call each other: gRPC or REST between pods, steady and almost always fine. */
final class MeshCalls {
    private MeshCalls() {}

    /** One of the workload's usual upstreams, the first one most often. */
    static Service usualUpstream(Actor a, SplittableRandom r) {
        int[] ups = a.favourites;
        int i = ups.length == 1 || r.nextDouble() < 0.6 ? 0 : 1 + r.nextInt(ups.length - 1);
        return MeshTopology.SERVICES.get(ups[i]);
    }

    /** An ordinary call with the mesh's usual outcome: ~1% not found, ~0.4% server errors. */
    static void call(TickContext ctx, Actor a, long t, Service target, Scenario scenario, boolean attack) {
        SplittableRandom r = ctx.rng;
        Request q = target(ctx.begin(t), a, target, r, false);
        double u = r.nextDouble();
        if (u < 0.004) {
            q.serverError(r, target);
        } else if (u < 0.012 && !a.http2) {
            q.upstreamReply(r, target, 404);
            q.bytesSent = 70;
        } else {
            q.upstreamReply(r, target, 200);
            q.bytesSent = SimRandom.logNormal(r, 1_400, 1.0, 5, 1_000_000);
        }
        q.bytesReceived = SimRandom.logNormal(r, 320, 0.8, 5, 200_000);
        q.timing(r, 9, 0.7);
        ctx.emit(a, q, scenario, attack);
    }

    /** Addresses the target the way this workload speaks: gRPC methods or REST resources. */
    static Request target(Request q, Actor a, Service target, SplittableRandom r, boolean anyMethod) {
        if (a.http2) {
            q.method = "POST";
            // Watch streams are long-lived; ordinary callers open them rarely, so leave them out.
            q.path = target.grpcMethods[r.nextInt(anyMethod ? target.grpcMethods.length : target.grpcMethods.length - 1)];
        } else {
            q.method = r.nextDouble() < 0.8 ? "GET" : "POST";
            q.path = target.restPaths[r.nextInt(target.restPaths.length)];
        }
        q.route = "default";
        q.authority = target.authority;
        q.serverName = target.sni;
        q.upstream = target;
        return q;
    }
}
