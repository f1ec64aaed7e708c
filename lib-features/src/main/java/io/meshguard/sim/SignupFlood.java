package io.meshguard.sim;

import io.meshguard.sim.AddressPlan.Asn;
import io.meshguard.sim.PathCatalogue.Entry;
import java.util.SplittableRandom;

/**
 * Fresh addresses from one ASN each creating an account every second or two. Most signups
 * succeed; validation, duplicate and rate-limit rejections show the form being hammered.
 */
final class SignupFlood extends WindowedAttack {
    private final Entry[] endpoints;

    SignupFlood(SimulationConfig config, ScenarioWindow window, AddressPlan addresses, SplittableRandom r) {
        super(window, config.signupFloodIps());
        endpoints = new Entry[attackers.length];
        for (int i = 0; i < attackers.length; i++) {
            // Most bots drive a headless browser; the lazier ones do not bother hiding their library.
            boolean library = r.nextDouble() < 0.25;
            String ua = library ? UserAgents.PYTHON_REQUESTS : UserAgents.browser(r);
            Asn asn = AddressPlan.SIGNUP_FLOOD_ASN;
            attackers[i] = Actor.northSouth(asn, addresses.allocate(asn),
                    AddressPlan.GATEWAY_PODS.get(r.nextInt(AddressPlan.GATEWAY_PODS.size())), null, ua,
                    !library && UserAgents.prefersHttp2(ua, r), new int[0]);
            endpoints[i] = r.nextDouble() < 0.8 ? PathCatalogue.SIGNUP : PathCatalogue.REGISTER;
            rates[i] = SimRandom.uniform(r, 0.5, 1.0);
        }
    }

    @Override
    protected void shape(TickContext ctx, int i, Request q) {
        SplittableRandom r = ctx.rng;
        if (r.nextDouble() < 0.1) {
            Entry page = PathCatalogue.SIGNUP_PAGE;
            Browsing.edge(q, page);
            q.upstreamReply(r, page.upstream(), 200);
            q.bytesSent = SimRandom.logNormal(r, 21_000, 0.2, 2_000, 100_000);
            q.timing(r, 40, 0.5);
            return;
        }
        Entry e = endpoints[i];
        Browsing.edge(q, e);
        double u = r.nextDouble();
        if (u < 0.75) {
            q.upstreamReply(r, e.upstream(), 201);
            q.bytesSent = SimRandom.logNormal(r, 410, 0.2, 100, 4_000);
        } else if (u < 0.85) {
            q.upstreamReply(r, e.upstream(), 400);
            q.bytesSent = 87;
        } else if (u < 0.93) {
            q.upstreamReply(r, e.upstream(), 409);
            q.bytesSent = 64;
        } else {
            q.localReply(e.upstream(), 429, "RL", "local_rate_limited");
            q.bytesSent = 18;
        }
        q.bytesReceived = SimRandom.logNormal(r, 310, 0.25, 80, 4_000);
        q.timing(r, Browsing.medianMillis(e.kind()), 0.4);
    }
}
