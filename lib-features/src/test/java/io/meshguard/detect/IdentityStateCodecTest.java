package io.meshguard.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link IdentityStateCodec}: every field of the state, and of what it holds, survives a round trip. */
class IdentityStateCodecTest {
    private static byte[] write(IdentityState s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IdentityStateCodec.write(s, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static IdentityState read(byte[] bytes) throws IOException {
        return IdentityStateCodec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    /** Field by field; NaN equals NaN (Float/Double#compare), as it does in state. */
    private static void assertRoundTrips(IdentityState s) throws IOException {
        assertThat(read(write(s))).usingRecursiveComparison()
                .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class)
                .withEqualsForType((a, b) -> Float.compare(a, b) == 0, Float.class)
                .isEqualTo(s);
    }

    @Test
    void aFreshStateRoundTrips() throws Exception {
        assertRoundTrips(new IdentityState());
    }

    /**
     * Fills every instance field by reflection, so a field added to the state but not to the codec
     * comes back with its default and fails this test.
     */
    @Test
    void everyFieldRoundTrips() throws Exception {
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            IdentityState s = new IdentityState();
            fill(s, random);
            fill(s.features, random);
            fill(s.baseline, random);
            assertRoundTrips(s);
        }
    }

    @Test
    void missingNestedObjectsStayMissing() throws Exception {
        IdentityState s = new IdentityState();
        s.features = null;
        s.baseline = null;
        s.action = null;
        IdentityState back = read(write(s));
        assertThat(back.features).isNull();
        assertThat(back.baseline).isNull();
        assertThat(back.action).isNull();
    }

    @Test
    void anUnknownFormatIsRefused() throws Exception {
        byte[] bytes = write(new IdentityState());
        bytes[0] = 99;
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(IOException.class).hasMessageContaining("format 99");
    }

    private static void fill(Object target, Random random) throws IllegalAccessException {
        for (Field f : target.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Class<?> t = f.getType();
            boolean nullable = !t.isPrimitive() && random.nextInt(6) == 0;
            if (t == long.class) {
                f.setLong(target, random.nextLong());
            } else if (t == int.class) {
                f.setInt(target, random.nextInt());
            } else if (t == double.class) {
                f.setDouble(target, random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian() * 1e6);
            } else if (t == float.class) {
                f.setFloat(target, random.nextInt(10) == 0 ? Float.NaN : (float) random.nextGaussian());
            } else if (t == int[].class) {
                int[] a = new int[random.nextInt(40)];
                for (int k = 0; k < a.length; k++) {
                    a[k] = random.nextInt();
                }
                f.set(target, nullable ? null : a);
            } else if (t == long[].class) {
                long[] a = new long[random.nextInt(40)];
                for (int k = 0; k < a.length; k++) {
                    a[k] = random.nextLong();
                }
                f.set(target, a);
            } else if (t == float[].class) {
                float[] a = new float[random.nextInt(40)];
                for (int k = 0; k < a.length; k++) {
                    a[k] = (float) random.nextGaussian();
                }
                f.set(target, a);
            } else if (t == String.class) {
                f.set(target, nullable ? null : "asn:" + random.nextInt(70_000) + (random.nextBoolean() ? "·ü/%" : ""));
            } else if (t.isEnum()) {
                Object[] constants = t.getEnumConstants();
                f.set(target, nullable ? null : constants[random.nextInt(constants.length)]);
            } else if (t.getPackageName().startsWith("io.meshguard")) {
                continue; // nested state objects, filled by the caller
            } else {
                throw new AssertionError("the codec test does not know how to fill " + f);
            }
        }
    }
}
