package io.meshguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorCliTest {
    @TempDir
    Path dir;

    @Test
    void writesTelemetryAndLabelsAndSummarisesThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path target = dir.resolve("run");
        int status = SimulatorCli.run(new String[] {
            "--out", target.toString(), "--seed", "5", "--duration", "60", "--rate", "300", "--identities", "400",
            "--day-length", "3600",
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> telemetry = Files.readAllLines(target.resolve("telemetry.jsonl"));
        List<String> labels = Files.readAllLines(target.resolve("labels.jsonl"));
        SimulationConfig config = SimulationConfig.builder().seed(5).durationSeconds(60).eventsPerSecond(300)
                .legitIdentities(400).dayLengthSeconds(3600).build();
        TrafficSimulator sim = new TrafficSimulator(config);
        assertThat(labels).hasSize(sim.labels().size());
        assertThat(labels.stream().map(GroundTruthLabel::parse).toList()).isEqualTo(sim.labels());
        List<String> expected = new ArrayList<>();
        for (long t = 0; t < sim.tickCount(); t++) {
            sim.generateTick(t, expected::add);
        }
        assertThat(telemetry).isEqualTo(expected);
        String summary = out.toString(StandardCharsets.UTF_8);
        assertThat(summary).contains(telemetry.size() + " lines").contains("signup-flood").contains("flash-crowd")
                .contains("compromised-workload").contains(labels.size() + " identities");
    }

    @Test
    void labelsWriterWritesTheLabelsOfAConfigurationWithoutGeneratingTraffic() throws Exception {
        SimulationConfig config = SimulationConfig.builder().durationSeconds(60).build();
        Path file = dir.resolve("nested/labels.jsonl");
        LabelsWriter.write(config, file);
        assertThat(Files.readAllLines(file).stream().map(GroundTruthLabel::parse).toList())
                .isEqualTo(new TrafficSimulator(config).labels());
    }

    @Test
    void rejectsUnknownOptionsWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimulatorCli.run(new String[] {"--speed", "9"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --speed").contains("Usage");
    }

    @Test
    void rejectsInvalidValues() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimulatorCli.run(new String[] {"--duration", "0", "--out", dir.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("durationSeconds");
    }
}
