package io.meshguard.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Linear counting and the two-hash Bloom filter of {@link BitSketches}. */
class BitSketchesTest {

    private static int population(long[] words) {
        int bits = 0;
        for (long w : words) {
            bits += Long.bitCount(w);
        }
        return bits;
    }

    @Nested
    class LinearCounting {
        @Test
        void hundredDistinctValuesIn256BitsAreCountedWithinTenPercent() {
            long[] words = new long[8];
            for (int i = 0; i < 100; i++) {
                BitSketches.set(words, 0, 4, Hashing.hash64("value-" + i));
            }
            assertThat(BitSketches.distinctUnion(words, 0, 4, 4)).isCloseTo(100, within(10.0));
        }

        @Test
        void repeatedValuesAreCountedOnce() {
            long[] words = new long[8];
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 20; i++) {
                    BitSketches.set(words, 0, 4, Hashing.hash64("value-" + i));
                }
            }
            assertThat(BitSketches.distinctUnion(words, 0, 4, 4)).isCloseTo(20, within(2.0));
        }

        @Test
        void unionOfTwoRangesCountsEachValueOnce() {
            long[] words = new long[8];
            for (int i = 0; i < 30; i++) {
                BitSketches.set(words, 0, 4, Hashing.hash64("v" + i)); // v0..v29 in the first
            }
            for (int i = 20; i < 50; i++) {
                BitSketches.set(words, 4, 4, Hashing.hash64("v" + i)); // v20..v49 in the second
            }
            // v0..v49: 50 distinct, v20..v29 in both
            assertThat(BitSketches.distinctUnion(words, 0, 4, 4)).isCloseTo(50, within(5.0));
        }

        @Test
        void setTouchesExactlyOneBitInsideItsRange() {
            for (int i = 0; i < 1000; i++) {
                long[] words = new long[12];
                BitSketches.set(words, 4, 4, Hashing.hash64("k" + i));
                assertThat(population(words)).isEqualTo(1);
                assertThat(words[0] | words[1] | words[2] | words[3]).isZero();
                assertThat(words[8] | words[9] | words[10] | words[11]).isZero();
            }
        }

        @ParameterizedTest(name = "{1} of {0} bits set estimates {2}")
        @CsvSource({
            // -m ln((m - k) / m)
            "256,   0,    0.0",
            "256,   1,    1.001958",  // -256 ln(255/256)
            "256,   3,    3.017717",  // -256 ln(253/256)
            "256, 128,  177.445678",  // 256 ln 2
            "256, 255, 1419.565426",  // -256 ln(1/256) = 256 ln 256: one zero bit left
            "64,   32,   44.361419"   // 64 ln 2
        })
        void estimateIsMinusMTimesLogOfZeroFraction(int bits, int setBits, double expected) {
            assertThat(BitSketches.linearCount(bits, setBits)).isCloseTo(expected, within(1e-5));
        }

        @Test
        void fullBitmapSaturatesAtMLnM() {
            long[] words = new long[8];
            java.util.Arrays.fill(words, -1L);
            // 256 ln 256 = 1419.57
            assertThat(BitSketches.distinctUnion(words, 0, 4, 4)).isCloseTo(256 * Math.log(256), within(1e-9));
            // 64 ln 64 = 266.17
            assertThat(BitSketches.distinctUnion(-1L, 0L)).isCloseTo(64 * Math.log(64), within(1e-9));
        }

        @Test
        void singleWordUnionOrsTheWords() {
            // bits {0, 1, 2} | {2, 3}: 4 set of 64 gives -64 ln(60/64) = 4.1304
            assertThat(BitSketches.distinctUnion(0b0111L, 0b1100L)).isCloseTo(-64 * Math.log(60 / 64.0), within(1e-12));
            assertThat(BitSketches.distinctUnion(0L, 0L)).isZero();
        }
    }

    @Nested
    class Bloom {
        @Test
        void firstAddSetsBitsAndSecondAddReportsSeen() {
            long[] filter = new long[8];
            long hash = Hashing.hash64("/login");
            int newBits = BitSketches.bloomAdd(filter, hash);
            assertThat(newBits).isBetween(1, 2).isEqualTo(population(filter));
            assertThat(BitSketches.bloomAdd(filter, hash)).isZero();
            assertThat(population(filter)).isEqualTo(newBits);
        }

        @Test
        void distinctValuesAreMostlyNotReportedSeen() {
            long[] filter = new long[8];
            for (int i = 0; i < 20; i++) {
                BitSketches.bloomAdd(filter, Hashing.hash64("seen-" + i));
            }
            int falsePositives = 0;
            for (int i = 0; i < 1000; i++) {
                long[] copy = filter.clone();
                if (BitSketches.bloomAdd(copy, Hashing.hash64("unseen-" + i)) == 0) {
                    falsePositives++;
                }
            }
            // 20 values, 2 hashes, 512 bits: (1 - e^(-40/512))^2 = 0.57%; allow 3%
            assertThat(falsePositives).isLessThan(30);
        }

        @Test
        void everyAddedValueIsSeenAfterwards() {
            long[] filter = new long[8];
            for (int i = 0; i < 100; i++) {
                BitSketches.bloomAdd(filter, Hashing.hash64("p" + i));
            }
            for (int i = 0; i < 100; i++) {
                assertThat(BitSketches.bloomAdd(filter, Hashing.hash64("p" + i))).as("p" + i).isZero();
            }
        }
    }
}
