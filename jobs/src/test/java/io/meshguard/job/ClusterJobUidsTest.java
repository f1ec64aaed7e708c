package io.meshguard.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Savepoint compatibility of the cluster job: every operator of every run mode has a user-given uid,
 * so a savepoint taken by one release restores into the next (Flink would otherwise derive ids from
 * the graph's shape, and any change to it would orphan the state).
 */
class ClusterJobUidsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simulator to files", "file with control dir to files", "kafka to redis and kafka"})
    void everyOperatorHasAStableUid(String mode) throws Exception {
        StreamGraph graph = graphOf(args(mode));

        List<String> withoutUid = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() == null) {
                withoutUid.add(node.getOperatorName());
            }
        }
        assertThat(withoutUid).as("operators without a uid").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simulator to files", "file with control dir to files", "kafka to redis and kafka"})
    void uidsAreUnique(String mode) throws Exception {
        StreamGraph graph = graphOf(args(mode));

        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (!seen.add(node.getTransformationUID())) {
                duplicates.add(node.getTransformationUID());
            }
        }
        assertThat(duplicates).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simulator to files", "kafka to redis and kafka"})
    void statefulOperatorsKeepTheirReleasedUids(String mode) throws Exception {
        StreamGraph graph = graphOf(args(mode));

        Set<String> uids = new HashSet<>();
        graph.getStreamNodes().forEach(n -> uids.add(n.getTransformationUID()));
        // Renaming any of these orphans its state in every existing savepoint.
        assertThat(uids).contains(
                MeshGuardWorkflow.Uids.PARSE,
                MeshGuardWorkflow.Uids.SEGMENT_CONTROLLER,
                MeshGuardWorkflow.Uids.DETECT,
                MeshGuardWorkflow.Uids.ARBITER);
    }

    private String[] args(String mode) throws Exception {
        Path out = dir.resolve("out");
        switch (mode) {
            case "simulator to files":
                return new String[] {"--out", out.toString(), "--duration", "60"};
            case "file with control dir to files":
                Path telemetry = Files.writeString(dir.resolve("access.jsonl"), "");
                Path control = Files.createDirectories(dir.resolve("control"));
                return new String[] {"--source", "file:" + telemetry, "--out", out.toString(),
                        "--policy.control-dir", control.toString()};
            case "kafka to redis and kafka":
                return new String[] {"--source", "kafka", "--sink", "redis,kafka",
                        "--kafka.bootstrap-servers", "localhost:9092", "--kafka.control.topic", "meshguard-control",
                        "--redis.uri", "redis://localhost:6379"};
            default:
                throw new IllegalArgumentException(mode);
        }
    }

    private static StreamGraph graphOf(String[] args) throws Exception {
        Configuration config = ClusterJob.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ClusterJob.define(env, config);
        return env.getStreamGraph();
    }
}
