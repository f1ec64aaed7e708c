package io.meshguard.enforcer;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.store.RedisEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client whose store was never reachable still starts and answers per its failure mode. */
class EnforcerClientWithoutStoreTest {

    /** A loopback port nothing listens on (taken, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static EnforcerClientConfig.Builder unreachable() throws IOException {
        return EnforcerClientConfig.builder()
                .endpoint(RedisEndpoint.builder().host("127.0.0.1").port(closedPort()).build())
                .commandTimeout(Duration.ofMillis(200)).reconnectDelayMax(Duration.ofMillis(200));
    }

    @Test
    void failOpenAllowsAndSaysDegraded() throws IOException {
        try (EnforcerClient client = EnforcerClient.connect(unreachable().build())) {
            Verdict v = client.verdict("user:alice", "asn:64666");

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.ALLOW);
            assertThat(v.reason()).isEqualTo(Verdict.Reason.STORE_UNREACHABLE);
            assertThat(v.degraded()).isTrue();
            assertThat(v.key()).isEqualTo("identity:user:alice");
            assertThat(v.segmentKey()).isEqualTo("segment:asn:64666");
            assertThat(client.isSynchronized()).isFalse();
        }
    }

    @Test
    void failClosedDeniesAndSaysDegraded() throws IOException {
        try (EnforcerClient client = EnforcerClient.connect(
                unreachable().failureMode(FailureMode.FAIL_CLOSED).build())) {
            Verdict v = client.verdict("user:alice");

            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.DENY);
            assertThat(v.degraded()).isTrue();
        }
    }

    @Test
    void unreachableStoreAnswersWithinTheCommandTimeout() throws IOException {
        try (EnforcerClient client = EnforcerClient.connect(unreachable().build())) {
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                client.verdict("user:" + i);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
    }
}
