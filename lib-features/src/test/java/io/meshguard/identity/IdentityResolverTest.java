package io.meshguard.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.meshguard.model.AccessLogRecord;
import io.meshguard.model.IdentityType;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityResolverTest {
    private static final String SPIFFE = "spiffe://cluster.local/ns/payments/sa/checkout";

    private final IdentityResolver resolver = new IdentityResolver(IdentityConfig.defaults());

    private static AccessLogRecord record(String userId, String peer, String forwardedFor, String remote) {
        AccessLogRecord r = new AccessLogRecord();
        r.userId = userId;
        r.downstreamPeerUriSan = peer;
        r.xForwardedFor = forwardedFor;
        r.downstreamRemoteAddress = remote;
        return r;
    }

    private static Identity resolved(IdentityResolver resolver, AccessLogRecord r) {
        Optional<Identity> identity = resolver.resolve(r);
        assertThat(identity).as("identity").isPresent();
        return identity.get();
    }

    @Nested
    class TrustOrder {
        @Test
        void authenticatedUserWinsOverPeerAndAddress() {
            Identity id = resolved(resolver, record("alice", SPIFFE, "203.0.113.7", "10.0.0.1:1234"));
            assertThat(id).isEqualTo(new Identity(IdentityType.USER, "user:alice"));
        }

        @Test
        void provenWorkloadWinsOverAddress() {
            Identity id = resolved(resolver, record(null, SPIFFE, "203.0.113.7", "10.0.0.1:1234"));
            assertThat(id).isEqualTo(new Identity(IdentityType.PEER, "peer:" + SPIFFE));
        }

        @Test
        void addressIsTheLastResort() {
            Identity id = resolved(resolver, record(null, null, "203.0.113.7", "10.0.0.1:1234"));
            assertThat(id).isEqualTo(new Identity(IdentityType.IP, "ip:203.0.113.7"));
        }

        @ParameterizedTest(name = "user_id \"{0}\" is skipped")
        @ValueSource(strings = {"", "   ", "-"})
        void blankUserIdFallsThroughToPeer(String blank) {
            assertThat(resolved(resolver, record(blank, SPIFFE, null, null)).type()).isEqualTo(IdentityType.PEER);
        }

        @Test
        void identityValuesAreTrimmed() {
            assertThat(resolved(resolver, record("  bob ", null, null, null)).key()).isEqualTo("user:bob");
        }

        @Test
        void nothingToIdentifyTheCallerGivesNoIdentityAndAClearReason() {
            assertThat(resolver.resolve(record(null, " ", "not-an-ip", "unix://var/run/envoy.sock"))).isEmpty();
            assertThat(IdentityResolver.NO_IDENTITY_REASON)
                    .isEqualTo("no caller identity: user_id, downstream_peer_uri_san and client address"
                            + " are all missing or invalid");
        }
    }

    @Nested
    class ClientAddress {
        @ParameterizedTest(name = "hops={0} xff=[{1}] remote={2} -> {3}")
        @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "1 | 198.51.100.23, 203.0.113.7              | 10.0.0.1:40112 | 203.0.113.7",
            "2 | 198.51.100.23, 203.0.113.7              | 10.0.0.1:40112 | 198.51.100.23",
            "0 | 198.51.100.23, 203.0.113.7              | 10.0.0.1:40112 | 10.0.0.1",
            "2 | 203.0.113.7                             | 10.0.0.1:40112 | 203.0.113.7",
            "5 | 192.0.2.1, 198.51.100.23, 203.0.113.7   | 10.0.0.1:40112 | 192.0.2.1",
            "1 | 6.6.6.6, 7.7.7.7, 203.0.113.7           | 10.0.0.1:40112 | 203.0.113.7",
            "2 | 6.6.6.6,198.51.100.23 ,10.0.0.9         | 10.0.0.1:40112 | 198.51.100.23",
            "1 | NULL                                    | 10.0.0.1:40112 | 10.0.0.1",
            "1 | 198.51.100.23, evil.example             | 10.0.0.1:40112 | 10.0.0.1",
            "1 | '198.51.100.23, '                       | 10.0.0.1:40112 | 10.0.0.1",
            "2 | 198.51.100.23:5678, 10.0.0.9            | 10.0.0.1:40112 | 198.51.100.23",
            "1 | 198.51.100.23, [2001:DB8::7]:443        | 10.0.0.1:40112 | 2001:db8::7",
            "1 | 2001:db8::7                             | 10.0.0.1:40112 | 2001:db8::7",
            "1 | ::ffff:203.0.113.7                      | 10.0.0.1:40112 | 203.0.113.7",
            "0 | NULL                                    | [2001:db8::9]:40112 | 2001:db8::9",
        })
        void clientIsTheTrustedHopsEntryFromTheRight(int hops, String forwardedFor, String remote, String expected) {
            IdentityResolver r = new IdentityResolver(IdentityConfig.defaults().withTrustedProxyHops(hops));
            assertThat(r.clientAddress(record(null, null, forwardedFor, remote))).isEqualTo(expected);
        }

        @Test
        void unusableTrustedEntryNeverFallsBackToAClientChosenEntry() {
            // The left entry is whatever the client sent; only the proxy's own entry may be believed.
            assertThat(resolver.clientAddress(record(null, null, "198.51.100.23, garbage", null))).isNull();
        }

        @ParameterizedTest(name = "remote \"{0}\" is rejected")
        @NullSource
        @ValueSource(strings = {"example.com:80", "unix://var/run/envoy.sock", "envoy://internal_client_address/",
            "999.1.1.1:80", "1.2.3.4:port", "-"})
        void nonIpRemoteAddressGivesNoAddress(String remote) {
            assertThat(resolver.clientAddress(record(null, null, null, remote))).isNull();
        }
    }

    @Nested
    class BoundedKeys {
        private final IdentityResolver resolver = new IdentityResolver(IdentityConfig.defaults().withMaxIdentityLength(64));

        @Test
        void longIdentityIsTruncatedWithAHashSuffix() {
            String key = resolved(resolver, record("a".repeat(10_000), null, null, null)).key();

            assertThat(key).hasSize(64).startsWith("user:aaaa").matches(".*#[0-9a-f]{16}");
        }

        @Test
        void longIdentitiesSharingAPrefixStayDistinct() {
            String first = resolved(resolver, record("a".repeat(500) + "1", null, null, null)).key();
            String second = resolved(resolver, record("a".repeat(500) + "2", null, null, null)).key();

            assertThat(first).isNotEqualTo(second);
            assertThat(resolved(resolver, record("a".repeat(500) + "1", null, null, null)).key()).isEqualTo(first);
        }

        @Test
        void truncationNeverSplitsACharacter() {
            String key = resolved(resolver, record("\uD83D\uDE80".repeat(100), null, null, null)).key();

            assertThat(key.length()).isLessThanOrEqualTo(64);
            String kept = key.substring(0, key.indexOf('#'));
            assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
        }

        @Test
        void keysAtTheLimitAreKeptAsTheyAre() {
            String user = "u".repeat(64 - "user:".length());
            assertThat(resolved(resolver, record(user, null, null, null)).key()).isEqualTo("user:" + user);
        }

        @Test
        void longPeerPrincipalIsBoundedToo() {
            String san = "spiffe://cluster.local/ns/" + "n".repeat(300) + "/sa/x";
            assertThat(resolved(resolver, record(null, san, null, null)).key()).hasSize(64).startsWith("peer:spiffe://");
        }
    }

    @Nested
    class Configuration {
        @Test
        void defaultsTrustOneProxyAndBoundKeysTo256() {
            assertThat(IdentityConfig.defaults()).isEqualTo(new IdentityConfig(1, 256));
        }

        @ParameterizedTest(name = "hops={0}, maxLength={1} is rejected")
        @CsvSource({"-1, 256", "33, 256", "1, 31", "1, 0"})
        void nonsenseSettingsAreRejected(int hops, int maxLength) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new IdentityConfig(hops, maxLength));
        }
    }
}
