package io.meshguard.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ControlLinesTest {
    @Test
    void falsePositiveLineBecomesAReport() {
        Control c = ControlLines.parse(
                "{\"false_positive\": {\"identity\": \"user:alice\", \"segment\": \"asn:64500\","
                        + " \"ts\": \"2026-11-23T12:00:00Z\", \"note\": \"ticket 42\"}}",
                "file:/c/1.jsonl:3");
        assertThat(c.kind).isEqualTo(Control.Kind.FEEDBACK);
        assertThat(c.feedback.identity).isEqualTo("user:alice");
        assertThat(c.feedback.segment).isEqualTo("asn:64500");
        assertThat(c.feedback.timestampMillis).isEqualTo(1_795_435_200_000L);
        assertThat(c.feedback.note).isEqualTo("ticket 42");
        assertThat(c.origin).isEqualTo("file:/c/1.jsonl:3");
    }

    @Test
    void epochMillisAreAcceptedAsTimestamp() {
        Control c = ControlLines.parse(
                "{\"false_positive\": {\"identity\": \"ip:1.2.3.4\", \"segment\": \"default\", \"ts\": 1234}}", "t");
        assertThat(c.feedback.timestampMillis).isEqualTo(1234);
    }

    @Test
    void anyOtherObjectIsAPolicyCandidate() {
        Control c = ControlLines.parse("  {\"version\": 3, \"shadow\": {\"global\": true}}  ", "t");
        assertThat(c.kind).isEqualTo(Control.Kind.POLICY);
        assertThat(c.policyJson).isEqualTo("{\"version\": 3, \"shadow\": {\"global\": true}}");
    }

    @Test
    void blankLinesAreSkipped() {
        assertThat(ControlLines.parse("   ", "t")).isNull();
        assertThat(ControlLines.parse(null, "t")).isNull();
    }

    @Test
    void malformedReportNamesItsProblem() {
        assertThatThrownBy(() -> ControlLines.parse("{\"false_positive\": {\"identity\": \"user:a\", \"ts\": 5}}", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("false_positive.segment is required");
        assertThatThrownBy(() -> ControlLines.parse(
                        "{\"false_positive\": {\"identity\": \"user:a\", \"segment\": \"s\", \"ts\": 5, \"who\": 1}}", "t"))
                .hasMessageContaining("false_positive.who: unknown key");
        assertThatThrownBy(() -> ControlLines.parse("{\"false_positive\": {\"identity\": ", "t"))
                .hasMessageContaining("not valid JSON");
    }
}
