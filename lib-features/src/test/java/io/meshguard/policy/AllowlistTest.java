package io.meshguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllowlistTest {
    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        // IPv4 /0: every IPv4 address, mapped ones too, but no IPv6 address.
        "0.0.0.0/0          | 0.0.0.0                 | true",
        "0.0.0.0/0          | 255.255.255.255         | true",
        "0.0.0.0/0          | ::ffff:198.51.100.1     | true",
        "0.0.0.0/0          | 2001:db8::1             | false",
        "0.0.0.0/0          | ::1                     | false",
        // /32 and a bare address are one host.
        "203.0.113.7/32     | 203.0.113.7             | true",
        "203.0.113.7/32     | 203.0.113.8             | false",
        "203.0.113.7/32     | 203.0.113.7:4431        | true",
        "203.0.113.7        | 203.0.113.7             | true",
        "203.0.113.7        | 203.0.113.6             | false",
        // Prefixes not on an octet boundary.
        "198.51.100.0/23    | 198.51.101.255          | true",
        "198.51.100.0/23    | 198.51.102.0            | false",
        "10.0.0.0/8         | 10.255.255.255          | true",
        "10.0.0.0/8         | 11.0.0.0                | false",
        // IPv4-mapped IPv6 is the IPv4 address, both ways round.
        "10.0.0.0/8         | ::ffff:10.1.2.3         | true",
        "10.0.0.0/8         | [::ffff:a01:203]:443    | true",
        "::ffff:10.0.0.0/104| 10.200.0.1              | true",
        "::ffff:10.0.0.0/104| 11.0.0.1                | false",
        // IPv6.
        "2001:db8::/32      | 2001:db8:ffff::1        | true",
        "2001:db8::/32      | 2001:DB8::1             | true",
        "2001:db8::/32      | [2001:db8::1]:443       | true",
        "2001:db8::/32      | 2001:db9::1             | false",
        "2001:db8:8000::/33 | 2001:db8:8000::1        | true",
        "2001:db8:8000::/33 | 2001:db8:7fff::1        | false",
        "2001:db8:0:1::/64  | 2001:db8:0:1:ffff:ffff:ffff:ffff | true",
        "2001:db8:0:1::/64  | 2001:db8:0:2::          | false",
        "2001:db8:0:1:8000::/65 | 2001:db8:0:1:8000::1 | true",
        "2001:db8:0:1:8000::/65 | 2001:db8:0:1:7fff::1 | false",
        "2001:db8::1/128    | 2001:db8::1             | true",
        "2001:db8::1/128    | 2001:db8::2             | false",
        "2001:db8::/127     | 2001:db8::1             | true",
        "2001:db8::/127     | 2001:db8::2             | false",
        // ::/0 holds every address, IPv4 included (as mapped).
        "::/0               | 2001:db8::1             | true",
        "::/0               | 192.0.2.1               | true",
        // Not addresses.
        "0.0.0.0/0          | example.com             | false",
        "0.0.0.0/0          | 010.0.0.1               | false",
    })
    void cidrMatching(String cidr, String address, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(address)).isEqualTo(expected);
        Allowlist list = new Allowlist(List.of(), List.of(Cidr.parse(cidr)));
        assertThat(list.containsAddress(address)).isEqualTo(expected);
        assertThat(list.contains("user:someone", address)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/       | '10.0.0.0/' is not a CIDR: prefix length '' is not a number 0..32",
        "10.0.0.0/08     | '10.0.0.0/08' is not a CIDR: prefix length '08' is not a number 0..32",
        "10.0.0.0/-1     | '10.0.0.0/-1' is not a CIDR: prefix length '-1' is not a number 0..32",
        "2001:db8::/129  | '2001:db8::/129' is not a CIDR: prefix length 129 is above 128",
        "[::1]/128       | '[::1]/128' is not a CIDR: brackets, ports and zone ids are not allowed",
        "fe80::1%eth0/128| 'fe80::1%eth0/128' is not a CIDR: brackets, ports and zone ids are not allowed",
        "10.0.0.0:80/8   | '10.0.0.0:80/8' is not a CIDR: '10.0.0.0:80' is not an IP address",
        "example.com/8   | 'example.com/8' is not a CIDR: 'example.com' is not an IP address",
        "010.0.0.0/8     | '010.0.0.0/8' is not a CIDR: '010.0.0.0' is not an IP address",
        "::ffff:10.1.0.0/104 | '::ffff:10.1.0.0/104' has host bits set; did you mean 10.0.0.0/8?",
        "0.0.0.1/0       | '0.0.0.1/0' has host bits set; did you mean 0.0.0.0/0?",
    })
    void badCidrIsRejectedSayingWhy(String cidr, String message) {
        assertThatThrownBy(() -> Cidr.parse(cidr)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void equalNetworksWrittenDifferentlyAreEqual() {
        assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse("::ffff:10.0.0.0/104"));
        assertThat(Cidr.parse("2001:DB8::/32")).isEqualTo(Cidr.parse("2001:0db8:0:0::/32"));
        assertThat(Cidr.parse("203.0.113.7")).isEqualTo(Cidr.parse("203.0.113.7/32"));
    }

    @Test
    void identitiesMatchExactlyAndIpIdentitiesMatchTheirNetworks() {
        Allowlist list = new Allowlist(
                List.of("user:alice", "ip:::ffff:192.0.2.9", "peer:spiffe://cluster.local/ns/istio-system/sa/istiod"),
                List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")));

        assertThat(list.contains("user:alice", null)).isTrue();
        assertThat(list.contains("user:alicE", null)).isFalse();
        assertThat(list.contains("peer:spiffe://cluster.local/ns/istio-system/sa/istiod", null)).isTrue();
        // Listed in mapped form, looked up as meshguard writes it, and the other way round.
        assertThat(list.contains("ip:192.0.2.9", null)).isTrue();
        assertThat(list.contains("ip:::ffff:192.0.2.9", null)).isTrue();
        // An ip: identity is its own client address.
        assertThat(list.contains("ip:10.9.8.7", null)).isTrue();
        assertThat(list.contains("ip:2001:db8::5", null)).isTrue();
        assertThat(list.contains("ip:192.0.2.10", null)).isFalse();
        // Any identity from an allowlisted network.
        assertThat(list.contains("user:bob", "10.1.1.1")).isTrue();
        assertThat(list.contains("user:bob", "192.0.2.10")).isFalse();
        assertThat(list.contains("user:bob", "not an address")).isFalse();
        assertThat(list.contains(null, null)).isFalse();
    }

    @Test
    void identityKeysAreNormalizedOrRejected() {
        assertThat(Allowlist.normalizeIdentity("ip:2001:DB8:0::1")).isEqualTo("ip:2001:db8::1");
        assertThat(Allowlist.normalizeIdentity("ip:::ffff:10.0.0.1")).isEqualTo("ip:10.0.0.1");
        assertThat(Allowlist.normalizeIdentity("user:alice")).isEqualTo("user:alice");
        assertThat(Allowlist.normalizeIdentity("user:")).isNull();
        assertThat(Allowlist.normalizeIdentity("ip:10.0.0.1:80")).isNull();
        assertThat(Allowlist.normalizeIdentity("ip:[::1]:80")).isNull();
        assertThat(Allowlist.normalizeIdentity("ip:host.example")).isNull();
        assertThat(Allowlist.normalizeIdentity("alice")).isNull();
    }

    @Test
    void emptyAllowlistHoldsNothing() {
        assertThat(Allowlist.empty().isEmpty()).isTrue();
        assertThat(Allowlist.empty().contains("ip:10.0.0.1", "10.0.0.1")).isFalse();
    }
}
