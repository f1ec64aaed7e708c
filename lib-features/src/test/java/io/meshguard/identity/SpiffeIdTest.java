package io.meshguard.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "spiffe://cluster.local/ns/payments/sa/checkout                       | payments | checkout",
        "SPIFFE://td.example/ns/istio-system/sa/istio-ingressgateway-service-account | istio-system | istio-ingressgateway-service-account",
        "'spiffe://cluster.local/ns/a/sa/b,spiffe://cluster.local/ns/c/sa/d'  | a        | b",
    })
    void istioPrincipalYieldsNamespaceAndServiceAccount(String uri, String namespace, String serviceAccount) {
        assertThat(SpiffeId.namespaceOf(uri)).isEqualTo(namespace);
        assertThat(SpiffeId.serviceAccountOf(uri)).isEqualTo(serviceAccount);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullSource
    @ValueSource(strings = {
        "", "payments", "https://cluster.local/ns/a/sa/b", "spiffe://cluster.local", "spiffe:///ns/a/sa/b",
        "spiffe://cluster.local/ns/a", "spiffe://cluster.local/ns//sa/b", "spiffe://cluster.local/sa/b/ns/a",
        "spiffe://cluster.local/ns/a/sa/b/extra", "spiffe://cluster.local/ns/a/sa/b/", "spiffe://cluster.local/workload/x"
    })
    void anythingElseYieldsNothing(String uri) {
        assertThat(SpiffeId.namespaceOf(uri)).isNull();
        assertThat(SpiffeId.serviceAccountOf(uri)).isNull();
    }
}
