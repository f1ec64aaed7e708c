package io.meshguard.sim;

import java.util.SplittableRandom;

/**
 * Two scanners from a hosting ASN probing for exposed files and consoles: a fast one with a
 * scanner's User-Agent and a slow one, below any static rate limit, posing as a browser. Almost
 * every path is new and almost every answer is 404.
 */
final class PathScanner extends WindowedAttack {
    /** Well-known targets; the rest of the wordlist is generated per request. */
    static final String[] SENSITIVE = {
        "/.env", "/.env.production", "/.git/config", "/.git/HEAD", "/.svn/entries", "/.DS_Store",
        "/.aws/credentials", "/.ssh/id_rsa", "/.htpasswd", "/.npmrc", "/.dockerenv", "/admin", "/admin/login",
        "/administrator/", "/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/phpmyadmin/", "/pma/", "/adminer.php",
        "/backup.zip", "/backup.tar.gz", "/db.sql", "/dump.sql", "/site.bak", "/config.json", "/config.yml",
        "/settings.py", "/web.config", "/server-status", "/server-info", "/actuator/env", "/actuator/heapdump",
        "/console", "/manager/html", "/jenkins/script", "/solr/admin/", "/api/v1/internal/debug",
        "/api/v1/internal/users", "/api/swagger.json", "/v2/api-docs", "/graphql", "/debug/vars",
        "/cgi-bin/luci", "/boaform/admin/formLogin", "/HNAP1/", "/owa/auth/logon.aspx", "/remote/login",
        "/index.php?id=1%27%20OR%20%271%27=%271", "/search?q=\"><script>alert(1)</script>",
        "/..\\..\\..\\windows\\win.ini", "/static/../../../../etc/passwd", "/robots.txt", "/sitemap.xml",
    };

    private static final String[] DIRECTORIES = {
        "old", "backup", "bak", "tmp", "test", "dev", "staging", "admin", "cgi-bin", "wp-content/plugins",
        "vendor", "api/v1/internal", "api/v2", "api/beta", "private", "uploads", "logs", "db", "include",
        "scripts", "assets/old", "files", "data", "conf",
    };

    private static final String[] EXTENSIONS = {
        ".php", ".bak", ".zip", ".sql", ".old", ".json", ".yml", ".txt", "", ".asp", ".jsp", ".tar.gz", ".log",
    };

    private static final char[] TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    PathScanner(SimulationConfig config, ScenarioWindow window, AddressPlan addresses, SplittableRandom r) {
        super(window, 2);
        AddressPlan.Asn asn = AddressPlan.HOSTING_ASN;
        String gateway = AddressPlan.GATEWAY_PODS.get(r.nextInt(AddressPlan.GATEWAY_PODS.size()));
        attackers[0] = Actor.northSouth(asn, addresses.allocate(asn), gateway, null, UserAgents.ZGRAB, false,
                new int[0]);
        rates[0] = config.fastScannerRequestsPerSecond();
        String disguise = UserAgents.browser(r);
        attackers[1] = Actor.northSouth(asn, addresses.allocate(asn), gateway, null, disguise, false, new int[0]);
        rates[1] = config.slowScannerRequestsPerSecond();
    }

    @Override
    protected void shape(TickContext ctx, int i, Request q) {
        SplittableRandom r = ctx.rng;
        q.route = PathCatalogue.WEB_ROUTE;
        q.authority = PathCatalogue.HOST;
        q.serverName = PathCatalogue.HOST;
        double m = r.nextDouble();
        q.method = m < 0.85 ? "GET" : m < 0.95 ? "HEAD" : "POST";
        q.path = r.nextDouble() < 0.2 ? SENSITIVE[r.nextInt(SENSITIVE.length)] : generatedPath(r);
        MeshTopology.Service frontend = MeshTopology.service("frontend");
        double u = r.nextDouble();
        if (u < 0.85) {
            q.upstreamReply(r, frontend, 404);
            q.bytesSent = 153;
        } else if (u < 0.92) {
            q.upstreamReply(r, frontend, 403);
            q.bytesSent = 146;
        } else if (u < 0.97) {
            q.upstreamReply(r, frontend, 400);
            q.bytesSent = 157;
        } else {
            q.upstreamReply(r, frontend, 200);
            q.bytesSent = SimRandom.logNormal(r, 900, 0.8, 10, 50_000);
        }
        if (q.method.equals("HEAD")) {
            q.bytesSent = 0;
        }
        q.timing(r, 3, 0.6);
    }

    private static String generatedPath(SplittableRandom r) {
        StringBuilder sb = new StringBuilder(40).append('/');
        sb.append(DIRECTORIES[r.nextInt(DIRECTORIES.length)]).append('/');
        int len = 4 + r.nextInt(6);
        for (int k = 0; k < len; k++) {
            sb.append(TOKEN[r.nextInt(TOKEN.length)]);
        }
        return sb.append(EXTENSIONS[r.nextInt(EXTENSIONS.length)]).toString();
    }
}
