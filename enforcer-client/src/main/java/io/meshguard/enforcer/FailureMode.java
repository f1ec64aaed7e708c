package io.meshguard.enforcer;

/**
 * What {@link EnforcerClient} answers for an identity it cannot look up because the store is
 * unreachable (and no cached entry is recent enough to stand in). Either way the verdict says
 * {@linkplain Verdict#degraded() degraded}.
 */
public enum FailureMode {
    /**
     * Allow: an outage of the store must not become an outage of the mesh. Known decisions still
     * hold for the stale tolerance (see {@link EnforcerClientConfig.Builder#staleTolerance}).
     */
    FAIL_OPEN,
    /** Deny: for services where letting abuse through is worse than refusing legitimate calls. */
    FAIL_CLOSED
}
