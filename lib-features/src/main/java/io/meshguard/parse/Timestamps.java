package io.meshguard.parse;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Reads ISO-8601 timestamps to epoch milliseconds. Envoy's own shape, {@code
 * 2026-11-23T10:15:30.123Z}, is read by hand straight from the line, because java.time
 * allocates several objects per call and this runs once per request; other shapes (offsets, other
 * fraction lengths) go through java.time.
 */
public final class Timestamps {
    /** Returned when the text is not a timestamp; no real timestamp maps to it. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final int ENVOY_SHAPE_LENGTH = "2026-11-23T10:15:30.123Z".length();

    private Timestamps() {}

    /** Epoch milliseconds of {@code text[from, to)}, or {@link #INVALID}. */
    public static long parseMillis(String text, int from, int to) {
        long millis = parseEnvoyShape(text, from, to - from);
        return millis != INVALID ? millis : parseAnyShape(text.substring(from, to));
    }

    static long parseMillis(String text) {
        return parseMillis(text, 0, text.length());
    }

    /** As {@link #parseEnvoyShape(String, int, int)}, for text held in a char array. */
    static long parseEnvoyShape(char[] t, int o, int length) {
        return parseEnvoyShape(new String(t, o, length), 0, length);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} exactly, else {@link #INVALID}. */
    static long parseEnvoyShape(String t, int o, int length) {
        if (length != ENVOY_SHAPE_LENGTH
                || t.charAt(o + 4) != '-' || t.charAt(o + 7) != '-' || t.charAt(o + 10) != 'T'
                || t.charAt(o + 13) != ':' || t.charAt(o + 16) != ':' || t.charAt(o + 19) != '.'
                || t.charAt(o + 23) != 'Z') {
            return INVALID;
        }
        int year = digits(t, o, 4);
        int month = digits(t, o + 5, 2);
        int day = digits(t, o + 8, 2);
        int hour = digits(t, o + 11, 2);
        int minute = digits(t, o + 14, 2);
        int second = digits(t, o + 17, 2);
        int millis = digits(t, o + 20, 3);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) {
            return INVALID;
        }
        long seconds = daysFromCivil(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second;
        return seconds * 1_000L + millis;
    }

    private static long parseAnyShape(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            return INVALID;
        }
    }

    /** The decimal value of {@code count} ASCII digits, or -1 if any is not a digit. */
    private static int digits(String t, int offset, int count) {
        int value = 0;
        for (int i = offset; i < offset + count; i++) {
            int digit = t.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static int daysInMonth(int year, int month) {
        if (month == 2) {
            boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }
}
