package io.meshguard.features;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Substrings that mark a User-Agent as a scripting library or attack tool; compiled into a {@link
 * UserAgentClassifier}. Tokens are stored lower-cased and matched ASCII case-insensitively.
 */
public record UserAgentRules(List<String> toolTokens) implements Serializable {
    /** Fewer than two characters would match nearly every browser string. */
    public static final int MIN_TOKEN_LENGTH = 2;

    public static final List<String> DEFAULT_TOOL_TOKENS = List.of(
            "curl", "wget", "python-requests", "python-urllib", "aiohttp", "go-http-client", "java/",
            "okhttp", "libwww-perl", "apache-httpclient", "scrapy", "httpie", "sqlmap", "nikto", "nmap",
            "masscan", "zgrab", "nuclei", "gobuster", "dirbuster", "dirb", "ffuf", "wfuzz", "hydra",
            "feroxbuster", "wpscan");

    private static final UserAgentRules DEFAULTS = new UserAgentRules(DEFAULT_TOOL_TOKENS);

    public UserAgentRules {
        Set<String> normalized = new LinkedHashSet<>();
        for (String token : toolTokens) {
            if (token == null || token.strip().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(
                        "user-agent tool token must have at least " + MIN_TOKEN_LENGTH + " characters: " + token);
            }
            normalized.add(PathRules.lowerAscii(token.strip()));
        }
        toolTokens = List.copyOf(normalized);
    }

    public static UserAgentRules defaults() {
        return DEFAULTS;
    }

    /** These rules plus more tool tokens. */
    public UserAgentRules withToolTokens(String... more) {
        List<String> all = new ArrayList<>(toolTokens);
        all.addAll(List.of(more));
        return new UserAgentRules(all);
    }
}
