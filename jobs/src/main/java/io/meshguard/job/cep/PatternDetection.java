package io.meshguard.job.cep;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternConfig;
import io.meshguard.cep.PatternMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * Runs every {@link BehaviourPatterns behaviour pattern} over per-identity interval summaries, one
 * keyed CEP operator per pattern, and merges their matches.
 *
 * <p>The input must carry event-time timestamps and watermarks: CEP buffers each summary until the
 * watermark passes it, and drops (counting {@code numLateRecordsDropped}) any summary whose
 * timestamp is not above the last watermark it saw. A producer that emits each summary from the
 * event-time timer closing its interval, stamped with the timer's time, satisfies this: the
 * watermark that fired the timer reaches CEP only after the summary.
 */
public final class PatternDetection {
    /** Operator uids: stable across releases so savepoints stay compatible. */
    public static final class Uids {
        public static final String BURST = "cep-burst";
        public static final String SPIKE = "cep-spike";
        public static final String SCAN = "cep-scan";
        public static final String SENSITIVE_PROBE = "cep-sensitive-probe";

        private Uids() {}
    }

    /** Metric group of the match counters. */
    public static final String METRIC_GROUP = "meshguard";

    private PatternDetection() {}

    /**
     * Applies every pattern in {@link PatternMatch#PATTERNS}, each to the summaries that can be
     * members of it (keyed by identity). A pattern never needs the others' summaries: the burst
     * pattern only counts intervals over the limit, the scan pattern only intervals with new paths,
     * and so on. Filtering first keeps each CEP operator's buffer, timers and shuffle to what it
     * can use, and makes "the next member" in a pattern mean exactly that.
     */
    public static DataStream<PatternMatch> detect(DataStream<IntervalSummary> summaries, PatternConfig config) {
        DataStream<PatternMatch> all = null;
        for (String pattern : PatternMatch.PATTERNS) {
            KeyedStream<IntervalSummary, String> members = summaries
                    .filter(new Members(pattern, config))
                    .uid(uid(pattern) + "-members")
                    .name(pattern + " members")
                    .keyBy(new ByIdentity());
            DataStream<PatternMatch> matches = detect(members, pattern, config);
            all = all == null ? matches : all.union(matches);
        }
        return all;
    }

    /** Whether a summary can take part in the pattern at all. */
    static final class Members implements FilterFunction<IntervalSummary> {
        private static final long serialVersionUID = 1L;

        private final String pattern;
        private final PatternConfig config;

        Members(String pattern, PatternConfig config) {
            this.pattern = pattern;
            this.config = config;
        }

        @Override
        public boolean filter(IntervalSummary s) {
            switch (pattern) {
                case PatternMatch.BURST:
                    return config.isOverLimit(s);
                case PatternMatch.SPIKE:
                    return config.isSpike(s);
                case PatternMatch.SCAN:
                    return config.isScanInterval(s);
                case PatternMatch.SENSITIVE_PROBE:
                    return config.isSensitiveInterval(s);
                default:
                    throw new IllegalArgumentException("unknown pattern " + pattern);
            }
        }
    }

    /** One pattern's CEP operator, named and with its uid. */
    public static SingleOutputStreamOperator<PatternMatch> detect(
            KeyedStream<IntervalSummary, String> byIdentity, String pattern, PatternConfig config) {
        return CEP.pattern(byIdentity, BehaviourPatterns.forName(pattern, config))
                .inEventTime()
                .process(new ToPatternMatch(pattern, config), TypeInformation.of(PatternMatch.class))
                .uid(uid(pattern))
                .name("CEP " + pattern);
    }

    public static String uid(String pattern) {
        return "cep-" + pattern;
    }

    /** {@code cepMatchesBurst}, {@code cepMatchesSensitiveProbe}, ... */
    public static String metricName(String pattern) {
        StringBuilder name = new StringBuilder("cepMatches");
        for (String word : pattern.split("-")) {
            name.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
        }
        return name.toString();
    }

    /** Keys summaries by identity. */
    public static final class ByIdentity implements KeySelector<IntervalSummary, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(IntervalSummary summary) {
            return summary.identity;
        }
    }

    /** Turns one CEP match into a {@link PatternMatch} with its evidence, and counts it. */
    static final class ToPatternMatch extends PatternProcessFunction<IntervalSummary, PatternMatch> {
        private static final long serialVersionUID = 1L;

        private final String pattern;
        private final PatternConfig config;
        private transient Counter matches;

        ToPatternMatch(String pattern, PatternConfig config) {
            this.pattern = pattern;
            this.config = config;
        }

        @Override
        public void open(OpenContext openContext) throws Exception {
            matches = getRuntimeContext().getMetricGroup().addGroup(METRIC_GROUP).counter(metricName(pattern));
        }

        @Override
        public void processMatch(
                Map<String, List<IntervalSummary>> match, Context ctx, Collector<PatternMatch> out) {
            List<IntervalSummary> intervals = new ArrayList<>();
            for (List<IntervalSummary> stage : match.values()) {
                intervals.addAll(stage);
            }
            matches.inc();
            out.collect(PatternMatch.of(pattern, intervals, config));
        }
    }
}
