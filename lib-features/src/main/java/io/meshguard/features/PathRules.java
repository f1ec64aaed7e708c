package io.meshguard.features;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which path segments and file suffixes mark a request path as sensitive, login, signup or static;
 * compiled into a {@link PathClassifier}. Matching is ASCII case-insensitive.
 *
 * <p>Three kinds of rule: a <em>segment</em> name matches a whole path segment or its stem (the part
 * before the first dot, so {@code admin} also matches {@code /admin.php}); a <em>suffix</em> matches
 * the end of the last segment ({@code .bak}, {@code config.php}); a segment starting with a dot
 * ({@code /.env}, {@code /.git/config}) gets the dot-segment flags unless it is explicitly allowed
 * ({@code .well-known} is, because ACME and OpenID discovery live there).
 */
public final class PathRules implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_PATH_LENGTH = 512;

    private static final List<String> SENSITIVE_SEGMENTS = List.of(
            "admin", "wp-admin", "wp-login.php", "phpmyadmin", "administrator",
            "actuator", "server-status", "debug", "console", "backup", "backups");
    private static final List<String> SENSITIVE_SUFFIXES = List.of(
            ".bak", ".old", ".orig", ".sql", ".swp", "~", ".zip", ".tar", ".tar.gz", ".tgz",
            ".env", ".ini", ".cfg", ".conf", ".log", "config.php", "web.config", "config.json");
    // Not "session(s)": reading one's sessions is ordinary account traffic, not a login attempt.
    private static final List<String> LOGIN_SEGMENTS = List.of(
            "login", "signin", "sign-in", "token", "auth", "password");
    private static final List<String> SIGNUP_SEGMENTS = List.of("signup", "sign-up", "register", "registration");
    private static final List<String> STATIC_SUFFIXES = List.of(
            ".css", ".js", ".mjs", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico",
            ".woff", ".woff2", ".ttf", ".map", ".webp", ".avif");

    private static final PathRules DEFAULTS = builder()
            .segments(PathClass.SENSITIVE, SENSITIVE_SEGMENTS)
            .suffixes(PathClass.SENSITIVE, SENSITIVE_SUFFIXES)
            .dotSegments(PathClass.SENSITIVE)
            .allowDotSegments(".well-known")
            .segments(PathClass.LOGIN, LOGIN_SEGMENTS)
            .segments(PathClass.SIGNUP, SIGNUP_SEGMENTS)
            .suffixes(PathClass.STATIC, STATIC_SUFFIXES)
            .build();

    private final Map<String, Integer> segmentFlags;
    private final Map<String, Integer> suffixFlags;
    private final int dotSegmentFlags;
    private final Set<String> allowedDotSegments;
    private final int maxPathLength;

    private PathRules(Builder b) {
        this.segmentFlags = Map.copyOf(b.segmentFlags);
        this.suffixFlags = Map.copyOf(b.suffixFlags);
        this.dotSegmentFlags = b.dotSegmentFlags;
        this.allowedDotSegments = Set.copyOf(b.allowedDotSegments);
        this.maxPathLength = b.maxPathLength;
    }

    /** The built-in rules: common scanner targets, login/signup endpoints and static assets. */
    public static PathRules defaults() {
        return DEFAULTS;
    }

    /** An empty rule set, to build custom rules from scratch. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these rules, to extend or tighten them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.segmentFlags.putAll(segmentFlags);
        b.suffixFlags.putAll(suffixFlags);
        b.dotSegmentFlags = dotSegmentFlags;
        b.allowedDotSegments.addAll(allowedDotSegments);
        b.maxPathLength = maxPathLength;
        return b;
    }

    /** Lower-cased segment name to the {@link PathClass} flags it sets. */
    public Map<String, Integer> segmentFlags() {
        return segmentFlags;
    }

    /** Lower-cased suffix of the last segment to the {@link PathClass} flags it sets. */
    public Map<String, Integer> suffixFlags() {
        return suffixFlags;
    }

    /** Flags set by any segment that starts with a dot, unless allowed; 0 disables the rule. */
    public int dotSegmentFlags() {
        return dotSegmentFlags;
    }

    /** Lower-cased dot segments that are not flagged, e.g. {@code .well-known}. */
    public Set<String> allowedDotSegments() {
        return allowedDotSegments;
    }

    /** Normalized paths are cut to this many characters so keys and hashes stay bounded. */
    public int maxPathLength() {
        return maxPathLength;
    }

    static String lowerAscii(String s) {
        char[] out = new char[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = lowerAscii(s.charAt(i));
        }
        return new String(out);
    }

    static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** Accumulates rules; adding a name twice with different flags combines the flags. */
    public static final class Builder {
        private final Map<String, Integer> segmentFlags = new LinkedHashMap<>();
        private final Map<String, Integer> suffixFlags = new LinkedHashMap<>();
        private final Set<String> allowedDotSegments = new LinkedHashSet<>();
        private int dotSegmentFlags;
        private int maxPathLength = DEFAULT_MAX_PATH_LENGTH;

        private Builder() {}

        public Builder segments(int flags, String... names) {
            return segments(flags, List.of(names));
        }

        public Builder segments(int flags, List<String> names) {
            requireFlags(flags);
            for (String name : names) {
                if (name == null || name.isBlank() || name.indexOf('/') >= 0) {
                    throw new IllegalArgumentException("path segment rule must be a non-blank name without '/': " + name);
                }
                segmentFlags.merge(lowerAscii(name.strip()), flags, (a, b) -> a | b);
            }
            return this;
        }

        public Builder suffixes(int flags, String... suffixes) {
            return suffixes(flags, List.of(suffixes));
        }

        public Builder suffixes(int flags, List<String> suffixes) {
            requireFlags(flags);
            for (String suffix : suffixes) {
                if (suffix == null || suffix.isBlank() || suffix.indexOf('/') >= 0) {
                    throw new IllegalArgumentException("path suffix rule must be non-blank without '/': " + suffix);
                }
                suffixFlags.merge(lowerAscii(suffix.strip()), flags, (a, b) -> a | b);
            }
            return this;
        }

        /** Flags for segments starting with a dot; 0 turns the rule off. */
        public Builder dotSegments(int flags) {
            this.dotSegmentFlags = flags;
            return this;
        }

        public Builder allowDotSegments(String... names) {
            for (String name : names) {
                if (name == null || !name.startsWith(".")) {
                    throw new IllegalArgumentException("allowed dot segment must start with '.': " + name);
                }
                allowedDotSegments.add(lowerAscii(name));
            }
            return this;
        }

        public Builder maxPathLength(int maxPathLength) {
            if (maxPathLength < 1) {
                throw new IllegalArgumentException("maxPathLength must be positive: " + maxPathLength);
            }
            this.maxPathLength = maxPathLength;
            return this;
        }

        public PathRules build() {
            return new PathRules(this);
        }

        private static void requireFlags(int flags) {
            if (flags == 0) {
                throw new IllegalArgumentException("a path rule must set at least one PathClass flag");
            }
        }
    }
}
