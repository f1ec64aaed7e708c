package io.meshguard.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshguard.features.PathClass;
import io.meshguard.features.PathClassifier;
import io.meshguard.features.PathRules;
import io.meshguard.features.UserAgentClass;
import io.meshguard.features.UserAgentClassifier;
import io.meshguard.features.UserAgentRules;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Differential tests for the classifiers {@link TelemetryDecoder} runs on every line: their fast
 * scans must agree with plain reference implementations written from the rules' documentation, on
 * random paths and user agents made of rule names, random case, separators and non-ASCII chars that
 * alias ASCII letters in their low bits.
 */
class ClassifiersAgreeWithReferenceTest {
    private final SplittableRandom random = new SplittableRandom(7_2026L);

    // ---- User agents ----

    private static final List<UserAgentRules> USER_AGENT_RULES = List.of(
            UserAgentRules.defaults(),
            UserAgentRules.defaults().withToolTokens("Headless", "xy", "\u00fcbot", "\u0163c"),
            new UserAgentRules(List.of("ab", "abc", "b/")));

    private static final String[] USER_AGENT_PIECES = {"Mozilla/5.0", " (", "; ", ")", "AppleWebKit", "KHTML", "like",
        "Gecko", "Chrome/131.0", "Safari", "CURL", "cUrL", "curl", "cur", "url", "wget", "Python-Requests", "python",
        "java/", "Java", "okhttp", "Nikto", "nmap", "dirb", "dirbuster", "HEADLESS", "xy", "XY", "x", "\u00fcBot",
        "\u00dcbot", "\u0163C", "\u00c3url", "\u0163url", "\u0141", "\ud83d\ude80", "-", " ", "ab", "AB", "B/", "a"};

    @Test
    void userAgentClassAgreesWithSubstringSearch() {
        for (UserAgentRules rules : USER_AGENT_RULES) {
            UserAgentClassifier classifier = new UserAgentClassifier(rules);
            for (int i = 0; i < 20_000; i++) {
                String userAgent = randomText(USER_AGENT_PIECES, 12);
                assertThat(classifier.classify(userAgent)).as("%s with %s", userAgent, rules.toolTokens())
                        .isEqualTo(referenceClass(rules, userAgent));
            }
        }
    }

    /** A tool token anywhere, ASCII case ignored; null, blank and "-" are empty. */
    private static UserAgentClass referenceClass(UserAgentRules rules, String userAgent) {
        if (userAgent == null || userAgent.isBlank() || userAgent.strip().equals("-")) {
            return UserAgentClass.EMPTY;
        }
        String lower = lowerAscii(userAgent);
        for (String token : rules.toolTokens()) {
            if (lower.contains(token)) {
                return UserAgentClass.TOOL;
            }
        }
        return UserAgentClass.NORMAL;
    }

    // ---- Paths ----

    private static final List<PathRules> PATH_RULES = List.of(
            PathRules.defaults(),
            PathRules.builder()
                    .segments(PathClass.LOGIN, "x", "\u00e9t\u00e9", "a.b")
                    .suffixes(PathClass.SENSITIVE, "~", ".\u00e9", "x")
                    .dotSegments(PathClass.STATIC)
                    .allowDotSegments(".ok", ".")
                    .build());

    private static final String[] PATH_PIECES = {"/", "/", "/", "//", "api", "v1", "12345", "admin", "ADMIN", "Admin",
        "admin.php", "wp-login.php", "WP-LOGIN.PHP", "login", "Login", "token", "tokens", "signup", "register",
        ".env", ".ENV", ".git", ".well-known", ".WELL-KNOWN", ".ok", ".", "..", "app.js", ".js", ".JS", "x.css",
        ".tar.gz", "tar.gz", "config.php", "web.config", "~", "x", "X", "a.b", "A.B", "\u00e9t\u00e9", "\u00c9T\u00c9",
        ".\u00e9", "\u00c3", "\u0141ogin", "?", "#", "?q=/admin", "#/login", "\ud83d\ude80", "-", "_", ".bak", "%2F"};

    @Test
    void pathFlagsAgreeWithSegmentBySegmentReading() {
        for (PathRules rules : PATH_RULES) {
            PathClassifier classifier = new PathClassifier(rules);
            for (int i = 0; i < 20_000; i++) {
                String path = randomText(PATH_PIECES, 10);
                assertThat(classifier.classify(path)).as(path).isEqualTo(referenceFlags(rules, path));
                String normalized = classifier.normalize(path);
                assertThat(classifier.classify(normalized)).as(normalized).isEqualTo(referenceFlags(rules, normalized));
            }
        }
    }

    /** As {@link PathRules} documents the rules, one segment at a time. */
    private static int referenceFlags(PathRules rules, String path) {
        if (path == null) {
            return 0;
        }
        int end = path.length();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '?' || path.charAt(i) == '#') {
                end = i;
                break;
            }
        }
        Map<String, Integer> segmentRules = rules.segmentFlags();
        int flags = 0;
        String last = null;
        for (String segment : path.substring(0, end).split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            last = segment;
            if (segment.charAt(0) == '.') {
                if (rules.dotSegmentFlags() != 0 && !rules.allowedDotSegments().contains(lowerAscii(segment))) {
                    flags |= rules.dotSegmentFlags();
                }
            } else if (segment.indexOf('.', 1) > 0) {
                flags |= segmentRules.getOrDefault(lowerAscii(segment.substring(0, segment.indexOf('.', 1))), 0);
            }
            flags |= segmentRules.getOrDefault(lowerAscii(segment), 0);
        }
        if (last != null) {
            for (Map.Entry<String, Integer> suffix : rules.suffixFlags().entrySet()) {
                if (lowerAscii(last).endsWith(suffix.getKey())) {
                    flags |= suffix.getValue();
                }
            }
        }
        return flags;
    }

    // ---- Helpers ----

    private String randomText(String[] pieces, int maxPieces) {
        if (random.nextInt(50) == 0) {
            return random.nextBoolean() ? null : "";
        }
        StringBuilder out = new StringBuilder();
        int count = random.nextInt(maxPieces + 1);
        for (int i = 0; i < count; i++) {
            out.append(pieces[random.nextInt(pieces.length)]);
        }
        return out.toString();
    }

    private static String lowerAscii(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }
}
