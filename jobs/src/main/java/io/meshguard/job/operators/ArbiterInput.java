package io.meshguard.job.operators;

import io.meshguard.cep.PatternMatch;
import io.meshguard.control.FalsePositiveReport;
import io.meshguard.model.Decision;

/**
 * One keyed input of {@link DecisionArbiterFunction}: the detector's score proposal, a behaviour
 * pattern match, or a false-positive report. Exactly one field is set. A Flink POJO, so the three
 * streams can be unioned into one keyed stream.
 */
public class ArbiterInput {
    /** A score-based decision of the identity operator. */
    public Decision proposal;

    public PatternMatch match;
    public FalsePositiveReport feedback;

    public ArbiterInput() {}

    public static ArbiterInput proposal(Decision proposal) {
        ArbiterInput in = new ArbiterInput();
        in.proposal = proposal;
        return in;
    }

    public static ArbiterInput match(PatternMatch match) {
        ArbiterInput in = new ArbiterInput();
        in.match = match;
        return in;
    }

    public static ArbiterInput feedback(FalsePositiveReport report) {
        ArbiterInput in = new ArbiterInput();
        in.feedback = report;
        return in;
    }

    /** The identity key the input is about: the arbiter's key. */
    public String identity() {
        if (proposal != null) {
            return proposal.identity;
        }
        if (match != null) {
            return match.identity;
        }
        if (feedback != null) {
            return feedback.identity;
        }
        throw new IllegalStateException("empty arbiter input");
    }

    /** Event time the input is about. */
    public long timestampMillis() {
        if (proposal != null) {
            return proposal.timestampMillis;
        }
        if (match != null) {
            return match.lastIntervalMillis;
        }
        if (feedback != null) {
            return feedback.timestampMillis;
        }
        throw new IllegalStateException("empty arbiter input");
    }

    @Override
    public String toString() {
        return "ArbiterInput{" + (proposal != null ? proposal : match != null ? match : feedback) + "}";
    }
}
