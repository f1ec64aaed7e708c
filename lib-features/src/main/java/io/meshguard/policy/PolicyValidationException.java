package io.meshguard.policy;

/**
 * A policy document that cannot be used, with where and why: {@code path: problem}, e.g. {@code
 * thresholds.rate_limit_score: min 9.0 is greater than max 8.0}. The path is empty for problems of
 * the document as a whole (malformed JSON, too large).
 */
public final class PolicyValidationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String problem;

    public PolicyValidationException(String path, String problem) {
        super(path == null || path.isEmpty() ? problem : path + ": " + problem);
        this.path = path == null ? "" : path;
        this.problem = problem;
    }

    /** Where in the document, e.g. {@code manual[1].until}; empty for the document as a whole. */
    public String path() {
        return path;
    }

    /** Why, without the path. */
    public String problem() {
        return problem;
    }
}
