package io.meshguard.job.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshguard.json.DeadLetterJson;
import io.meshguard.model.DeadLetter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFileSinkIntegrationTest {

    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .build());

    @TempDir Path dir;

    private static StreamExecutionEnvironment environment() {
        Configuration config = new Configuration();
        // A failing job should fail the test at once instead of restarting.
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);
        return env;
    }

    @Test
    void writesOneLinePerElementFromAParallelUpstream() throws Exception {
        Path file = dir.resolve("out/nested/numbers.jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "left over from a previous run\n");
        StreamExecutionEnvironment env = environment();
        DataStream<Long> doubled = env.fromSequence(1, 1_000).map(n -> n * 2).name("double");

        JsonLinesFileSink.attach(doubled, file, n -> "{\"n\":" + n + "}", "numbers-sink", "numbers.jsonl");
        env.execute("json-lines-sink");

        List<String> expected = LongStream.rangeClosed(1, 1_000)
                .mapToObj(n -> "{\"n\":" + (n * 2) + "}")
                .collect(Collectors.toList());
        assertThat(Files.readAllLines(file)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.readString(file)).endsWith("}\n");
    }

    @Test
    void writesDeadLettersThroughASerializableFormatter() throws Exception {
        Path file = dir.resolve("dead-letters.jsonl");
        StreamExecutionEnvironment env = environment();
        DataStream<DeadLetter> deadLetters = env.fromData(
                new DeadLetter("bad\njson at all", "malformed JSON", "test:1", 0L),
                new DeadLetter("{}", "missing required key 'path'", "test:2", 1_000L));

        JsonLinesFileSink.attach(deadLetters, file, new DeadLetterJson(8)::line, "dead-letter-sink", "dead-letters.jsonl");
        env.execute("dead-letter-sink");

        assertThat(Files.readAllLines(file))
                .containsExactlyInAnyOrder(
                        "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"reason\":\"malformed JSON\",\"origin\":\"test:1\","
                                + "\"raw\":\"bad\\njson\",\"raw_truncated\":true}",
                        "{\"ts\":\"1970-01-01T00:00:01.000Z\",\"reason\":\"missing required key 'path'\","
                                + "\"origin\":\"test:2\",\"raw\":\"{}\",\"raw_truncated\":false}");
    }

    @Test
    void failoverRestartAppendsInsteadOfWipingWhatWasWritten() throws Exception {
        Path file = dir.resolve("failover.jsonl");
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        // Upstream at parallelism 2 keeps the sink (parallelism 1) in a task of its own without state,
        // as in the job: such a task is told of no restored checkpoint when it is restarted.
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(50);
        FailOnceAfterACheckpoint.failed = false;
        DataStream<Long> numbers = env.fromSequence(1, 3_000).map(new FailOnceAfterACheckpoint()).name("fail once");

        JsonLinesFileSink.attach(numbers, file, String::valueOf, "failover-sink", "failover.jsonl");
        env.execute("json-lines-failover");

        assertThat(FailOnceAfterACheckpoint.failed).as("the job failed over once").isTrue();
        // At least once: lines flushed before the failure stay, the replay after the checkpoint adds duplicates.
        assertThat(Files.readAllLines(file).stream().map(Long::parseLong).collect(Collectors.toSet()))
                .containsAll(LongStream.rangeClosed(1, 3_000).boxed().collect(Collectors.toSet()));
    }

    /** Paces the stream and fails the first attempt once a checkpoint has flushed lines to the file. */
    static final class FailOnceAfterACheckpoint
            implements org.apache.flink.api.common.functions.MapFunction<Long, Long>,
                    org.apache.flink.api.common.state.CheckpointListener {
        static volatile boolean failed;
        private transient boolean checkpointed;

        @Override
        public Long map(Long n) throws Exception {
            Thread.sleep(1); // pacing, so checkpoints complete while the stream runs
            if (checkpointed && !failed) {
                failed = true;
                throw new IllegalStateException("injected failure after a completed checkpoint");
            }
            return n;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    @Test
    void failsClearlyWhenRunWithParallelismAboveOne() {
        Path file = dir.resolve("shared.jsonl");
        StreamExecutionEnvironment env = environment();
        env.fromSequence(1, 10)
                .sinkTo(new JsonLinesFileSink<Long>(file, String::valueOf))
                .setParallelism(2)
                .name("misconfigured sink");

        assertThatThrownBy(() -> env.execute("parallel-sink"))
                .hasStackTraceContaining("must run with parallelism 1")
                .hasStackTraceContaining("runs with parallelism 2");
    }
}
