package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Labels name exactly the identities and segments that meshguard derives from the lines. */
class GroundTruthConsistencyTest {
    private final SimulatedRun run = SimulatedRun.sixtySeconds();

    @Test
    void everyLineResolvesToALabelledIdentityInTheLabelledSegment() {
        for (SimulatedLine line : run.lines) {
            GroundTruthLabel label = run.labelOf(line);
            assertThat(label).as("label for %s", line.identity()).isNotNull();
            assertThat(line.segment()).as("segment of %s", line.identity()).isEqualTo(label.segment());
            assertThat(line.scenario()).as("scenario of %s", line.identity()).isEqualTo(label.scenario());
        }
    }

    @Test
    void everyLabelledIdentityAppearsInASixtySecondRun() {
        Set<String> seen = run.lines.stream().map(SimulatedLine::identity).collect(Collectors.toSet());
        assertThat(seen).containsAll(run.labels.keySet());
    }

    @Test
    void everyLegitIdentityIsActiveSeveralTimes() {
        var counts = run.byIdentity(run.linesOf(Scenario.LEGIT));
        assertThat(counts).hasSize(run.config.legitIdentities());
        assertThat(counts.values()).allSatisfy(lines -> assertThat(lines).hasSizeGreaterThanOrEqualTo(2));
    }

    @Test
    void labelsAreUniquePerIdentity() {
        List<GroundTruthLabel> labels = run.simulator.labels();
        Set<String> identities = new HashSet<>();
        for (GroundTruthLabel label : labels) {
            assertThat(identities.add(label.identity())).as("duplicate %s", label.identity()).isTrue();
        }
    }

    @Test
    void labelsCoverThePopulationAndEveryScenario() {
        assertThat(run.labelsOf(Scenario.LEGIT)).hasSize(3000);
        assertThat(run.labelsOf(Scenario.FLASH_CROWD)).hasSize(300);
        assertThat(run.labelsOf(Scenario.SIGNUP_FLOOD)).hasSize(80);
        assertThat(run.labelsOf(Scenario.PATH_SCANNER)).hasSize(2);
        assertThat(run.labelsOf(Scenario.CREDENTIAL_STUFFING)).hasSize(20);
        assertThat(run.labelsOf(Scenario.COMPROMISED_WORKLOAD)).singleElement()
                .extracting(GroundTruthLabel::identity)
                .isEqualTo("peer:spiffe://cluster.local/ns/catalog/sa/catalog-sync");
    }

    @Test
    void sinkAttackFlagAgreesWithTheLabelWindow() {
        for (SimulatedLine line : run.lines) {
            assertThat(line.attack()).as("%s at %d", line.identity(), line.startMillis())
                    .isEqualTo(run.labelOf(line).attackingAt(line.startMillis()));
            assertThat(line.sinkTimeMillis()).isEqualTo(line.startMillis());
        }
    }

    @Test
    void forwardedChainsResolveToTheirLastHop() {
        List<SimulatedLine> chained = run.select(l -> l.forwardedFor() != null && l.forwardedFor().contains(","));
        assertThat(chained).isNotEmpty();
        for (SimulatedLine line : chained) {
            if (line.userId() == null) {
                String last = line.forwardedFor().substring(line.forwardedFor().lastIndexOf(',') + 1).trim();
                assertThat(line.identity()).isEqualTo("ip:" + last);
            }
            assertThat(run.labelOf(line)).isNotNull();
        }
    }

    @Test
    void northSouthIdentitiesAreUsersOrAddressesAndEastWestArePeers() {
        for (GroundTruthLabel label : run.simulator.labels()) {
            if (label.segment().startsWith("asn:")) {
                assertThat(label.identity()).matches("(user:u-\\d{6}|ip:(\\d{1,3}\\.){3}\\d{1,3})");
            } else {
                assertThat(label.segment()).startsWith("ns:");
                assertThat(label.identity()).startsWith("peer:spiffe://cluster.local/ns/" + label.segment().substring(3)
                        + "/sa/");
            }
        }
    }
}
