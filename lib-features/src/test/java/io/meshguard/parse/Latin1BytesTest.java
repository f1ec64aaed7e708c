package io.meshguard.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Latin1BytesTest {
    @Test
    void plainCheckAgreesWithACharByCharCheckAtEveryLengthAndPosition() {
        SplittableRandom random = new SplittableRandom(11);
        char[] alphabet = {'a', 'Z', '0', ' ', '"', '\u007f', '\u0080', '\u009f', '\u00a0', '\u00ff', '\u0100', '\u2028',
            '\\', '\u015c', '\u0000', '\t', '\n', '\r', '\u001f', '\u0020', '\ud83d', '\ude80'};
        for (int i = 0; i < 50_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int c = 0; c < length; c++) {
                // Mostly plain, so that a single special char has to be found among many.
                text.append(random.nextInt(8) == 0 ? alphabet[random.nextInt(alphabet.length)] : 'x');
            }
            String s = text.toString();
            assertThat(Latin1Bytes.isPlain(Latin1Bytes.of(s))).as("%s", s).isEqualTo(isPlainCharByChar(s));
        }
    }

    @Test
    void bytesKeepTheCharsIndexesEvenWithSurrogatePairs() {
        String text = "{\"user_agent\":\"\ud83d\ude80 \u00e9\u4e2d\"}";
        byte[] bytes = Latin1Bytes.of(text);

        assertThat(bytes).hasSize(text.length());
        assertThat((char) bytes[text.indexOf('}')]).isEqualTo('}');
        assertThat(bytes[text.indexOf('\u00e9')]).isEqualTo((byte) 0xe9);
        assertThat((char) bytes[text.indexOf('\u4e2d')]).isEqualTo('?');
    }

    private static boolean isPlainCharByChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < ' ' || s.charAt(i) == '\\') {
                return false;
            }
        }
        return true;
    }
}
