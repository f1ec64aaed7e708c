package io.meshguard.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserAgentClassifierTest {
    private final UserAgentClassifier classifier = new UserAgentClassifier(UserAgentRules.defaults());

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 | NORMAL",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Version/17.2 Mobile/15E148 Safari/604.1 | NORMAL",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)  | NORMAL",
        "grpc-go/1.64.0                          | NORMAL",
        "grpc-java-netty/1.62.2                  | NORMAL",
        "Envoy/1.30                              | NORMAL",
        "kube-probe/1.29                         | NORMAL",
        "x                                       | NORMAL",
        "curl/8.5.0                              | TOOL",
        "CURL/7.68.0                             | TOOL",
        "Wget/1.21.4                             | TOOL",
        "python-requests/2.31.0                  | TOOL",
        "Python-urllib/3.12                      | TOOL",
        "Python/3.12 aiohttp/3.9.1               | TOOL",
        "Go-http-client/1.1                      | TOOL",
        "Java/17.0.9                             | TOOL",
        "okhttp/4.12.0                           | TOOL",
        "libwww-perl/6.72                        | TOOL",
        "Apache-HttpClient/4.5.14 (Java/17.0.9)  | TOOL",
        "Scrapy/2.11.0 (+https://scrapy.org)     | TOOL",
        "HTTPie/3.2.2                            | TOOL",
        "sqlmap/1.7.12#stable (https://sqlmap.org) | TOOL",
        "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:map_codes) | TOOL",
        "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html) | TOOL",
        "masscan/1.3 (https://github.com/robertdavidgraham/masscan) | TOOL",
        "Mozilla/5.0 zgrab/0.x                   | TOOL",
        "Mozilla/5.0 (Windows NT 10.0) Nuclei - Open-source project (github.com/projectdiscovery/nuclei) | TOOL",
        "gobuster/3.6                            | TOOL",
        "DirBuster-1.0-RC1                       | TOOL",
        "Mozilla/4.0 (compatible; dirb)          | TOOL",
        "Fuzz Faster U Fool v2.1.0 ffuf          | TOOL",
        "Wfuzz/3.1.0                             | TOOL",
        "Mozilla/5.0 (Hydra)                     | TOOL",
        "feroxbuster/2.10.1                      | TOOL",
        "WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner) | TOOL",
    })
    void userAgentGetsItsClass(String userAgent, UserAgentClass expected) {
        assertThat(classifier.classify(userAgent)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" -> EMPTY")
    @NullSource
    @ValueSource(strings = {"", "   ", "-", " - "})
    void absentUserAgentIsEmpty(String userAgent) {
        assertThat(classifier.classify(userAgent)).isEqualTo(UserAgentClass.EMPTY);
    }

    @Test
    void tokensAreConfigurable() {
        UserAgentClassifier custom = new UserAgentClassifier(UserAgentRules.defaults().withToolTokens("Headless"));
        assertThat(custom.classify("Mozilla/5.0 HeadlessChrome/120.0")).isEqualTo(UserAgentClass.TOOL);
        assertThat(custom.classify("curl/8.5.0")).isEqualTo(UserAgentClass.TOOL);

        UserAgentClassifier onlyMine = new UserAgentClassifier(new UserAgentRules(java.util.List.of("mybot")));
        assertThat(onlyMine.classify("curl/8.5.0")).isEqualTo(UserAgentClass.NORMAL);
        assertThat(onlyMine.classify("MyBot/1.0")).isEqualTo(UserAgentClass.TOOL);
    }

    @Test
    void tokenAtTheVeryEndIsFound() {
        assertThat(classifier.classify("sent by curl")).isEqualTo(UserAgentClass.TOOL);
    }

    @Test
    void tokensShorterThanTwoCharactersAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> UserAgentRules.defaults().withToolTokens("x"));
        assertThat(new UserAgentRules(java.util.List.of(" CURL ")).toolTokens()).containsExactly("curl");
    }
}
