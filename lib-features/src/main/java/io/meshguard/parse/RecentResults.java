package io.meshguard.parse;

import java.util.function.Function;

/**
 * Remembers a pure function's results for recently seen strings, for fields with few distinct
 * values (upstream clusters, user agents): comparing a value with the one remembered in its slot
 * costs a vectorized {@link String#equals}, where recomputing walks the value char by char.
 *
 * <p>A small direct-mapped table: a value that lands on another's slot replaces it, so any number of
 * distinct values (a scanner inventing user agents, say) costs at most one comparison more than
 * computing, and never more memory. Values longer than {@value #MAX_REMEMBERED_LENGTH} chars are
 * not remembered, so that hostile headers cannot make the table hold megabytes. Entries are
 * immutable and replaced whole, so sharing between threads is safe.
 */
final class RecentResults<V> {
    static final int MAX_REMEMBERED_LENGTH = 512;

    private final Function<String, V> function;
    private final Entry<V>[] slots;

    /** @param slots a power of two */
    @SuppressWarnings("unchecked")
    RecentResults(int slots, Function<String, V> function) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two: " + slots);
        }
        this.function = function;
        this.slots = (Entry<V>[]) new Entry<?>[slots];
    }

    V apply(String value) {
        if (value.length() > MAX_REMEMBERED_LENGTH) {
            return function.apply(value);
        }
        int slot = slot(value);
        Entry<V> entry = slots[slot];
        if (entry != null && entry.value.equals(value)) {
            return entry.result;
        }
        V result = function.apply(value);
        slots[slot] = new Entry<>(value, result);
        return result;
    }

    /** From the length and two chars in the back half, where names that share a prefix differ. */
    private int slot(String value) {
        int length = value.length();
        int mix = length == 0 ? 0 : length * 31 + value.charAt(length >>> 1) * 7 + value.charAt((length * 3) >>> 2);
        return (mix ^ (mix >>> 7)) & (slots.length - 1);
    }

    private static final class Entry<V> {
        final String value;
        final V result;

        Entry(String value, V result) {
            this.value = value;
            this.result = result;
        }
    }
}
