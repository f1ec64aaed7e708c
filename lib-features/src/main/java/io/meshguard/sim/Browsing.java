package io.meshguard.sim;

import io.meshguard.sim.PathCatalogue.Entry;
import io.meshguard.sim.PathCatalogue.Kind;
import java.util.SplittableRandom;

/** How a person on the internet uses the storefront: pages, API calls and assets, mostly successful. */
final class Browsing {
    private Browsing() {}

    /** Share of requests that revisit one of the visitor's favourites rather than something popular. */
    static final double FAVOURITE_SHARE = 0.85;

    /** One ordinary request: usually a favourite, otherwise whatever is popular. */
    static void visit(TickContext ctx, Actor a, long t, Scenario scenario) {
        SplittableRandom r = ctx.rng;
        Entry e;
        if (r.nextDouble() < FAVOURITE_SHARE) {
            // Squaring skews towards the first favourites: everyone has a couple of habits.
            double u = r.nextDouble();
            e = PathCatalogue.BROWSABLE.get(a.favourites[(int) (u * u * a.favourites.length)]);
        } else {
            e = PathCatalogue.popular(r);
        }
        request(ctx, a, t, e, scenario);
    }

    /** A request for one catalogue entry with a realistic outcome: ~2% 404, ~1% 401, ~0.5% 5xx. */
    static void request(TickContext ctx, Actor a, long t, Entry e, Scenario scenario) {
        SplittableRandom r = ctx.rng;
        Request q = edge(ctx.begin(t), e);
        double u = r.nextDouble();
        if (u < 0.005) {
            q.serverError(r, e.upstream());
        } else if (u < 0.025) {
            q.upstreamReply(r, e.upstream(), 404);
            q.bytesSent = SimRandom.logNormal(r, 90, 0.3, 20, 2_000);
        } else if (u < 0.035 && e.kind() != Kind.STATIC) {
            // Expired sessions and tokens: the client logs in again later.
            q.upstreamReply(r, e.upstream(), 401);
            q.bytesSent = 54;
        } else {
            success(q, e, r);
        }
        if (e.kind() == Kind.API_WRITE) {
            q.bytesReceived = SimRandom.logNormal(r, 380, 0.5, 20, 20_000);
        }
        q.timing(r, medianMillis(e.kind()), e.kind() == Kind.STATIC ? 0.7 : 0.6);
        ctx.emit(a, q, scenario, false);
    }

    /** A login by a genuine user: almost always right first time. */
    static void login(TickContext ctx, Actor a, long t, Scenario scenario, boolean success) {
        SplittableRandom r = ctx.rng;
        Request q = edge(ctx.begin(t), PathCatalogue.LOGIN);
        q.upstreamReply(r, PathCatalogue.LOGIN.upstream(), success ? 200 : 401);
        q.bytesSent = success ? SimRandom.logNormal(r, 850, 0.15, 300, 4_000) : 54;
        q.bytesReceived = SimRandom.logNormal(r, 95, 0.2, 40, 400);
        q.timing(r, medianMillis(Kind.LOGIN), 0.4);
        ctx.emit(a, q, scenario, false);
    }

    /** Fills the fields every request through the storefront's edge shares. */
    static Request edge(Request q, Entry e) {
        q.method = e.method();
        q.path = e.path();
        q.route = e.route();
        q.authority = PathCatalogue.HOST;
        q.serverName = PathCatalogue.HOST;
        return q;
    }

    private static void success(Request q, Entry e, SplittableRandom r) {
        switch (e.kind()) {
            case STATIC -> {
                // Browsers revalidate cached assets; a 304 carries no body.
                boolean cached = r.nextDouble() < 0.3;
                q.upstreamReply(r, e.upstream(), cached ? 304 : 200);
                q.bytesSent = cached ? 0 : SimRandom.logNormal(r, 18_000, 1.0, 200, 2_000_000);
            }
            case PAGE -> {
                q.upstreamReply(r, e.upstream(), 200);
                q.bytesSent = SimRandom.logNormal(r, 32_000, 0.4, 2_000, 500_000);
            }
            case API_WRITE -> {
                boolean created = e.method().equals("POST");
                q.upstreamReply(r, e.upstream(), created ? 201 : 204);
                q.bytesSent = created ? SimRandom.logNormal(r, 600, 0.5, 40, 20_000) : 0;
            }
            default -> {
                q.upstreamReply(r, e.upstream(), 200);
                q.bytesSent = SimRandom.logNormal(r, 2_400, 0.9, 40, 400_000);
            }
        }
    }

    static double medianMillis(Kind kind) {
        return switch (kind) {
            case STATIC -> 4;
            case PAGE -> 70;
            case API_WRITE -> 60;
            case LOGIN, SIGNUP -> 180;
            default -> 35;
        };
    }
}
