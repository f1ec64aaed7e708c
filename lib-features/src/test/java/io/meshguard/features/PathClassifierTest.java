package io.meshguard.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.StringJoiner;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathClassifierTest {
    private final PathClassifier classifier = new PathClassifier(PathRules.defaults());

    /** Flags written as in the tables below, e.g. {@code SENSITIVE+STATIC} or {@code -}. */
    private static String names(int flags) {
        StringJoiner out = new StringJoiner("+");
        if (PathClass.has(flags, PathClass.SENSITIVE)) {
            out.add("SENSITIVE");
        }
        if (PathClass.has(flags, PathClass.LOGIN)) {
            out.add("LOGIN");
        }
        if (PathClass.has(flags, PathClass.SIGNUP)) {
            out.add("SIGNUP");
        }
        if (PathClass.has(flags, PathClass.STATIC)) {
            out.add("STATIC");
        }
        return flags == 0 ? "-" : out.toString();
    }

    @Nested
    class DefaultRules {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
            // scanners' favourite targets
            "/.env                         | SENSITIVE",
            "/app/.env                     | SENSITIVE",
            "/.git/config                  | SENSITIVE",
            "/.aws/credentials             | SENSITIVE",
            "/.ssh/id_rsa                  | SENSITIVE",
            "/../../etc/passwd             | SENSITIVE",
            "/admin                        | SENSITIVE",
            "/ADMIN/                       | SENSITIVE",
            "/admin.php                    | SENSITIVE",
            "/wp-admin/install.php         | SENSITIVE",
            "/wp-login.php                 | SENSITIVE",
            "/phpMyAdmin/index.php         | SENSITIVE",
            "/administrator/               | SENSITIVE",
            "/actuator/env                 | SENSITIVE",
            "/server-status                | SENSITIVE",
            "/debug/pprof                  | SENSITIVE",
            "/console                      | SENSITIVE",
            "/backup                       | SENSITIVE",
            "/db.sql                       | SENSITIVE",
            "/index.php.bak                | SENSITIVE",
            "/index.php~                   | SENSITIVE",
            "/site.tar.gz                  | SENSITIVE",
            "/www.zip                      | SENSITIVE",
            "/.index.php.swp               | SENSITIVE",
            "/config/app.ini               | SENSITIVE",
            "/nginx.conf                   | SENSITIVE",
            "/logs/error.log               | SENSITIVE",
            "/wp-config.php                | SENSITIVE",
            "/web.config                   | SENSITIVE",
            "/static/config.json           | SENSITIVE",
            "/settings.OLD                 | SENSITIVE",
            // authentication and account creation
            "/login                        | LOGIN",
            "/api/v1/Login                 | LOGIN",
            "/login.html                   | LOGIN",
            "/signin                       | LOGIN",
            "/sign-in                      | LOGIN",
            "/oauth/token                  | LOGIN",
            "/auth/callback                | LOGIN",
            "/api/sessions                 | -",
            "/account/password             | LOGIN",
            "/signup                       | SIGNUP",
            "/sign-up                      | SIGNUP",
            "/users/register               | SIGNUP",
            "/registration/step1           | SIGNUP",
            // assets
            "/static/app.js                | STATIC",
            "/app.MJS                      | STATIC",
            "/css/site.css                 | STATIC",
            "/img/logo.PNG                 | STATIC",
            "/favicon.ico                  | STATIC",
            "/fonts/inter.woff2            | STATIC",
            "/bundle.js.map                | STATIC",
            "/photo.avif                   | STATIC",
            // combinations
            "/admin/login                  | SENSITIVE+LOGIN",
            "/admin/app.js                 | SENSITIVE+STATIC",
            // ordinary endpoints
            "/                             | -",
            "''                            | -",
            "/api/v1/orders/12345          | -",
            "/products/administration      | -",
            "/blog/logins-explained        | -",
            "/data.json                    | -",
            "/.well-known/openid-configuration | -",
            "/.well-known/acme-challenge/x | -",
            "/tokens                       | -",
            "/env                          | -",
        })
        void pathGetsItsFlags(String path, String expected) {
            assertThat(names(classifier.classify(path))).isEqualTo(expected);
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
            "/login?next=/admin           | LOGIN",
            "/index.html?file=.env        | -",
            "/app.js#/admin               | STATIC",
        })
        void queryAndFragmentAreIgnored(String path, String expected) {
            assertThat(names(classifier.classify(path))).isEqualTo(expected);
        }

        @Test
        void nullPathHasNoFlags() {
            assertThat(classifier.classify(null)).isZero();
        }
    }

    @Nested
    class Normalize {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
            "/search?q=shoes&page=2       | /search",
            "/docs#install                | /docs",
            "/a?b#c                       | /a",
            "/a#b?c                       | /a",
            "?only=query                  | ''",
            "/plain                       | /plain",
        })
        void queryStringAndFragmentAreStripped(String raw, String expected) {
            assertThat(classifier.normalize(raw)).isEqualTo(expected);
        }

        @Test
        void unchangedPathIsReturnedWithoutCopying() {
            String path = "/api/v1/orders";
            assertThat(classifier.normalize(path)).isSameAs(path);
        }

        @Test
        void longPathIsCutToTheMaximum() {
            assertThat(classifier.normalize("/" + "a".repeat(5_000))).hasSize(PathRules.DEFAULT_MAX_PATH_LENGTH);
        }

        @Test
        void cutNeverSplitsACharacter() {
            PathClassifier short4 = new PathClassifier(PathRules.defaults().toBuilder().maxPathLength(4).build());
            assertThat(short4.normalize("/ab\uD83D\uDE80")).isEqualTo("/ab");
        }

        @Test
        void missingPathBecomesEmpty() {
            assertThat(classifier.normalize(null)).isEmpty();
        }
    }

    @Nested
    class CustomRules {
        @Test
        void rulesCanBeBuiltFromScratch() {
            PathRules rules = PathRules.builder()
                    .segments(PathClass.LOGIN, "logon")
                    .suffixes(PathClass.SENSITIVE, ".pem")
                    .build();
            PathClassifier custom = new PathClassifier(rules);

            assertThat(names(custom.classify("/LOGON"))).isEqualTo("LOGIN");
            assertThat(names(custom.classify("/certs/server.pem"))).isEqualTo("SENSITIVE");
            assertThat(names(custom.classify("/login"))).isEqualTo("-");
            assertThat(names(custom.classify("/.env"))).isEqualTo("-");
        }

        @Test
        void defaultsCanBeExtended() {
            PathClassifier extended = new PathClassifier(PathRules.defaults().toBuilder()
                    .segments(PathClass.SIGNUP, "join")
                    .segments(PathClass.SENSITIVE, "join")
                    .allowDotSegments(".hidden-but-fine")
                    .build());

            assertThat(names(extended.classify("/join"))).isEqualTo("SENSITIVE+SIGNUP");
            assertThat(names(extended.classify("/.hidden-but-fine/x"))).isEqualTo("-");
            assertThat(names(extended.classify("/login"))).isEqualTo("LOGIN");
        }

        @Test
        void dotSegmentRuleCanBeSwitchedOff() {
            PathClassifier lenient = new PathClassifier(PathRules.defaults().toBuilder().dotSegments(0).build());
            assertThat(names(lenient.classify("/.git/HEAD"))).isEqualTo("-");
            assertThat(names(lenient.classify("/.env"))).isEqualTo("SENSITIVE"); // still a sensitive suffix
        }

        @Test
        void meaninglessRulesAreRejected() {
            assertThatIllegalArgumentException().isThrownBy(() -> PathRules.builder().segments(0, "x"));
            assertThatIllegalArgumentException().isThrownBy(() -> PathRules.builder().segments(PathClass.LOGIN, "a/b"));
            assertThatIllegalArgumentException().isThrownBy(() -> PathRules.builder().suffixes(PathClass.STATIC, " "));
            assertThatIllegalArgumentException().isThrownBy(() -> PathRules.builder().allowDotSegments("well-known"));
            assertThatIllegalArgumentException().isThrownBy(() -> PathRules.builder().maxPathLength(0));
        }
    }
}
