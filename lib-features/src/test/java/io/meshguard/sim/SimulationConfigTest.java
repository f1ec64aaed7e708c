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
        assertThat(c.scenarios()).isEqualTo(Scenario.defaults())
                .containsExactlyInAnyOrder(Scenario.LEGIT, Scenario.FLASH_CROWD, Scenario.SIGNUP_FLOOD,
                        Scenario.PATH_SCANNER, Scenario.CREDENTIAL_STUFFING, Scenario.COMPROMISED_WORKLOAD);
    }

    @Test
    void optInScenariosAreOffUnlessAskedFor() {
        assertThat(SimulationConfig.defaults().enabled(Scenario.LOW_AND_SLOW_SIGNUPS)).isFalse();
        EnumSet<Scenario> withStealth = Scenario.defaults();
        withStealth.add(Scenario.LOW_AND_SLOW_SIGNUPS);
        SimulationConfig c = SimulationConfig.builder().scenarios(withStealth).build();
        assertThat(c.enabled(Scenario.LOW_AND_SLOW_SIGNUPS)).isTrue();
        assertThat(c).isNotEqualTo(SimulationConfig.defaults());
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void scenarioListsNameScenariosByWireNameWithDefaultAsAShorthand() {
        assertThat(Scenario.parseList("default")).isEqualTo(Scenario.defaults());
        assertThat(Scenario.parseList(" default , low-and-slow-signups "))
                .containsAll(Scenario.defaults()).contains(Scenario.LOW_AND_SLOW_SIGNUPS);
        assertThat(Scenario.parseList("legit")).containsExactly(Scenario.LEGIT);
        assertThat(Scenario.parseList("signup-flood")).containsExactlyInAnyOrder(Scenario.LEGIT, Scenario.SIGNUP_FLOOD);
        assertThat(Scenario.parseList(Scenario.wireNames(Scenario.defaults()))).isEqualTo(Scenario.defaults());
        assertThatThrownBy(() -> Scenario.parseList("signup-flod")).hasMessageContaining("signup-flod");
        assertThatThrownBy(() -> Scenario.parseList(" , ")).hasMessageContaining("empty");
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
