package io.meshguard.sim;

import io.meshguard.sim.AddressPlan.Asn;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ordinary population: internet users (logged in or anonymous) and mesh workloads, with
 * heavy-tailed activity, a daily rhythm, stable habits and a login now and then.
 *
 * <p>Each identity's requests are a Poisson stream, plus a sparse "heartbeat" request at a random
 * moment of every period so that even the quietest identity shows up a few times in a short run.
 */
final class LegitPopulation implements TrafficSource {
    /** Share of identities that are mesh workloads rather than internet clients. */
    static final double EAST_WEST_IDENTITY_SHARE = 0.02;
    /** Share of the legitimate rate that mesh workloads generate (1-10 req/s each by default). */
    static final double EAST_WEST_RATE_SHARE = 0.165;
    static final double LOGGED_IN_SHARE = 0.55;
    /** Tail index of internet clients' activity; lower means a heavier tail. */
    static final double PARETO_ALPHA = 1.2;
    /** The busiest client sends at most this multiple of the mean (3 req/s by default)... */
    static final double CAP_OVER_MEAN = 5.25;
    /** ...and the quietest at least this fraction of it (0.1 req/s by default). */
    static final double FLOOR_OVER_MEAN = 0.175;
    static final double MAX_HEARTBEAT_RATE = 1.0 / 20;
    static final long SESSION_MILLIS = 30 * 60_000L;
    /** Share of the population's clients that live in the signup-flood ASN and the hosting ASN. */
    static final double SIGNUP_ASN_SHARE = 0.01;
    static final double HOSTING_ASN_SHARE = 0.004;

    private static final long HEARTBEAT_SALT = 0x4EA27L;
    private static final long SESSION_SALT = 0x5E55L;

    private final Actor[] actors;
    private final AliasTable picker;
    private final double poissonRateTotal;
    private final long heartbeatPeriodMillis;
    private final long runStartMillis;
    private final double dayLengthMillis;
    private final double dailyAmplitude;
    private final long scheduleSeed;

    LegitPopulation(SimulationConfig config, AddressPlan addresses, SplittableRandom r) {
        int total = config.legitIdentities();
        int eastWest = (int) Math.max(1, Math.min(total - 1, Math.round(total * EAST_WEST_IDENTITY_SHARE)));
        int northSouth = total - eastWest;
        actors = new Actor[total];
        double[] rates = new double[total];
        double ewBudget = config.eventsPerSecond() * EAST_WEST_RATE_SHARE;
        double nsBudget = config.eventsPerSecond() - ewBudget;

        double[] weights = new double[northSouth];
        AliasTable residential = new AliasTable(AddressPlan.RESIDENTIAL_WEIGHTS);
        int signupAsnUsers = (int) Math.round(northSouth * SIGNUP_ASN_SHARE);
        int hostingUsers = (int) Math.round(northSouth * HOSTING_ASN_SHARE);
        for (int i = 0; i < northSouth; i++) {
            Asn asn = i < signupAsnUsers ? AddressPlan.SIGNUP_FLOOD_ASN
                    : i < signupAsnUsers + hostingUsers ? AddressPlan.HOSTING_ASN
                    : AddressPlan.RESIDENTIAL.get(residential.sample(r));
            String userId = r.nextDouble() < LOGGED_IN_SHARE
                    ? Actor.userId(i < 499_999 ? 1 + (i * 48_271L + 4_711) % 499_999 : 1_000_000L + i) : null;
            String ua = UserAgents.browser(r);
            actors[i] = Actor.northSouth(asn, addresses.allocate(asn),
                    AddressPlan.GATEWAY_PODS.get(r.nextInt(AddressPlan.GATEWAY_PODS.size())), userId, ua,
                    UserAgents.prefersHttp2(ua, r), PathCatalogue.favourites(r, 6 + r.nextInt(10)));
            weights[i] = Math.pow(1.0 - r.nextDouble(), -1.0 / PARETO_ALPHA);
        }
        double mean = nsBudget / northSouth;
        double floor = FLOOR_OVER_MEAN * mean;
        double[] clientRates = clampedToBudget(weights, nsBudget, floor, CAP_OVER_MEAN * mean);
        System.arraycopy(clientRates, 0, rates, 0, northSouth);

        double ewRaw = 0;
        for (int j = 0; j < eastWest; j++) {
            String ns = MeshTopology.workloadNamespace(j);
            String ua = r.nextDouble() < 0.75 ? UserAgents.GRPC_GO : UserAgents.ENVOY;
            actors[northSouth + j] = Actor.eastWest(ns, MeshTopology.workloadName(j),
                    MeshTopology.workloadPodIp(j), ua, upstreams(ns, r));
            rates[northSouth + j] = SimRandom.uniform(r, 1, 10);
            ewRaw += rates[northSouth + j];
        }
        for (int j = 0; j < eastWest; j++) {
            rates[northSouth + j] *= ewBudget / ewRaw;
        }

        // The heartbeat is part of each identity's rate, never more than 60% of the quietest one's.
        double quietestWorkload = minOf(rates, northSouth, total);
        double heartbeatRate = Math.min(MAX_HEARTBEAT_RATE, 0.6 * Math.min(floor, quietestWorkload));
        heartbeatPeriodMillis = Math.max(1, Math.round(1000.0 / heartbeatRate));
        double[] poissonRates = new double[total];
        double sum = 0;
        for (int i = 0; i < total; i++) {
            poissonRates[i] = Math.max(0, rates[i] - 1000.0 / heartbeatPeriodMillis);
            sum += poissonRates[i];
        }
        picker = new AliasTable(poissonRates);
        poissonRateTotal = sum;
        runStartMillis = config.startEpochMillis();
        dayLengthMillis = config.dayLengthSeconds() * 1000.0;
        dailyAmplitude = config.dailyAmplitude();
        scheduleSeed = r.nextLong();
    }

    @Override
    public List<GroundTruthLabel> labels() {
        List<GroundTruthLabel> labels = new ArrayList<>(actors.length);
        for (Actor a : actors) {
            labels.add(GroundTruthLabel.legit(a.identity, Scenario.LEGIT, a.segment));
        }
        return labels;
    }

    @Override
    public void generate(TickContext ctx) {
        double rhythm = rhythmAt((ctx.fromMillis + ctx.toMillis) / 2);
        int n = SimRandom.poisson(ctx.rng, poissonRateTotal * rhythm * ctx.seconds());
        for (int k = 0; k < n; k++) {
            ordinary(ctx, actors[picker.sample(ctx.rng)], ctx.randomTime());
        }
        for (int i = 0; i < actors.length; i++) {
            long beat = scheduled(ctx, i, heartbeatPeriodMillis, HEARTBEAT_SALT);
            if (beat >= 0) {
                ordinary(ctx, actors[i], beat);
            }
            if (actors[i].userId != null) {
                long login = scheduled(ctx, i, SESSION_MILLIS, SESSION_SALT);
                if (login >= 0) {
                    // One login per session; a mistyped password now and then.
                    Browsing.login(ctx, actors[i], login, Scenario.LEGIT, ctx.rng.nextDouble() >= 0.03);
                }
            }
        }
    }

    /** The daily multiplier: baseline at the run's start, rising first, averaging 1 over a day. */
    double rhythmAt(long epochMillis) {
        double phase = (epochMillis - runStartMillis) / dayLengthMillis;
        return 1.0 + dailyAmplitude * Math.sin(2 * Math.PI * phase);
    }

    /**
     * The instant within this tick at which identity {@code i} has its once-per-period event, or -1.
     * The instant depends only on the identity and the period, never on the tick, so any reader of
     * any tick agrees on it.
     */
    private long scheduled(TickContext ctx, int i, long period, long salt) {
        long first = Math.floorDiv(ctx.fromMillis - runStartMillis, period);
        long last = Math.floorDiv(ctx.toMillis - 1 - runStartMillis, period);
        for (long k = first; k <= last; k++) {
            long t = runStartMillis + k * period
                    + Math.floorMod(SimRandom.hash(scheduleSeed ^ salt, i, k), period);
            if (ctx.contains(t)) {
                return t;
            }
        }
        return -1;
    }

    private static void ordinary(TickContext ctx, Actor a, long t) {
        if (a.eastWest) {
            MeshCalls.call(ctx, a, t, MeshCalls.usualUpstream(a, ctx.rng), Scenario.LEGIT, false);
        } else {
            Browsing.visit(ctx, a, t, Scenario.LEGIT);
        }
    }

    /** One to three services of other namespaces that a workload depends on. */
    private static int[] upstreams(String ownNamespace, SplittableRandom r) {
        int count = 1 + r.nextInt(3);
        int[] picked = new int[count];
        int n = 0;
        while (n < count) {
            MeshTopology.Service s = MeshTopology.SERVICES.get(r.nextInt(MeshTopology.SERVICES.size()));
            boolean taken = s.namespace.equals(ownNamespace);
            for (int k = 0; k < n; k++) {
                taken |= picked[k] == s.index;
            }
            if (!taken) {
                picked[n++] = s.index;
            }
        }
        return picked;
    }

    /** Scales weights so that, clamped to [floor, cap], they sum to the budget (bisection on the scale). */
    static double[] clampedToBudget(double[] weights, double budget, double floor, double cap) {
        double lo = 0;
        double hi = 1;
        while (clampedSum(weights, hi, floor, cap) < budget && hi < 1e12) {
            hi *= 2;
        }
        for (int iter = 0; iter < 100; iter++) {
            double mid = (lo + hi) / 2;
            if (clampedSum(weights, mid, floor, cap) < budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double[] out = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            out[i] = Math.max(floor, Math.min(cap, hi * weights[i]));
        }
        return out;
    }

    private static double clampedSum(double[] weights, double scale, double floor, double cap) {
        double sum = 0;
        for (double w : weights) {
            sum += Math.max(floor, Math.min(cap, scale * w));
        }
        return sum;
    }

    private static double minOf(double[] values, int from, int to) {
        double min = Double.MAX_VALUE;
        for (int i = from; i < to; i++) {
            min = Math.min(min, values[i]);
        }
        return min;
    }
}
