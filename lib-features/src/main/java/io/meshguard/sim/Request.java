package io.meshguard.sim;

import io.meshguard.sim.MeshTopology.Service;
import java.util.SplittableRandom;

/** The per-request fields of one log line, filled by a traffic shape and then rendered. Reused. */
final class Request {
    long startMillis;
    String method;
    String path;
    String route;
    String authority;
    String serverName;
    int status;
    String flags;
    String details;
    String terminationDetails;
    String transportFailure;
    long bytesReceived;
    long bytesSent;
    long durationMillis;
    /** -1 when Envoy answered itself and no upstream timing exists. */
    long upstreamMillis;
    Service upstream;
    /** Null when no upstream host was picked (local replies). */
    String upstreamHost;

    Request reset(long startMillis) {
        this.startMillis = startMillis;
        method = "GET";
        path = "/";
        route = "default";
        authority = null;
        serverName = null;
        status = 200;
        flags = "-";
        details = "via_upstream";
        terminationDetails = null;
        transportFailure = null;
        bytesReceived = 0;
        bytesSent = 0;
        durationMillis = 1;
        upstreamMillis = -1;
        upstream = null;
        upstreamHost = null;
        return this;
    }

    /** Routes to one of the service's pods and records its answer. */
    void upstreamReply(SplittableRandom r, Service service, int status) {
        this.upstream = service;
        this.upstreamHost = service.endpoint(r.nextInt(3));
        this.status = status;
        this.flags = "-";
        this.details = "via_upstream";
    }

    /** Envoy answers without reaching any pod (rate limit, RBAC denial, no healthy host). */
    void localReply(Service service, int status, String flags, String details) {
        this.upstream = service;
        this.upstreamHost = null;
        this.status = status;
        this.flags = flags;
        this.details = details;
    }

    /** Total and upstream latency; local replies take under a millisecond of Envoy's own time. */
    void timing(SplittableRandom r, double medianMillis, double sigma) {
        if (upstreamHost == null) {
            durationMillis = r.nextInt(2);
            upstreamMillis = -1;
            return;
        }
        durationMillis = SimRandom.logNormal(r, medianMillis, sigma, 1, 30_000);
        upstreamMillis = Math.max(0, durationMillis - r.nextInt(3));
    }

    /** The mix of failures a healthy mesh still shows now and then. */
    void serverError(SplittableRandom r, Service service) {
        double u = r.nextDouble();
        if (u < 0.5) {
            upstreamReply(r, service, 500);
            bytesSent = SimRandom.logNormal(r, 120, 0.5, 20, 2_000);
        } else if (u < 0.7) {
            localReply(service, 503, "UH", "no_healthy_upstream");
            bytesSent = 19;
        } else if (u < 0.85) {
            upstreamReply(r, service, 503);
            flags = "UF";
            details = "upstream_reset_before_response_started{connection_failure}";
            transportFailure = "delayed_connect_error:_Connection_refused";
            bytesSent = 91;
        } else {
            upstreamReply(r, service, 504);
            flags = "UT";
            details = "response_timeout";
            bytesSent = 24;
        }
    }
}
