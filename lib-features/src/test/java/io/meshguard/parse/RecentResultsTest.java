package io.meshguard.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentResultsTest {
    @Test
    void answersAreAlwaysTheFunctionsEvenWhenValuesShareSlots() {
        RecentResults<String> recent = new RecentResults<>(4, value -> "f(" + value + ")");
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            String value = "v" + random.nextInt(50);
            assertThat(recent.apply(value)).isEqualTo("f(" + value + ")");
        }
    }

    @Test
    void aRepeatedValueIsComputedOnce() {
        AtomicInteger calls = new AtomicInteger();
        RecentResults<Integer> recent = new RecentResults<>(64, value -> {
            calls.incrementAndGet();
            return value.length();
        });

        for (int i = 0; i < 100; i++) {
            assertThat(recent.apply("outbound|8080||catalog.shop.svc.cluster.local")).isEqualTo(45);
        }
        assertThat(calls).hasValue(1);
    }

    @Test
    void longValuesAreNotRemembered() {
        List<String> seen = new ArrayList<>();
        RecentResults<Integer> recent = new RecentResults<>(64, value -> {
            seen.add(value);
            return value.length();
        });
        String hostile = "x".repeat(RecentResults.MAX_REMEMBERED_LENGTH + 1);

        recent.apply(hostile);
        recent.apply(hostile);
        assertThat(seen).hasSize(2);
    }
}
