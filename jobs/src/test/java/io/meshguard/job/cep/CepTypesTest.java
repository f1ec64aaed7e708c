package io.meshguard.job.cep;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternMatch;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** What crosses the network and sits in CEP state is serialized as a POJO, never by Kryo. */
class CepTypesTest {
    @Test
    void intervalSummaryIsAPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(IntervalSummary.class);
    }

    @Test
    void patternMatchIsAPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(PatternMatch.class);
    }
}
