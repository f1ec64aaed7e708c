package io.meshguard.identity;

import static io.meshguard.identity.SegmentDimension.ASN;
import static io.meshguard.identity.SegmentDimension.AUTHORITY;
import static io.meshguard.identity.SegmentDimension.COUNTRY;
import static io.meshguard.identity.SegmentDimension.IDENTITY_TYPE;
import static io.meshguard.identity.SegmentDimension.NAMESPACE;
import static io.meshguard.identity.SegmentDimension.ROUTE;
import static io.meshguard.identity.SegmentDimension.WORKLOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentSpecTest {
    @Test
    void defaultsAreAsnOutsideAndNamespaceInside() {
        SegmentSpec spec = SegmentSpec.defaults();
        assertThat(spec.northSouth()).containsExactly(ASN);
        assertThat(spec.eastWest()).containsExactly(NAMESPACE);
        assertThat(spec.defaultName()).isEqualTo("default");
        assertThat(SegmentSpec.parse(null, " ", "")).isEqualTo(spec);
    }

    @Test
    void tuplesAreParsedInOrderByWireOrEnumName() {
        SegmentSpec spec = SegmentSpec.parse("asn + Country", "namespace+workload+route+host+type", "rest");
        assertThat(spec.northSouth()).containsExactly(ASN, COUNTRY);
        assertThat(spec.eastWest()).containsExactly(NAMESPACE, WORKLOAD, ROUTE, AUTHORITY, IDENTITY_TYPE);
        assertThat(spec.defaultName()).isEqualTo("rest");
        assertThat(spec.tupleFor(true)).isEqualTo(spec.eastWest());
        assertThat(spec.tupleFor(false)).isEqualTo(spec.northSouth());
    }

    @Test
    void noneIsTheEmptyTuple() {
        assertThat(SegmentSpec.parse("none", "NONE", null).northSouth()).isEmpty();
    }

    @Test
    void unknownDimensionIsNamedWithTheValidOnes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SegmentSpec.parse("asn+city", null, null))
                .withMessage("unknown segment dimension 'city'; expected one of asn, country, ns, workload, route, host, type");
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = {"asn+asn", "asn+", "+asn", "asn++country"})
    void repeatedOrEmptyDimensionsAreRejected(String tuple) {
        assertThatIllegalArgumentException().isThrownBy(() -> SegmentSpec.parse(tuple, null, null));
    }

    @ParameterizedTest(name = "default name \"{0}\" is rejected")
    @ValueSource(strings = {"asn:0", "Default", "two words", "a,b"})
    void defaultNameThatCouldCollideOrIsUnsafeIsRejected(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> SegmentSpec.parse(null, null, name));
    }

    @Test
    void tuplesAreImmutableCopies() {
        List<SegmentDimension> mutable = new java.util.ArrayList<>(List.of(ASN));
        SegmentSpec spec = new SegmentSpec(mutable, List.of(NAMESPACE), "default");
        mutable.add(COUNTRY);
        assertThat(spec.northSouth()).containsExactly(ASN);
    }
}
