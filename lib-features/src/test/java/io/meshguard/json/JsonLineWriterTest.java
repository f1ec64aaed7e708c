package io.meshguard.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonLineWriterTest {

    /** Writes {"s": value} and reads the value back through UTF-8 and a strict parser. */
    private static String roundTrip(String value) {
        String line = new JsonLineWriter().beginObject().field("s", value).endObject().toLine();
        return (String) ParsedJson.object(line).get("s");
    }

    private static String line(String value) {
        return new JsonLineWriter().beginObject().field("s", value).endObject().toLine();
    }

    /** Independent reference: what a string should read back as once unpaired surrogates are replaced. */
    private static String withLoneSurrogatesReplaced(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp));
        return sb.toString();
    }

    @Nested
    class Escaping {
        @Test
        void quotesAndBackslashesSurviveARoundTrip() {
            String s = "say \"hi\" \\ C:\\path\\ \\\" \\\\\"";
            assertThat(roundTrip(s)).isEqualTo(s);
            assertThat(line("a\"b\\c")).isEqualTo("{\"s\":\"a\\\"b\\\\c\"}");
        }

        @Test
        void everyControlCharacterIsEscapedAndSurvives() {
            StringBuilder all = new StringBuilder();
            for (char c = 0; c < 0x20; c++) {
                all.append('x').append(c);
            }
            all.append('\u007f');
            String line = line(all.toString());
            assertThat(line.chars().filter(c -> c < 0x20)).isEmpty();
            assertThat(roundTrip(all.toString())).isEqualTo(all.toString());
        }

        @Test
        void commonControlCharactersUseTheirShortEscapes() {
            assertThat(line("\n\r\t\b\f\u0000\u001f"))
                    .isEqualTo("{\"s\":\"\\n\\r\\t\\b\\f\\u0000\\u001f\"}");
        }

        @Test
        void javascriptLineSeparatorsAreEscaped() {
            String s = "a\u2028b\u2029c";
            assertThat(line(s)).isEqualTo("{\"s\":\"a\\u2028b\\u2029c\"}");
            assertThat(roundTrip(s)).isEqualTo(s);
        }

        @Test
        void nonAsciiTextAndSurrogatePairsAreKeptVerbatim() {
            String s = "grüße 日本語 \uD83D\uDE00 emoji \uD801\uDC37";
            assertThat(line(s)).isEqualTo("{\"s\":\"" + s + "\"}");
            assertThat(roundTrip(s)).isEqualTo(s);
        }

        @Test
        void unpairedSurrogatesBecomeReplacementCharacters() {
            String lone = "hi\uD800 lo\uDC00 rev\uDC00\uD800 end\uD83D";
            String back = roundTrip(lone);
            assertThat(back).isEqualTo("hi\uFFFD lo\uFFFD rev\uFFFD\uFFFD end\uFFFD");
            // Survives strict UTF-8 encoding, where a raw lone surrogate would turn into '?'.
            byte[] utf8 = line(lone).getBytes(StandardCharsets.UTF_8);
            assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(line(lone));
        }

        @Test
        void keysAreEscapedLikeValues() {
            String line = new JsonLineWriter().beginObject().field("k\"\n\uD800", 1).endObject().toLine();
            assertThat(ParsedJson.object(line)).containsOnlyKeys("k\"\n\uFFFD");
        }

        @Test
        void aMultiMegabyteStringOfArbitraryCharactersIsOneValidLine() {
            Random random = new Random(42);
            char[] chars = new char[3_000_000];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(0x10000);
            }
            String s = new String(chars);
            assertThat(roundTrip(s)).isEqualTo(withLoneSurrogatesReplaced(s));
        }

        @Test
        void aSliceWritesOnlyTheRequestedCharacters() {
            String line = new JsonLineWriter().beginObject().name("s").value("xx\"yy", 1, 4).endObject().toLine();
            assertThat(ParsedJson.object(line)).containsEntry("s", "x\"y");
        }
    }

    @Nested
    class Numbers {
        @Test
        void nonFiniteDoublesBecomeNull() {
            String line = new JsonLineWriter()
                    .beginObject()
                    .field("nan", Double.NaN)
                    .field("inf", Double.POSITIVE_INFINITY)
                    .field("ninf", Double.NEGATIVE_INFINITY, 2)
                    .endObject()
                    .toLine();
            assertThat(line).isEqualTo("{\"nan\":null,\"inf\":null,\"ninf\":null}");
        }

        @ParameterizedTest(name = "{0} with {1} decimals is {2}")
        @CsvSource({
            "12.345678, 2, 12.35",
            "3, 2, 3.00",
            "0.05, 2, 0.05",
            "0.5, 0, 1",
            "-2.5, 0, -3",
            "-0.0001, 3, 0.000",
            "-0.0, 2, 0.00",
            "-1.23456, 4, -1.2346",
            "0.000123, 9, 0.000123000",
            "1e20, 2, 100000000000000000000.00",
            "-123456789012.345, 1, -123456789012.3",
        })
        void fixedDecimalsRoundHalfUpAndPad(double value, int decimals, String expected) {
            String line = new JsonLineWriter().beginArray().value(value, decimals).endArray().toLine();
            assertThat(line).isEqualTo("[" + expected + "]");
        }

        @ParameterizedTest(name = "{0} rounded to at most {1} decimals is {2}")
        @CsvSource({
            "1.0, 4, 1",
            "1.5, 4, 1.5",
            "1.05, 4, 1.05",
            "-0.30000001, 4, -0.3",
            "0.00004, 4, 0",
            "-0.00004, 4, 0",
            "123.456789, 4, 123.4568",
            "1e20, 4, 100000000000000000000",
            "1.25e16, 4, 12500000000000000",
        })
        void roundedValuesDropTrailingZeros(double value, int maxDecimals, String expected) {
            String line = new JsonLineWriter().beginArray().valueRounded(value, maxDecimals).endArray().toLine();
            assertThat(line).isEqualTo("[" + expected + "]");
        }

        @Test
        void plainDoublesAndLongsAreValidJsonNumbers() {
            String line = new JsonLineWriter()
                    .beginArray()
                    .value(1.5e300)
                    .value(-0.0)
                    .value(Double.MIN_VALUE)
                    .value(Long.MIN_VALUE)
                    .value(42)
                    .endArray()
                    .toLine();
            ParsedJson.object("{\"a\":" + line + "}"); // parses strictly
            assertThat(line).isEqualTo("[1.5E300,-0.0,4.9E-324,-9223372036854775808,42]");
        }

        @Test
        void rejectsUnsupportedDecimalCounts() {
            JsonLineWriter w = new JsonLineWriter().beginArray();
            assertThatThrownBy(() -> w.value(1.0, 10)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.value(1.0, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Structure {
        @Test
        void nestedObjectsArraysAndNullsParseBackInOrder() {
            String line = new JsonLineWriter()
                    .beginObject()
                    .field("a", "x")
                    .nullField("b")
                    .name("c")
                    .beginArray()
                    .value(1)
                    .beginObject()
                    .field("d", true)
                    .endObject()
                    .beginArray()
                    .endArray()
                    .nullValue()
                    .endArray()
                    .name("e")
                    .beginObject()
                    .endObject()
                    .field("f", new String[] {"p", null, "q"})
                    .field("g", (String[]) null)
                    .endObject()
                    .toLine();

            assertThat(line)
                    .isEqualTo("{\"a\":\"x\",\"b\":null,\"c\":[1,{\"d\":true},[],null],\"e\":{},"
                            + "\"f\":[\"p\",null,\"q\"],\"g\":null}");
            Map<String, Object> parsed = ParsedJson.object(line);
            assertThat(parsed).containsOnlyKeys("a", "b", "c", "e", "f", "g");
            assertThat((List<?>) parsed.get("c")).hasSize(4);
            assertThat(parsed.get("f")).isEqualTo(Arrays.asList("p", null, "q"));
        }

        @Test
        void resetAllowsReuseForTheNextLine() {
            JsonLineWriter w = new JsonLineWriter(8);
            String first = w.beginObject().field("n", 1).endObject().toLine();
            String second = w.reset().beginObject().field("n", 2).endObject().toLine();
            assertThat(first).isEqualTo("{\"n\":1}");
            assertThat(second).isEqualTo("{\"n\":2}");
        }

        @Test
        void misuseFailsInsteadOfWritingBrokenJson() {
            assertThatThrownBy(() -> new JsonLineWriter().beginObject().value("no name"))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new JsonLineWriter().beginArray().name("k"))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new JsonLineWriter().beginObject().name("k").endObject())
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new JsonLineWriter().beginObject().endArray())
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new JsonLineWriter().beginObject().toLine())
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new JsonLineWriter().value(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new JsonLineWriter().beginObject().endObject().beginObject())
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new JsonLineWriter().beginObject().name(null))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Timestamps {
        private final DateTimeFormatter reference =
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

        @Test
        void alwaysWritesThreeFractionDigits() {
            assertThat(IsoMillis.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
            assertThat(IsoMillis.format(1_714_564_800_042L)).isEqualTo("2024-05-01T12:00:00.042Z");
            assertThat(IsoMillis.format(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
        }

        @Test
        void agreesWithJavaTimeAcrossFourDigitYears() {
            Random random = new Random(7);
            long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
            long min = Instant.parse("0000-01-01T00:00:00.000Z").toEpochMilli();
            for (int i = 0; i < 10_000; i++) {
                long ms = min + (long) (random.nextDouble() * (max - min));
                assertThat(IsoMillis.format(ms)).isEqualTo(reference.format(Instant.ofEpochMilli(ms)));
            }
        }

        @Test
        void yearsBeyondFourDigitsStillProduceIsoText() {
            assertThat(IsoMillis.format(Long.MAX_VALUE)).isEqualTo(Instant.ofEpochMilli(Long.MAX_VALUE).toString());
            String line = new JsonLineWriter().beginObject().name("ts").isoTimestamp(Long.MIN_VALUE).endObject().toLine();
            assertThat(ParsedJson.object(line).get("ts")).isEqualTo(Instant.ofEpochMilli(Long.MIN_VALUE).toString());
        }
    }
}
