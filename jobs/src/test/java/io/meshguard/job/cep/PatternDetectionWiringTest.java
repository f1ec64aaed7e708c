package io.meshguard.job.cep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternConfig;
import io.meshguard.cep.PatternMatch;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The graph {@link PatternDetection#detect} builds: one named, uid'd CEP operator per pattern. */
class PatternDetectionWiringTest {
    @Test
    void everyPatternGetsItsOwnCepOperatorWithAStableUidAndName() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PatternDetection.detect(
                        env.fromData(List.of(new IntervalSummary()), TypeInformation.of(IntervalSummary.class)),
                        PatternConfig.defaults())
                .sinkTo(new DiscardingSink<>());

        StreamGraph graph = env.getStreamGraph();
        Map<String, String> namesByUid = graph.getStreamNodes().stream()
                .filter(n -> n.getTransformationUID() != null)
                .collect(Collectors.toMap(StreamNode::getTransformationUID, StreamNode::getOperatorName));

        assertThat(namesByUid).containsEntry(PatternDetection.Uids.BURST, "CEP burst")
                .containsEntry(PatternDetection.Uids.SPIKE, "CEP spike")
                .containsEntry(PatternDetection.Uids.SCAN, "CEP scan")
                .containsEntry(PatternDetection.Uids.SENSITIVE_PROBE, "CEP sensitive-probe");
        for (String pattern : PatternMatch.PATTERNS) {
            assertThat(PatternDetection.uid(pattern)).isIn(namesByUid.keySet());
        }
    }

    @Test
    void matchCountersAreNamedPerPattern() {
        assertThat(PatternMatch.PATTERNS).extracting(PatternDetection::metricName)
                .containsExactly("cepMatchesBurst", "cepMatchesSpike", "cepMatchesScan", "cepMatchesSensitiveProbe");
    }

    @Test
    void everyPatternNameHasAPatternAndOthersAreRejected() {
        for (String pattern : PatternMatch.PATTERNS) {
            assertThat(BehaviourPatterns.forName(pattern, PatternConfig.defaults())).isNotNull();
        }
        assertThatThrownBy(() -> BehaviourPatterns.forName("flood", PatternConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown pattern 'flood'");
    }

    @Test
    void everyPatternKeepsItsStateWithinAWindowAndSkipsPastEachMatch() {
        for (String pattern : PatternMatch.PATTERNS) {
            var p = BehaviourPatterns.forName(pattern, PatternConfig.defaults());
            assertThat(p.getWindowSize()).as(pattern).isPresent();
            assertThat(p.getAfterMatchSkipStrategy().getClass().getSimpleName()).as(pattern)
                    .isEqualTo("SkipPastLastStrategy");
        }
    }
}
