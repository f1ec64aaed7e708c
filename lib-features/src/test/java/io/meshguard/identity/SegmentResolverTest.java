package io.meshguard.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.model.AccessLogRecord;
import io.meshguard.model.IdentityType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentResolverTest {
    private static final Identity CLIENT_IP = new Identity(IdentityType.IP, "ip:203.0.113.7");
    private static final Identity USER = new Identity(IdentityType.USER, "user:alice");
    private static final Identity CHECKOUT =
            new Identity(IdentityType.PEER, "peer:spiffe://cluster.local/ns/payments/sa/checkout");

    private final SegmentResolver defaults = new SegmentResolver(SegmentSpec.defaults());

    private static AccessLogRecord fromOutside(String asn, String country) {
        AccessLogRecord r = new AccessLogRecord();
        r.clientAsn = asn;
        r.clientCountry = country;
        r.routeName = "shop-routes";
        r.authority = "Shop.Example.com:443";
        return r;
    }

    private static AccessLogRecord fromWorkload(String spiffe) {
        AccessLogRecord r = new AccessLogRecord();
        r.downstreamPeerUriSan = spiffe;
        return r;
    }

    private static SegmentResolver resolver(String northSouth, String eastWest) {
        return new SegmentResolver(SegmentSpec.parse(northSouth, eastWest, null));
    }

    @Nested
    class DefaultSpec {
        @Test
        void northSouthTrafficIsSegmentedByAsn() {
            assertThat(defaults.resolve(fromOutside("64512", "DE"), CLIENT_IP)).isEqualTo("asn:64512");
        }

        @Test
        void asPrefixedAndBareAsnAreTheSameSegment() {
            assertThat(defaults.resolve(fromOutside("AS64512", null), CLIENT_IP)).isEqualTo("asn:64512");
        }

        @Test
        void peerTrafficIsSegmentedByTheNamespaceOfItsSpiffePrincipal() {
            AccessLogRecord r = fromWorkload("spiffe://cluster.local/ns/payments/sa/checkout");
            assertThat(defaults.resolve(r, CHECKOUT)).isEqualTo("ns:payments");
        }

        @Test
        void sourceNamespaceWinsOverTheSpiffePrincipal() {
            AccessLogRecord r = fromWorkload("spiffe://cluster.local/ns/payments/sa/checkout");
            r.sourceNamespace = "Billing";
            assertThat(defaults.resolve(r, CHECKOUT)).isEqualTo("ns:billing");
        }

        @Test
        void sourceNamespaceMakesTrafficEastWestWhateverTheIdentity() {
            AccessLogRecord r = fromOutside("64512", "DE");
            r.sourceNamespace = "frontend";
            assertThat(defaults.resolve(r, USER)).isEqualTo("ns:frontend");
            assertThat(SegmentResolver.isEastWest(r, USER)).isTrue();
        }

        @Test
        void missingAsnGoesToTheDefaultSegment() {
            assertThat(defaults.resolve(fromOutside(null, "DE"), CLIENT_IP)).isEqualTo("default");
        }

        @Test
        void peerWithoutAnyNamespaceGoesToTheDefaultSegment() {
            assertThat(defaults.resolve(fromWorkload("spiffe://cluster.local/custom/path"), CHECKOUT))
                    .isEqualTo("default");
        }
    }

    @Nested
    class Tuples {
        @Test
        void dimensionsAreJoinedInConfiguredOrder() {
            assertThat(resolver("asn+country", null).resolve(fromOutside("64512", "DE"), CLIENT_IP))
                    .isEqualTo("asn:64512,country:de");
            assertThat(resolver("country+asn", null).resolve(fromOutside("64512", "DE"), CLIENT_IP))
                    .isEqualTo("country:de,asn:64512");
        }

        @Test
        void anyMissingDimensionSendsTheRequestToTheDefaultSegment() {
            SegmentResolver resolver = new SegmentResolver(SegmentSpec.parse("asn+country", "ns", "unsegmented"));
            assertThat(resolver.resolve(fromOutside("64512", null), CLIENT_IP)).isEqualTo("unsegmented");
            assertThat(resolver.resolve(fromOutside(null, "DE"), CLIENT_IP)).isEqualTo("unsegmented");
        }

        @Test
        void workloadComesFromTheSpiffeServiceAccountWhenNotLogged() {
            AccessLogRecord r = fromWorkload("spiffe://cluster.local/ns/payments/sa/checkout");
            assertThat(resolver(null, "ns+workload").resolve(r, CHECKOUT)).isEqualTo("ns:payments,workload:checkout");
            r.sourceWorkload = "checkout-v2";
            assertThat(resolver(null, "ns+workload").resolve(r, CHECKOUT)).isEqualTo("ns:payments,workload:checkout-v2");
        }

        @Test
        void routeHostAndIdentityTypeAreDimensionsToo() {
            assertThat(resolver("route+host+type", null).resolve(fromOutside("64512", "DE"), USER))
                    .isEqualTo("route:shop-routes,host:shop.example.com,type:user");
        }

        @Test
        void emptyTuplePutsTheWholeDirectionIntoTheDefaultSegment() {
            assertThat(resolver("none", null).resolve(fromOutside("64512", "DE"), CLIENT_IP)).isEqualTo("default");
        }
    }

    @Nested
    class HostileValues {
        @ParameterizedTest(name = "[{0}] -> {1}")
        @CsvSource(delimiter = '|', value = {
            "Deutsche Telekom AG         | asn:deutsche_telekom_ag",
            "'  64512  '                 | asn:64512",
            "64512,country:de            | asn:64512_country_de",
            "x:y/z\\w                    | asn:x_y_z_w",
            "Zürich                      | asn:z_rich",
            "\uD83D\uDE80ship            | asn:_ship",
            "a.b-c_d                     | asn:a.b-c_d",
        })
        void valuesAreSanitizedIntoSafeKeys(String raw, String expected) {
            assertThat(defaults.resolve(fromOutside(raw, null), CLIENT_IP)).isEqualTo(expected);
        }

        @Test
        void newlinesCannotForgeLines() {
            assertThat(defaults.resolve(fromOutside("64512\nasn:1", null), CLIENT_IP)).isEqualTo("asn:64512_asn_1");
        }

        @Test
        void veryLongValuesAreBoundedTo64Characters() {
            String segment = defaults.resolve(fromOutside("A".repeat(10_000), null), CLIENT_IP);
            assertThat(segment).isEqualTo("asn:" + "a".repeat(64));
        }

        @Test
        void blankValueCountsAsMissing() {
            assertThat(defaults.resolve(fromOutside("   ", null), CLIENT_IP)).isEqualTo("default");
        }

        @Test
        void everySegmentIdIsMadeOfSafeCharacters() {
            String hostile = "\u0000\r\n\t \"'`;{}[]<>|&$%#@!?*=+^~\\/\u00e9\u4e2d\uFFFF";
            String segment = resolver("asn+country", null).resolve(fromOutside(hostile, hostile), CLIENT_IP);
            assertThat(segment).matches("asn:[a-z0-9._-]{1,64},country:[a-z0-9._-]{1,64}");
        }
    }
}
