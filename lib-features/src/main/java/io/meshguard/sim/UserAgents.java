package io.meshguard.sim;

import java.util.SplittableRandom;

/** User-Agent strings seen in the simulated mesh. */
final class UserAgents {
    private UserAgents() {}

    private static final String[] BROWSERS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "ShopApp/5.12.0 (iPhone; iOS 18.1; Scale/3.00)",
        "ShopApp/5.12.0 (Linux; Android 14; SM-S921B)",
    };

    /** Share of {@link #BROWSERS} among visitors: Chrome and the shop's own apps dominate. */
    private static final AliasTable BROWSER_SHARE =
            new AliasTable(new double[] {0.24, 0.10, 0.14, 0.11, 0.05, 0.05, 0.04, 0.15, 0.12});

    static final String PYTHON_REQUESTS = "python-requests/2.32.3";
    static final String ZGRAB = "Mozilla/5.0 zgrab/0.x";
    static final String GRPC_GO = "grpc-go/1.64.0";
    static final String ENVOY = "Envoy/1.30.1";

    static String browser(SplittableRandom r) {
        return BROWSERS[BROWSER_SHARE.sample(r)];
    }

    /** Native apps and most modern browsers negotiate HTTP/2 with the edge. */
    static boolean prefersHttp2(String userAgent, SplittableRandom r) {
        return userAgent.startsWith("ShopApp") || r.nextDouble() < 0.8;
    }
}
