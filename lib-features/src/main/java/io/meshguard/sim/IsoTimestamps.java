package io.meshguard.sim;

/**
 * Writes epoch millis as {@code 2026-11-23T10:15:30.123Z} without allocating; caches the date and
 * time of the last second because consecutive lines almost always share it.
 */
final class IsoTimestamps {
    private long cachedSecond = Long.MIN_VALUE;
    private final char[] prefix = new char[20];

    void append(StringBuilder sb, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        if (second != cachedSecond) {
            fillPrefix(second);
            cachedSecond = second;
        }
        sb.append(prefix);
        sb.append((char) ('0' + millis / 100));
        sb.append((char) ('0' + millis / 10 % 10));
        sb.append((char) ('0' + millis % 10));
        sb.append('Z');
    }

    static String format(long epochMillis) {
        StringBuilder sb = new StringBuilder(24);
        new IsoTimestamps().append(sb, epochMillis);
        return sb.toString();
    }

    private void fillPrefix(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        // Howard Hinnant's civil-from-days: proleptic Gregorian calendar, no tables.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        put4(0, year);
        prefix[4] = '-';
        put2(5, month);
        prefix[7] = '-';
        put2(8, day);
        prefix[10] = 'T';
        put2(11, secondOfDay / 3600);
        prefix[13] = ':';
        put2(14, secondOfDay / 60 % 60);
        prefix[16] = ':';
        put2(17, secondOfDay % 60);
        prefix[19] = '.';
    }

    private void put4(int at, int v) {
        prefix[at] = (char) ('0' + v / 1000 % 10);
        prefix[at + 1] = (char) ('0' + v / 100 % 10);
        prefix[at + 2] = (char) ('0' + v / 10 % 10);
        prefix[at + 3] = (char) ('0' + v % 10);
    }

    private void put2(int at, int v) {
        prefix[at] = (char) ('0' + v / 10);
        prefix[at + 1] = (char) ('0' + v % 10);
    }
}
