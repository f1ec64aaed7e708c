package io.meshguard.sim;

import io.meshguard.sim.AddressPlan.Asn;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A promotion goes viral: hundreds of new users from every residential ASN arrive within seconds,
 * each opens the home page, logs in once and then browses like anyone else. Legitimate: a
 * detector that blocks them has failed.
 */
final class FlashCrowd implements TrafficSource {
    static final long ARRIVAL_SPREAD_MILLIS = 5_000;

    private final ScenarioWindow window;
    private final Actor[] users;
    private final long[] arrivals;
    private final long[] logins;
    private final double[] rates;

    FlashCrowd(SimulationConfig config, ScenarioWindow window, AddressPlan addresses, SplittableRandom r) {
        this.window = window;
        int n = config.flashCrowdUsers();
        users = new Actor[n];
        arrivals = new long[n];
        logins = new long[n];
        rates = new double[n];
        AliasTable residential = new AliasTable(AddressPlan.RESIDENTIAL_WEIGHTS);
        long spread = Math.min(ARRIVAL_SPREAD_MILLIS, window.durationMillis() / 4);
        for (int i = 0; i < n; i++) {
            Asn asn = AddressPlan.RESIDENTIAL.get(residential.sample(r));
            String ua = UserAgents.browser(r);
            // New accounts get ids from the upper half of the id space.
            String userId = Actor.userId(500_000 + (i * 48_271L + 911) % 499_999);
            users[i] = Actor.northSouth(asn, addresses.allocate(asn),
                    AddressPlan.GATEWAY_PODS.get(r.nextInt(AddressPlan.GATEWAY_PODS.size())), userId, ua,
                    UserAgents.prefersHttp2(ua, r), PathCatalogue.favourites(r, 6 + r.nextInt(8)));
            arrivals[i] = window.startMillis() + r.nextLong(Math.max(1, spread));
            logins[i] = Math.min(window.endMillis() - 1, arrivals[i] + 1_000 + r.nextLong(3_000));
            rates[i] = SimRandom.uniform(r, 0.5, 1.0);
        }
    }

    @Override
    public List<GroundTruthLabel> labels() {
        List<GroundTruthLabel> labels = new ArrayList<>(users.length);
        for (Actor a : users) {
            labels.add(GroundTruthLabel.legit(a.identity, Scenario.FLASH_CROWD, a.segment));
        }
        return labels;
    }

    @Override
    public void generate(TickContext ctx) {
        if (ctx.overlapSeconds(window.startMillis(), window.endMillis()) == 0) {
            return;
        }
        for (int i = 0; i < users.length; i++) {
            if (ctx.contains(arrivals[i])) {
                Browsing.request(ctx, users[i], arrivals[i], PathCatalogue.HOME, Scenario.FLASH_CROWD);
            }
            if (ctx.contains(logins[i])) {
                Browsing.login(ctx, users[i], logins[i], Scenario.FLASH_CROWD, true);
            }
            long from = arrivals[i] + 1;
            int n = SimRandom.poisson(ctx.rng, rates[i] * ctx.overlapSeconds(from, window.endMillis()));
            for (int k = 0; k < n; k++) {
                Browsing.visit(ctx, users[i], ctx.randomTime(from, window.endMillis()), Scenario.FLASH_CROWD);
            }
        }
    }
}
