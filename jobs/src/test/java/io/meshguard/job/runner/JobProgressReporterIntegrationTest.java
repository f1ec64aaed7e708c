package io.meshguard.job.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.job.runner.JobProgressReporter.Totals;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobProgressReporterIntegrationTest {

    private static final int PARALLELISM = 2;
    private static final int IDENTITIES_PER_SUBTASK = 7;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(PARALLELISM)
                    .setConfiguration(clusterConfig())
                    .build());

    private static Configuration clusterConfig() {
        Configuration config = new Configuration();
        // The REST metric store refreshes every 10 s by default; the test should not wait that long.
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        return config;
    }

    /** Counts events the way the detection operators do, and reports a fixed gauge per subtask. */
    static final class CountingMap extends RichMapFunction<Long, Long> {
        private transient Counter eventsIn;
        private transient int trackedIdentities;

        @Override
        public void open(OpenContext openContext) {
            MetricGroup meshguard = getRuntimeContext().getMetricGroup().addGroup("meshguard");
            eventsIn = meshguard.counter("eventsIn");
            trackedIdentities = IDENTITIES_PER_SUBTASK;
            // The gauge reads a field, so each subtask registers its own instance: a non-capturing
            // lambda would be one shared object, which Flink's metric query service reports only once.
            meshguard.gauge("trackedIdentities", (Gauge<Integer>) () -> trackedIdentities);
        }

        @Override
        public Long map(Long value) {
            eventsIn.inc();
            return value;
        }
    }

    @Test
    void readsLiveOperatorMetricsFromTheRestApi(@InjectClusterClient RestClusterClient<?> client) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.fromSource(
                        new DataGeneratorSource<>(n -> n, Long.MAX_VALUE, RateLimiterStrategy.perSecond(200), Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .map(new CountingMap())
                .name("count events")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("progress-reporter-test");

        List<String> lines = new CopyOnWriteArrayList<>();
        JobProgressReporter reporter = new JobProgressReporter(
                URI.create(client.getWebInterfaceURL()), job.getJobID().toHexString(), Duration.ofMillis(200), lines::add);
        try {
            reporter.start();
            waitUntil(
                    () -> reporter.summary().eventsIn() > 0
                            && reporter.summary().trackedIdentities() == PARALLELISM * IDENTITIES_PER_SUBTASK,
                    Duration.ofSeconds(60));
        } finally {
            reporter.stop();
            job.cancel().get();
        }

        Totals totals = reporter.summary();
        assertThat(totals.eventsIn()).isPositive();
        assertThat(totals.elapsedMillis()).isPositive();
        assertThat(totals.trackedIdentities()).isEqualTo(PARALLELISM * IDENTITIES_PER_SUBTASK);
        assertThat(totals.deadLetters()).isZero(); // not registered by this job: reads as 0
        assertThat(lines).isNotEmpty().allMatch(line -> line.startsWith("[meshguard] ") && line.contains(" events/s "));
    }

    /** Polls {@code condition} until it holds, failing once {@code timeout} has passed. */
    private static void waitUntil(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
