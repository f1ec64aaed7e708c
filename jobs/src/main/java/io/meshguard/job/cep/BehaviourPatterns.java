package io.meshguard.job.cep;

import io.meshguard.cep.IntervalSummary;
import io.meshguard.cep.PatternConfig;
import io.meshguard.cep.PatternMatch;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The Flink CEP patterns over one identity's {@link IntervalSummary} stream, built from a {@link
 * PatternConfig}. Their structure is static; the thresholds come from each summary (its segment's
 * values in force), so tightening a segment changes what matches without touching the patterns.
 *
 * <p>Why the state stays bounded: a summary exists at most once per identity and interval, every
 * pattern has a {@code within} window (so at most window / interval partial matches per identity,
 * pruned when the watermark passes their window), loops use the default relaxed (skip-till-next)
 * contiguity, which never forks a partial match on an event it cannot take, and every pattern
 * skips past the last event of a match, dropping every partial match that overlaps it.
 */
public final class BehaviourPatterns {
    /** Stage names; a match's events are listed under them. */
    static final String OVER_LIMIT = "over-limit";
    static final String SPIKE = "spike";
    static final String RUN = "run";
    static final String LAST = "last";

    private BehaviourPatterns() {}

    /** The pattern of a name in {@link PatternMatch#PATTERNS}. */
    public static Pattern<IntervalSummary, ?> forName(String pattern, PatternConfig config) {
        return switch (pattern) {
            case PatternMatch.BURST -> burst(config);
            case PatternMatch.SPIKE -> spike(config);
            case PatternMatch.SCAN -> scan(config);
            case PatternMatch.SENSITIVE_PROBE -> sensitiveProbe(config);
            default -> throw new IllegalArgumentException(
                    "unknown pattern '" + pattern + "', expected one of " + PatternMatch.PATTERNS);
        };
    }

    /**
     * {@code burstIntervals} intervals over their own rate limit within {@code burstWithin}, not
     * necessarily adjacent.
     */
    public static Pattern<IntervalSummary, ?> burst(PatternConfig config) {
        return Pattern.<IntervalSummary>begin(OVER_LIMIT, AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new OverLimit(config))
                .times(config.burstIntervals)
                .within(config.burstWithin);
    }

    /**
     * One interval at or above its spike limit. A single-stage pattern completes on the event that
     * starts it and keeps no partial match; the one-interval window is there only so that CEP sets
     * a timer which, once the identity is idle, clears its last per-timestamp event counter.
     */
    public static Pattern<IntervalSummary, ?> spike(PatternConfig config) {
        return Pattern.<IntervalSummary>begin(SPIKE, AfterMatchSkipStrategy.skipPastLastEvent())
                .where(new Spike(config))
                .within(Duration.ofMillis(IntervalSummary.DEFAULT_INTERVAL_MILLIS));
    }

    /**
     * At least {@code scanMinIntervals} intervals with new paths within {@code scanWithin}, the
     * first a failed probe, whose new paths and 404/403/400 share, summed, reach the scan cut-offs.
     */
    public static Pattern<IntervalSummary, ?> scan(PatternConfig config) {
        return cumulative(config.scanMinIntervals, config.scanWithin,
                new RunMember(new ScanStart(config), new ScanInterval(config)), new ScanReached(config));
    }

    /** Intervals with sensitive-path hits within {@code sensitiveWithin} that together reach {@code sensitiveHits}. */
    public static Pattern<IntervalSummary, ?> sensitiveProbe(PatternConfig config) {
        SensitiveInterval hit = new SensitiveInterval(config);
        return cumulative(1, config.sensitiveWithin, new RunMember(hit, hit), new SensitiveReached(config));
    }

    /**
     * A run of member intervals, closed by one more member at which the run's totals pass {@code
     * reached}: {@code run{minIntervals-1,}} then {@code last}. CEP has no aggregate condition, so
     * the closing stage is an {@link IterativeCondition} that sums the run so far; it is only
     * evaluated for members. {@code next} (strict) for the closing stage matters: with {@code
     * followedBy} the closing stage would also wait on every event it rejected, keeping a second
     * partial match per run.
     *
     * <p>Every member can start a run, so up to one run per member summary in the window is open
     * at once, and the shared buffer keeps an edge per run and summary: the state of an identity
     * that keeps runs open without completing them grows with the square of its member summaries
     * per window (not with the stream). Which summaries may start a run is therefore kept narrow.
     */
    private static Pattern<IntervalSummary, ?> cumulative(
            int minIntervals, Duration within, RunMember member, TotalsCondition reached) {
        Pattern<IntervalSummary, IntervalSummary> run =
                Pattern.<IntervalSummary>begin(RUN, AfterMatchSkipStrategy.skipPastLastEvent()).where(member);
        run = minIntervals > 1 ? run.timesOrMore(minIntervals - 1) : run.oneOrMore().optional();
        return run.next(LAST).where(member).where(reached).within(within);
    }

    /** Rate above the summary's own rate limit. */
    static final class OverLimit extends SimpleCondition<IntervalSummary> {
        private static final long serialVersionUID = 1L;
        private final PatternConfig config;

        OverLimit(PatternConfig config) {
            this.config = config;
        }

        @Override
        public boolean filter(IntervalSummary s) {
            return config.isOverLimit(s);
        }
    }

    /** Rate at or above the summary's own spike limit. */
    static final class Spike extends SimpleCondition<IntervalSummary> {
        private static final long serialVersionUID = 1L;
        private final PatternConfig config;

        Spike(PatternConfig config) {
            this.config = config;
        }

        @Override
        public boolean filter(IntervalSummary s) {
            return config.isSpike(s);
        }
    }

    /** An interval that reached new paths. */
    static final class ScanInterval extends SimpleCondition<IntervalSummary> {
        private static final long serialVersionUID = 1L;
        private final PatternConfig config;

        ScanInterval(PatternConfig config) {
            this.config = config;
        }

        @Override
        public boolean filter(IntervalSummary s) {
            return config.isScanInterval(s);
        }
    }

    /** A failed probe of a new path: what a scan run may start with. */
    static final class ScanStart extends SimpleCondition<IntervalSummary> {
        private static final long serialVersionUID = 1L;
        private final PatternConfig config;

        ScanStart(PatternConfig config) {
            this.config = config;
        }

        @Override
        public boolean filter(IntervalSummary s) {
            return config.isScanStart(s);
        }
    }

    /** An interval with sensitive-path hits. */
    static final class SensitiveInterval extends SimpleCondition<IntervalSummary> {
        private static final long serialVersionUID = 1L;
        private final PatternConfig config;

        SensitiveInterval(PatternConfig config) {
            this.config = config;
        }

        @Override
        public boolean filter(IntervalSummary s) {
            return config.isSensitiveInterval(s);
        }
    }

    /**
     * Membership of a cumulative run: {@code start} for the run's first interval, {@code member}
     * for the rest. Cheap where it matters: the start state has no events to read, and a partial
     * match's events are read once per summary and shared with the closing condition.
     */
    static final class RunMember extends IterativeCondition<IntervalSummary> {
        private static final long serialVersionUID = 1L;
        private final SimpleCondition<IntervalSummary> start;
        private final SimpleCondition<IntervalSummary> member;

        RunMember(SimpleCondition<IntervalSummary> start, SimpleCondition<IntervalSummary> member) {
            this.start = start;
            this.member = member;
        }

        @Override
        public boolean filter(IntervalSummary candidate, Context<IntervalSummary> ctx) throws Exception {
            if (!member.filter(candidate)) {
                return false;
            }
            return ctx.getEventsForPattern(RUN).iterator().hasNext() || start.filter(candidate);
        }
    }

    /** Sums the partial match's {@link #RUN} and the candidate, then asks {@link #reached}. */
    abstract static class TotalsCondition extends IterativeCondition<IntervalSummary> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(IntervalSummary candidate, Context<IntervalSummary> ctx) throws Exception {
            IntervalSummary.Totals totals = IntervalSummary.Totals.of(ctx.getEventsForPattern(RUN));
            return reached(totals.add(candidate), candidate);
        }

        abstract boolean reached(IntervalSummary.Totals totals, IntervalSummary latest);
    }

    static final class ScanReached extends TotalsCondition {
        private static final long serialVersionUID = 1L;
        private final PatternConfig config;

        ScanReached(PatternConfig config) {
            this.config = config;
        }

        @Override
        boolean reached(IntervalSummary.Totals totals, IntervalSummary latest) {
            return config.isScan(totals, latest);
        }
    }

    static final class SensitiveReached extends TotalsCondition {
        private static final long serialVersionUID = 1L;
        private final PatternConfig config;

        SensitiveReached(PatternConfig config) {
            this.config = config;
        }

        @Override
        boolean reached(IntervalSummary.Totals totals, IntervalSummary latest) {
            return config.isSensitiveProbe(totals);
        }
    }
}
