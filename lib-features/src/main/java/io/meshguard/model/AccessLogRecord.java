package io.meshguard.model;

/**
 * One request as Envoy/Istio wrote it in its JSON access log, after parsing. Missing values ("-"
 * or null in the log) are {@code null} for strings and {@code -1} for numbers.
 */
public final class AccessLogRecord {
    public long startTimeMillis;
    public String routeName;
    public String method;
    public String path;
    public String protocol;
    public int responseCode;
    public String responseFlags;
    public String responseCodeDetails;
    public String connectionTerminationDetails;
    public long bytesReceived = -1;
    public long bytesSent = -1;
    public long durationMillis = -1;
    public long upstreamServiceTimeMillis = -1;
    public String xForwardedFor;
    public String userAgent;
    public String requestId;
    public String authority;
    public String upstreamHost;
    public String upstreamCluster;
    public String upstreamLocalAddress;
    public String downstreamLocalAddress;
    public String downstreamRemoteAddress;
    public String requestedServerName;
    public String upstreamTransportFailureReason;

    // Optional identity and enrichment keys that operators add to the log format.
    public String downstreamPeerUriSan;
    public String userId;
    public String sourceNamespace;
    public String sourceWorkload;
    public String clientAsn;
    public String clientCountry;
}
