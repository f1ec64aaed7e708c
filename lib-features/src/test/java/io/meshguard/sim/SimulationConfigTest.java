package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SimulationConfigTest {

    @Test
    void defaultsDescribeAFiveMinuteRunOfTheFullScenarioSet() {
        SimulationConfig c = SimulationConfig.defaults();
        assertThat(c.seed()).isEqualTo(42);
        assertThat(IsoTimestamps.format(c.startEpochMillis())).isEqualTo("2026-11-23T08:00:00.000Z");
        assertThat(c.durationSeconds()).isEqualTo(300);
        assertThat(c.eventsPerSecond()).isEqualTo(2000);
        assertThat(c.legitIdentities()).isEqualTo(3000);
        assertThat(c.tickMillis()).isEqualTo(100);
        assertThat(c.dayLengthSeconds()).isEqualTo(86_400);
        assertThat(c.scenarios()).containsExactlyInAnyOrder(Scenario.values());
    }

    @Test
    void withersChangeOneSettingAndKeepTheRest() {
        SimulationConfig c = SimulationConfig.defaults().withSeed(7).withDurationSeconds(60);
        assertThat(c.seed()).isEqualTo(7);
        assertThat(c.durationSeconds()).isEqualTo(60);
        assertThat(c.toBuilder().seed(42).durationSeconds(300).build()).isEqualTo(SimulationConfig.defaults());
    }

    @Test
    void legitPopulationCannotBeDisabled() {
        SimulationConfig c = SimulationConfig.builder().scenarios(EnumSet.of(Scenario.PATH_SCANNER)).build();
        assertThat(c.scenarios()).containsExactlyInAnyOrder(Scenario.LEGIT, Scenario.PATH_SCANNER);
    }

    @Test
    void rejectsSettingsThatCannotProduceARun() {
        assertThatThrownBy(() -> SimulationConfig.builder().durationSeconds(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("durationSeconds");
        assertThatThrownBy(() -> SimulationConfig.builder().eventsPerSecond(0).build())
                .hasMessageContaining("eventsPerSecond");
        assertThatThrownBy(() -> SimulationConfig.builder().legitIdentities(1).build())
                .hasMessageContaining("legitIdentities");
        assertThatThrownBy(() -> SimulationConfig.builder().dailyAmplitude(1.0).build())
                .hasMessageContaining("dailyAmplitude");
        assertThatThrownBy(() -> SimulationConfig.builder().compromisedBurstFactor(0.5).build())
                .hasMessageContaining("compromisedBurstFactor");
    }

    @Test
    void survivesJavaSerializationForShippingToReaders() throws Exception {
        SimulationConfig c = SimulationConfig.defaults().withSeed(9);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(c);
        }
    }
}
