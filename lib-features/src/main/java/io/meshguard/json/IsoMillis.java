package io.meshguard.json;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Formats epoch milliseconds as ISO-8601 UTC with exactly three fraction digits.
 *
 * <p>{@link Instant#toString()} drops the fraction when it is zero, which makes timestamps in one
 * file differ in width and sort wrongly as text; this always writes {@code .SSS}.
 */
final class IsoMillis {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private IsoMillis() {}

    static String format(long epochMillis) {
        StringBuilder sb = new StringBuilder(24);
        append(sb, epochMillis);
        return sb.toString();
    }

    static void append(StringBuilder out, long epochMillis) {
        long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            // Outside four-digit years ISO-8601 needs a sign and more digits; Instant knows how.
            out.append(Instant.ofEpochMilli(epochMillis));
            return;
        }
        int hour = millisOfDay / 3_600_000;
        int minute = millisOfDay / 60_000 % 60;
        int second = millisOfDay / 1000 % 60;
        int millis = millisOfDay % 1000;
        pad(out, year, 4).append('-');
        pad(out, date.getMonthValue(), 2).append('-');
        pad(out, date.getDayOfMonth(), 2).append('T');
        pad(out, hour, 2).append(':');
        pad(out, minute, 2).append(':');
        pad(out, second, 2).append('.');
        pad(out, millis, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        // One leading zero for each of 10, 100, ... (up to 10^(width-1)) that value falls short of.
        for (int digits = 1, bound = 10; digits < width; digits++, bound *= 10) {
            if (value < bound) {
                out.append('0');
            }
        }
        return out.append(value);
    }
}
