package io.meshguard.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "203.0.113.7              | 203.0.113.7",
        "  203.0.113.7\t          | 203.0.113.7",
        "203.0.113.7:5678         | 203.0.113.7",
        "0.0.0.0                  | 0.0.0.0",
        "255.255.255.255:65535    | 255.255.255.255",
        "2001:db8::1              | 2001:db8::1",
        "2001:DB8::1              | 2001:db8::1",
        "[2001:db8::1]:443        | 2001:db8::1",
        "[2001:db8::1]            | 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001 | 2001:db8::1",
        "2001:db8:0:1:1:1:1:1     | 2001:db8:0:1:1:1:1:1",
        "2001:db8:0:0:1:0:0:1     | 2001:db8::1:0:0:1",
        "2001:0:0:1:0:0:0:1       | 2001:0:0:1::1",
        "::                       | ::",
        "::1                      | ::1",
        "fe80::                   | fe80::",
        "::ffff:203.0.113.7       | 203.0.113.7",
        "::FFFF:203.0.113.7       | 203.0.113.7",
        "[::ffff:203.0.113.7]:80  | 203.0.113.7",
        "::ffff:cb00:7107         | 203.0.113.7",
        "64:ff9b::203.0.113.7     | 64:ff9b::cb00:7107",
    })
    void literalIsWrittenInCanonicalForm(String input, String expected) {
        assertThat(IpAddresses.normalize(input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = {
        "", " ", "-", "unknown", "example.com", "localhost:8080", "unix://var/run/envoy.sock", "unix:/tmp/sock",
        "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "01.2.3.4", "1.2.3.4:", "1.2.3.4:99999", "1.2.3.4:http",
        "1.2.3.4 5.6.7.8", "[1.2.3.4]", "2001:db8::1::2", "2001:db8:::1", ":2001:db8::1", "2001:db8::1:",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1", "gggg::1", "fe80::1%eth0", "[2001:db8::1]:",
        "[2001:db8::1", "[2001:db8::1]x", "::ffff:1.2.3", "\u0661.\u0662.\u0663.\u0664", "\uff11.2.3.4", "1.2.3.4,5.6.7.8"
    })
    void anythingButAnIpLiteralIsRejected(String input) {
        assertThat(IpAddresses.normalize(input)).isNull();
    }

    @Test
    void overlongTextIsRejectedWithoutScanningIt() {
        assertThat(IpAddresses.normalize("1".repeat(100_000))).isNull();
        assertThat(IpAddresses.normalize(null)).isNull();
    }
}
