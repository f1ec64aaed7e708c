package io.meshguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EnforcementKeysTest {
    @Test
    void ordinaryIdsAreKeptAsTheyAre() {
        assertThat(EnforcementKeys.identityKey("user:alice")).isEqualTo("identity:user:alice");
        assertThat(EnforcementKeys.identityKey("peer:spiffe://cluster.local/ns/a/sa/b"))
                .isEqualTo("identity:peer:spiffe://cluster.local/ns/a/sa/b");
        assertThat(EnforcementKeys.identityKey("ip:2001:db8::1")).isEqualTo("identity:ip:2001:db8::1");
        assertThat(EnforcementKeys.segmentKey("asn:64666")).isEqualTo("segment:asn:64666");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"user:a b", "user:*", "user:a?b", "user:[x]", "user:a\nSET x 1", "user:a\r\n",
            "user:ä", "user:日本", "user:%41", "user:a\u0000b", "user:a~b", "user:\"quoted\"", "user:a{b}"})
    void unsafeCharactersAreEscapedSoKeysCarryNoWildcardsSeparatorsOrLineBreaks(String id) {
        String key = EnforcementKeys.identityKey(id);
        assertThat(key).startsWith("identity:user:");
        assertThat(key.substring("identity:".length())).matches("[A-Za-z0-9._:/@%-]+");
    }

    @Test
    void escapingIsInjective() {
        List<String> ids = List.of("user:a b", "user:a%20b", "user:a+b", "user:a_b", "user:ä", "user:%C3%A4",
                "user:a\nb", "user:a%0Ab");
        Set<String> keys = new HashSet<>();
        ids.forEach(id -> keys.add(EnforcementKeys.identityKey(id)));
        assertThat(keys).hasSize(ids.size());
    }

    @Test
    void veryLongIdsAreCutAndSuffixedWithTheirDigestSoKeysStayBoundedAndDistinct() {
        String a = "user:" + "x".repeat(10_000) + "a";
        String b = "user:" + "x".repeat(10_000) + "b";
        String ka = EnforcementKeys.identityKey(a);
        String kb = EnforcementKeys.identityKey(b);
        assertThat(ka.length()).isLessThanOrEqualTo("identity:".length() + EnforcementKeys.MAX_ID_CHARS);
        assertThat(ka).isNotEqualTo(kb).contains("~");
        assertThat(EnforcementKeys.identityKey(a)).isEqualTo(ka);
        String multiByte = "user:" + "é".repeat(1_000);
        assertThat(EnforcementKeys.identityKey(multiByte).length())
                .isLessThanOrEqualTo("identity:".length() + EnforcementKeys.MAX_ID_CHARS);
    }
}
