package io.meshguard.sim;

import java.util.ArrayList;
import java.util.List;

/** The simulated cluster: namespaces, their services and the pods behind each service. */
final class MeshTopology {
    private MeshTopology() {}

    static final String TRUST_DOMAIN = "cluster.local";

    static final List<String> NAMESPACES = List.of(
            "frontend", "catalog", "orders", "payments", "auth",
            "search", "inventory", "shipping", "reviews", "notifications");

    /** A mesh service with the strings Envoy logs for it, precomputed once. */
    static final class Service {
        final int index;
        final String name;
        final String namespace;
        final String fqdn;
        final String cluster;
        final String authority;
        final String sni;
        final String clusterIpPort;
        final String[] endpoints;
        final String[] grpcMethods;
        final String[] restPaths;
        final String[] adminPaths;

        Service(int index, String name, String namespace, String entity) {
            this.index = index;
            this.name = name;
            this.namespace = namespace;
            this.fqdn = name + "." + namespace + ".svc.cluster.local";
            this.cluster = "outbound|8080||" + fqdn;
            this.authority = name + "." + namespace + ":8080";
            this.sni = "outbound_.8080_._." + fqdn;
            int nsIndex = NAMESPACES.indexOf(namespace);
            this.clusterIpPort = "10.96." + (10 + nsIndex) + "." + (20 + index) + ":8080";
            this.endpoints = new String[3];
            for (int i = 0; i < endpoints.length; i++) {
                endpoints[i] = "10.244." + (3 + nsIndex) + "." + (10 + index * 3 + i) + ":8080";
            }
            String pkg = "/" + name.replace("-", "") + ".v1.";
            String api = pkg + camel(name) + "Service/";
            this.grpcMethods = new String[] {
                api + "Get" + entity, api + "List" + entity + "s", api + "BatchGet" + entity + "s",
                api + "Update" + entity, api + "Watch" + entity + "s",
            };
            String rest = "/v1/" + entity.toLowerCase() + "s";
            this.restPaths = new String[] {rest, rest + "/batch", rest + ":search", rest + "/summary"};
            this.adminPaths = new String[] {
                pkg + "AdminService/ExportAll", pkg + "AdminService/ListCredentials",
                "/admin/v1/dump", "/internal/v1/config", "/debug/pprof/heap",
            };
        }

        String endpoint(int replica) {
            return endpoints[replica % endpoints.length];
        }
    }

    static final List<Service> SERVICES = buildServices();

    static Service service(String name) {
        for (Service s : SERVICES) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no service " + name);
    }

    static String spiffe(String namespace, String serviceAccount) {
        return "spiffe://" + TRUST_DOMAIN + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    /** Workload role names; combined with a namespace they name a deployment and its service account. */
    private static final String[] ROLES = {"api", "worker", "consumer", "cron", "indexer", "reconciler"};

    /**
     * The name of the n-th ordinary workload: namespaces take turns so every namespace gets a share.
     * None is called {@code -sync}, which is reserved for the compromised workload.
     */
    static String workloadName(int n) {
        String ns = NAMESPACES.get(n % NAMESPACES.size());
        int round = n / NAMESPACES.size();
        String role = ROLES[round % ROLES.length];
        int generation = round / ROLES.length;
        return ns + "-" + role + (generation == 0 ? "" : "-" + (generation + 1));
    }

    static String workloadNamespace(int n) {
        return NAMESPACES.get(n % NAMESPACES.size());
    }

    /** A pod address of the n-th ordinary workload, outside every service's endpoint range. */
    static String workloadPodIp(int n) {
        int nsIndex = n % NAMESPACES.size();
        int k = n / NAMESPACES.size();
        return "10.244." + (20 + nsIndex + 10 * (k / 200)) + "." + (50 + k % 200);
    }

    private static List<Service> buildServices() {
        String[][] spec = {
            {"frontend", "frontend", "Page"},
            {"catalog", "catalog", "Product"},
            {"catalog-images", "catalog", "Image"},
            {"orders", "orders", "Order"},
            {"cart", "orders", "Cart"},
            {"payments", "payments", "Payment"},
            {"fraud-check", "payments", "Assessment"},
            {"auth", "auth", "Token"},
            {"sessions", "auth", "Session"},
            {"search", "search", "Result"},
            {"inventory", "inventory", "Stock"},
            {"shipping", "shipping", "Shipment"},
            {"shipping-rates", "shipping", "Rate"},
            {"reviews", "reviews", "Review"},
            {"notifications", "notifications", "Notification"},
            {"email", "notifications", "Email"},
        };
        List<Service> services = new ArrayList<>();
        for (String[] s : spec) {
            services.add(new Service(services.size(), s[0], s[1], s[2]));
        }
        return List.copyOf(services);
    }

    private static String camel(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("-")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }
}
