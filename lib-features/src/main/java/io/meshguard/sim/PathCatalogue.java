package io.meshguard.sim;

import io.meshguard.sim.MeshTopology.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The storefront's public surface: pages, ~150 API endpoints and static assets, with popularity. */
final class PathCatalogue {
    private PathCatalogue() {}

    enum Kind { PAGE, API_READ, API_WRITE, STATIC, LOGIN, SIGNUP }

    /** One endpoint as users call it. */
    record Entry(String method, String path, Kind kind, Service upstream, String route) {}

    static final String HOST = "shop.example.com";
    static final String API_ROUTE = "storefront-api";
    static final String WEB_ROUTE = "storefront-web";

    static final Entry LOGIN = new Entry("POST", "/api/v1/login", Kind.LOGIN, MeshTopology.service("auth"), API_ROUTE);
    static final Entry SIGNUP = new Entry("POST", "/api/v1/signup", Kind.SIGNUP, MeshTopology.service("auth"), API_ROUTE);
    static final Entry REGISTER = new Entry("POST", "/register", Kind.SIGNUP, MeshTopology.service("frontend"), WEB_ROUTE);
    static final Entry SIGNUP_PAGE = new Entry("GET", "/signup", Kind.PAGE, MeshTopology.service("frontend"), WEB_ROUTE);
    static final Entry HOME = new Entry("GET", "/", Kind.PAGE, MeshTopology.service("frontend"), WEB_ROUTE);

    /** Everything an ordinary visitor browses; login and signup are driven separately. */
    static final List<Entry> BROWSABLE = build();

    /** Zipf popularity over {@link #BROWSABLE}: a few pages and bundles get most of the hits. */
    private static final AliasTable POPULARITY = popularity();

    static Entry popular(SplittableRandom r) {
        return BROWSABLE.get(POPULARITY.sample(r));
    }

    /** A visitor's stable favourites: mostly popular entries, plus a few personal ones. */
    static int[] favourites(SplittableRandom r, int count) {
        int[] picks = new int[count];
        for (int i = 0; i < count; i++) {
            picks[i] = i < count * 2 / 3 ? POPULARITY.sample(r) : r.nextInt(BROWSABLE.size());
        }
        return picks;
    }

    private static AliasTable popularity() {
        double[] w = new double[BROWSABLE.size()];
        // A fixed shuffle decides ranks, so popularity is not simply "pages first, assets last".
        SplittableRandom shuffle = new SplittableRandom(0x5EEDL);
        int[] rank = new int[w.length];
        for (int i = 0; i < rank.length; i++) {
            rank[i] = i;
        }
        for (int i = rank.length - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = 1.0 / (rank[i] + 1);
        }
        return new AliasTable(w);
    }

    private static List<Entry> build() {
        List<Entry> entries = new ArrayList<>();
        Service frontend = MeshTopology.service("frontend");
        Service images = MeshTopology.service("catalog-images");
        for (String page : new String[] {
            "/", "/products", "/deals", "/cart", "/checkout", "/account", "/orders",
            "/search?q=running+shoes", "/category/shoes", "/category/electronics",
        }) {
            entries.add(new Entry("GET", page, Kind.PAGE, frontend, WEB_ROUTE));
        }
        String[][] resources = {
            {"products", "catalog", "r"}, {"categories", "catalog", "r"}, {"brands", "catalog", "r"},
            {"deals", "catalog", "r"}, {"collections", "catalog", "r"}, {"banners", "catalog", "r"},
            {"promotions", "catalog", "r"}, {"stores", "catalog", "r"}, {"recommendations", "catalog", "r"},
            {"compare", "catalog", "r"}, {"search", "search", "r"}, {"cart", "cart", "w"},
            {"orders", "orders", "w"}, {"wishlist", "orders", "w"}, {"reviews", "reviews", "w"},
            {"profile", "auth", "w"}, {"addresses", "auth", "w"}, {"settings", "auth", "w"},
            {"sessions", "sessions", "r"}, {"payments/methods", "payments", "w"},
            {"notifications", "notifications", "r"}, {"shipping/rates", "shipping-rates", "r"},
            {"inventory/availability", "inventory", "r"}, {"feature-flags", "frontend", "r"},
            {"returns", "orders", "w"},
        };
        int id = 1042;
        for (String[] res : resources) {
            Service svc = MeshTopology.service(res[1]);
            String base = "/api/v1/" + res[0];
            entries.add(new Entry("GET", base, Kind.API_READ, svc, API_ROUTE));
            entries.add(new Entry("GET", base + "?page=2", Kind.API_READ, svc, API_ROUTE));
            for (int i = 0; i < 3; i++) {
                id += 317;
                entries.add(new Entry("GET", base + "/" + id, Kind.API_READ, svc, API_ROUTE));
            }
            if (res[2].equals("w")) {
                entries.add(new Entry(id % 2 == 0 ? "POST" : "PUT", base, Kind.API_WRITE, svc, API_ROUTE));
            } else {
                entries.add(new Entry("GET", base + "/featured", Kind.API_READ, svc, API_ROUTE));
            }
        }
        String[] bundles = {
            "/static/js/app.3f9a1c2e.js", "/static/js/vendor.81bd07aa.js", "/static/js/runtime.0c55e1d4.js",
            "/static/js/chunk-cart.9e21f3b0.js", "/static/js/chunk-search.4d7a2c19.js",
            "/static/js/chunk-checkout.b6e0f871.js", "/static/js/chunk-account.2a93d5c6.js",
            "/static/js/chunk-reviews.70f1e4ab.js", "/static/css/main.8b21c0fe.css",
            "/static/css/vendor.1e4f9a27.css", "/static/css/print.5c0b83d2.css",
            "/static/fonts/inter-400.woff2", "/static/fonts/inter-600.woff2", "/static/fonts/icons.woff2",
            "/favicon.ico", "/manifest.json", "/static/img/logo.svg", "/static/img/sprite.svg",
            "/static/img/banner-winter.webp", "/static/img/banner-deals.webp",
        };
        for (String b : bundles) {
            entries.add(new Entry("GET", b, Kind.STATIC, frontend, WEB_ROUTE));
        }
        for (int i = 0; i < 20; i++) {
            entries.add(new Entry("GET", "/static/img/products/" + (20_417 + i * 131) + ".webp", Kind.STATIC,
                    images, WEB_ROUTE));
        }
        return List.copyOf(entries);
    }
}
