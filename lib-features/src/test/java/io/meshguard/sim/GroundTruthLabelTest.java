package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GroundTruthLabelTest {
    private final ScenarioWindow window = ScenarioWindow.of(Scenario.SIGNUP_FLOOD,
            SimulationConfig.DEFAULT_START_EPOCH_MILLIS, 300_000);

    @Test
    void attackLabelWritesItsWindowAsIsoTimes() {
        GroundTruthLabel label = GroundTruthLabel.attack("ip:198.18.64.7", window, "asn:64666");
        assertThat(label.toJsonLine()).isEqualTo("{\"identity\":\"ip:198.18.64.7\",\"label\":\"attack\","
                + "\"scenario\":\"signup-flood\",\"segment\":\"asn:64666\","
                + "\"attack_start\":\"2026-11-23T08:02:00.000Z\",\"attack_end\":\"2026-11-23T08:03:30.000Z\"}");
    }

    @Test
    void legitLabelWritesNullTimes() {
        GroundTruthLabel label = GroundTruthLabel.legit("user:u-004711", Scenario.FLASH_CROWD, "asn:64500");
        assertThat(label.label()).isEqualTo("legit");
        assertThat(label.toJsonLine()).isEqualTo("{\"identity\":\"user:u-004711\",\"label\":\"legit\","
                + "\"scenario\":\"flash-crowd\",\"segment\":\"asn:64500\",\"attack_start\":null,\"attack_end\":null}");
    }

    @Test
    void jsonLinesParseBackToTheSameLabel() {
        GroundTruthLabel attack = GroundTruthLabel.attack(
                "peer:spiffe://cluster.local/ns/catalog/sa/catalog-sync", window, "ns:catalog");
        GroundTruthLabel legit = GroundTruthLabel.legit("ip:198.18.0.9", Scenario.LEGIT, "asn:64500");
        assertThat(GroundTruthLabel.parse(attack.toJsonLine())).isEqualTo(attack);
        assertThat(GroundTruthLabel.parse(legit.toJsonLine())).isEqualTo(legit);
    }

    @Test
    void attackingOnlyInsideTheWindow() {
        GroundTruthLabel label = GroundTruthLabel.attack("ip:198.18.64.7", window, "asn:64666");
        assertThat(label.attackingAt(window.startMillis() - 1)).isFalse();
        assertThat(label.attackingAt(window.startMillis())).isTrue();
        assertThat(label.attackingAt(window.endMillis() - 1)).isTrue();
        assertThat(label.attackingAt(window.endMillis())).isFalse();
    }

    @Test
    void windowsBelongToAttackLabelsOnly() {
        assertThatThrownBy(() -> new GroundTruthLabel("ip:1.2.3.4", Scenario.LEGIT, "asn:1", 1, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroundTruthLabel("ip:1.2.3.4", Scenario.PATH_SCANNER, "asn:1",
                GroundTruthLabel.NO_WINDOW, GroundTruthLabel.NO_WINDOW)).isInstanceOf(IllegalArgumentException.class);
    }
}
