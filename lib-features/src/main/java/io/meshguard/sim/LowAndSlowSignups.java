package io.meshguard.sim;

import io.meshguard.sim.AddressPlan.Asn;
import io.meshguard.sim.PathCatalogue.Entry;
import io.meshguard.sim.PathCatalogue.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fake-account farm working through a residential-proxy pool whose exits sit in one small mobile
 * carrier ({@link AddressPlan#MOBILE_PROXY_ASN}): every account is made by a fresh address that
 * behaves like one person signing up once, and only the carrier's segment as a whole is abnormal.
 * Opt-in ({@link Scenario#isOptIn()}): it exists to show what adaptive segment thresholds add.
 *
 * <p><b>One bot</b> drives a real browser with an ordinary browser user agent: it opens the signup
 * page (the page and its script and style bundles), fills the form at a brisk human pace, posts it
 * (201; 409 when the farm's e-mail list hands out an address that is already registered, after
 * which it tries once more a few seconds later), logs in with the new account to check that it
 * works (200), lands on the home page and never comes back. That is five to eight requests in
 * about a quarter of a minute, all answered as for a real newcomer.
 *
 * <p><b>Why each bot alone looks only mildly odd.</b> A newcomer is judged against its segment's
 * peers or the cold-start prior: its request rate, bytes, durations, paths, upstreams and user
 * agent are those of anyone opening a page, and its error ratios rest on too few requests to count
 * (one 409 among six requests is discounted by the evidence weighting). What remains is the
 * login/signup rate: three or four auth requests within the first twenty seconds, where a typical
 * visitor has none. Three such requests (page, signup, login) score about 2.5 to 3.5, between the
 * tightened (2) and the base (4) rate-limit cut-off; only the bots whose first signup bounced, and
 * so post a fourth auth request, reach the base cut-off on their own. A genuine newcomer signing
 * up looks the same, which is why a per-identity detector with fixed cut-offs must let them pass.
 *
 * <p><b>Why the segment is clearly abnormal.</b> The farm makes {@link
 * SimulationConfig#lowAndSlowArrivalsPerSecond()} new accounts per second (25 by default), each
 * from an address the carrier's segment has never seen, in a segment whose few dozen genuine
 * customers bring about no new identities and a login per half hour each: its new-identity rate
 * rises by tens of times its usual level and its auth rate with it, so the segment controller
 * clamps it and halves its cut-offs, and the bots' modest scores are then enough.
 *
 * <p>The carrier's genuine customers are played here too (labelled {@link Scenario#LEGIT}), so
 * that the segment has the history its controller needs and the default population stays exactly
 * as it is when the scenario is off. They browse all run long like anyone else; acting on them
 * while the segment is clamped is collateral damage and counts as a false positive.
 */
final class LowAndSlowSignups implements TrafficSource {
    /** Genuine customers of the carrier, as a share of the legitimate population (at least five). */
    static final double RESIDENT_SHARE = 0.01;
    static final double RESIDENT_LOGGED_IN_SHARE = 0.5;
    /** Share of first signups answered 409 (the farm's address list has duplicates); those retry once. */
    static final double DUPLICATE_SHARE = 0.2;
    /** Share of bots that check their new account by logging in. */
    static final double LOGIN_SHARE = 0.95;

    private static final byte PAGE = 0;
    private static final byte ASSET = 1;
    private static final byte SIGNUP_CREATED = 2;
    private static final byte SIGNUP_TAKEN = 3;
    private static final byte LOGIN = 4;
    private static final byte LANDING = 5;

    /** The bundles a browser fetches with the signup page. */
    private static final List<Entry> SIGNUP_ASSETS = PathCatalogue.BROWSABLE.stream()
            .filter(e -> e.kind() == Kind.STATIC && (e.path().startsWith("/static/js/app.")
                    || e.path().startsWith("/static/js/vendor.") || e.path().startsWith("/static/js/runtime.")
                    || e.path().startsWith("/static/css/main.")))
            .toList();

    private final ScenarioWindow window;
    private final Actor[] bots;
    private final Actor[] residents;
    private final double[] residentRates;
    private final long[] residentLogins;
    // Every bot request, sorted by time: a tick finds its share by binary search.
    private final long[] stepTimes;
    private final int[] stepBots;
    private final byte[] stepKinds;
    private final short[] stepAssets;

    LowAndSlowSignups(SimulationConfig config, ScenarioWindow window, AddressPlan addresses, SplittableRandom r) {
        this.window = window;
        Asn asn = AddressPlan.MOBILE_PROXY_ASN;

        int n = (int) Math.max(5, Math.round(config.legitIdentities() * RESIDENT_SHARE));
        residents = new Actor[n];
        residentRates = new double[n];
        residentLogins = new long[n];
        for (int i = 0; i < n; i++) {
            String ua = UserAgents.browser(r);
            // Ids above every other population's, so no customer is anyone else.
            String userId = r.nextDouble() < RESIDENT_LOGGED_IN_SHARE ? Actor.userId(3_000_000L + i) : null;
            residents[i] = Actor.northSouth(asn, addresses.allocate(asn), gateway(r), userId, ua,
                    UserAgents.prefersHttp2(ua, r), PathCatalogue.favourites(r, 6 + r.nextInt(10)));
            residentRates[i] = SimRandom.uniform(r, 0.1, 0.6);
            residentLogins[i] = userId == null ? -1 : config.startEpochMillis() + r.nextLong(config.durationMillis());
        }

        int count = (int) Math.max(1, Math.round(config.lowAndSlowArrivalsPerSecond() * window.durationMillis() / 1000.0));
        bots = new Actor[count];
        List<long[]> steps = new ArrayList<>(count * 8);
        for (int i = 0; i < count; i++) {
            String ua = browserOnly(r);
            bots[i] = Actor.northSouth(asn, addresses.allocate(asn), gateway(r), null, ua,
                    UserAgents.prefersHttp2(ua, r), new int[0]);
            plan(i, r, steps);
        }
        steps.sort((a, b) -> Long.compare(a[0], b[0]));
        stepTimes = new long[steps.size()];
        stepBots = new int[steps.size()];
        stepKinds = new byte[steps.size()];
        stepAssets = new short[steps.size()];
        for (int k = 0; k < steps.size(); k++) {
            long[] s = steps.get(k);
            stepTimes[k] = s[0];
            stepBots[k] = (int) s[1];
            stepKinds[k] = (byte) s[2];
            stepAssets[k] = (short) s[3];
        }
    }

    /** One bot's visit: signup page with its bundles, form, signup (and a retry), login, landing. */
    private void plan(int bot, SplittableRandom r, List<long[]> steps) {
        long t = window.startMillis() + r.nextLong(window.durationMillis());
        add(steps, t, bot, PAGE, 0);
        int assets = 2 + r.nextInt(SIGNUP_ASSETS.size() - 1);
        for (int a = 0; a < assets; a++) {
            add(steps, t + 60 + r.nextLong(900), bot, ASSET, a);
        }
        // Filling in the form: a brisk human, not a script posting at once.
        t += seconds(r, 4, 10);
        if (r.nextDouble() < DUPLICATE_SHARE) {
            add(steps, t, bot, SIGNUP_TAKEN, 0);
            t += seconds(r, 3, 7);
        }
        add(steps, t, bot, SIGNUP_CREATED, 0);
        if (r.nextDouble() < LOGIN_SHARE) {
            t += seconds(r, 2, 6);
            add(steps, t, bot, LOGIN, 0);
        }
        t += seconds(r, 1, 4);
        add(steps, t, bot, LANDING, 0);
    }

    private void add(List<long[]> steps, long t, int bot, byte kind, int asset) {
        // Late arrivals are cut short rather than spill out of the window.
        steps.add(new long[] {Math.min(t, window.endMillis() - 1), bot, kind, asset});
    }

    @Override
    public List<GroundTruthLabel> labels() {
        List<GroundTruthLabel> labels = new ArrayList<>(residents.length + bots.length);
        for (Actor a : residents) {
            labels.add(GroundTruthLabel.legit(a.identity, Scenario.LEGIT, a.segment));
        }
        for (Actor a : bots) {
            labels.add(GroundTruthLabel.attack(a.identity, window, a.segment));
        }
        return labels;
    }

    @Override
    public void generate(TickContext ctx) {
        for (int i = 0; i < residents.length; i++) {
            int k = SimRandom.poisson(ctx.rng, residentRates[i] * ctx.seconds());
            for (int j = 0; j < k; j++) {
                Browsing.visit(ctx, residents[i], ctx.randomTime(), Scenario.LEGIT);
            }
            if (residentLogins[i] >= 0 && ctx.contains(residentLogins[i])) {
                Browsing.login(ctx, residents[i], residentLogins[i], Scenario.LEGIT, ctx.rng.nextDouble() >= 0.03);
            }
        }
        for (int k = firstAtOrAfter(ctx.fromMillis); k < stepTimes.length && stepTimes[k] < ctx.toMillis; k++) {
            emit(ctx, stepBots[k], stepKinds[k], stepAssets[k], stepTimes[k]);
        }
    }

    /** Index of the first step at or after the instant (lower bound), or the number of steps. */
    private int firstAtOrAfter(long millis) {
        int lo = 0;
        int hi = stepTimes.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stepTimes[mid] < millis) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void emit(TickContext ctx, int bot, byte kind, int asset, long t) {
        SplittableRandom r = ctx.rng;
        Request q = ctx.begin(t);
        switch (kind) {
            case PAGE -> page(q, r, PathCatalogue.SIGNUP_PAGE, 21_000);
            case ASSET -> {
                Entry e = SIGNUP_ASSETS.get(asset);
                Browsing.edge(q, e);
                // A fresh browser profile: nothing cached yet.
                q.upstreamReply(r, e.upstream(), 200);
                q.bytesSent = SimRandom.logNormal(r, 60_000, 0.8, 2_000, 800_000);
                q.timing(r, Browsing.medianMillis(Kind.STATIC), 0.7);
            }
            case SIGNUP_CREATED, SIGNUP_TAKEN -> {
                Entry e = PathCatalogue.SIGNUP;
                Browsing.edge(q, e);
                if (kind == SIGNUP_CREATED) {
                    q.upstreamReply(r, e.upstream(), 201);
                    q.bytesSent = SimRandom.logNormal(r, 410, 0.2, 100, 4_000);
                } else {
                    q.upstreamReply(r, e.upstream(), 409);
                    q.bytesSent = 64;
                }
                q.bytesReceived = SimRandom.logNormal(r, 310, 0.25, 80, 4_000);
                q.timing(r, Browsing.medianMillis(Kind.SIGNUP), 0.4);
            }
            case LOGIN -> {
                Entry e = PathCatalogue.LOGIN;
                Browsing.edge(q, e);
                q.upstreamReply(r, e.upstream(), 200);
                q.bytesSent = SimRandom.logNormal(r, 850, 0.15, 300, 4_000);
                q.bytesReceived = SimRandom.logNormal(r, 95, 0.2, 40, 400);
                q.timing(r, Browsing.medianMillis(Kind.LOGIN), 0.4);
            }
            case LANDING -> page(q, r, PathCatalogue.HOME, 32_000);
            default -> throw new IllegalStateException("unknown step " + kind);
        }
        ctx.emit(bots[bot], q, Scenario.LOW_AND_SLOW_SIGNUPS, true);
    }

    private static void page(Request q, SplittableRandom r, Entry page, double medianBytes) {
        Browsing.edge(q, page);
        q.upstreamReply(r, page.upstream(), 200);
        q.bytesSent = SimRandom.logNormal(r, medianBytes, 0.3, 2_000, 500_000);
        q.timing(r, Browsing.medianMillis(Kind.PAGE), 0.5);
    }

    /** A desktop or mobile browser: the farm drives browsers, not the shop's native app. */
    private static String browserOnly(SplittableRandom r) {
        String ua = UserAgents.browser(r);
        while (ua.startsWith("ShopApp")) {
            ua = UserAgents.browser(r);
        }
        return ua;
    }

    private static String gateway(SplittableRandom r) {
        return AddressPlan.GATEWAY_PODS.get(r.nextInt(AddressPlan.GATEWAY_PODS.size()));
    }

    private static long seconds(SplittableRandom r, double from, double to) {
        return Math.round(SimRandom.uniform(r, from, to) * 1000);
    }
}
