package io.meshguard.sim;

import io.meshguard.sim.AddressPlan.Asn;
import java.util.SplittableRandom;

/**
 * Hijacked home routers in two residential ASNs replaying leaked username/password pairs
 * against the login endpoint: nearly every attempt fails, a few hit.
 */
final class CredentialStuffing extends WindowedAttack {
    static final double SUCCESS_SHARE = 0.03;

    CredentialStuffing(SimulationConfig config, ScenarioWindow window, AddressPlan addresses, SplittableRandom r) {
        super(window, config.credentialStuffingIps());
        for (int i = 0; i < attackers.length; i++) {
            Asn asn = AddressPlan.STUFFING_ASNS.get(i % AddressPlan.STUFFING_ASNS.size());
            String ua = UserAgents.browser(r);
            attackers[i] = Actor.northSouth(asn, addresses.allocate(asn),
                    AddressPlan.GATEWAY_PODS.get(r.nextInt(AddressPlan.GATEWAY_PODS.size())), null, ua,
                    UserAgents.prefersHttp2(ua, r), new int[0]);
            rates[i] = SimRandom.uniform(r, 1.0, 2.0);
        }
    }

    @Override
    protected void shape(TickContext ctx, int i, Request q) {
        SplittableRandom r = ctx.rng;
        Browsing.edge(q, PathCatalogue.LOGIN);
        boolean hit = r.nextDouble() < SUCCESS_SHARE;
        q.upstreamReply(r, PathCatalogue.LOGIN.upstream(), hit ? 200 : 401);
        q.bytesSent = hit ? SimRandom.logNormal(r, 850, 0.15, 300, 4_000) : 54;
        q.bytesReceived = SimRandom.logNormal(r, 105, 0.2, 40, 400);
        q.timing(r, Browsing.medianMillis(PathCatalogue.Kind.LOGIN), 0.4);
    }
}
