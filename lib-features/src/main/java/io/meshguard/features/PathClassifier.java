package io.meshguard.features;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Normalizes request paths and tags them with {@link PathClass} flags by the configured {@link
 * PathRules}. Runs once per request, so matching walks the path once without regex or allocation.
 */
public final class PathClassifier {
    private static final int SUFFIX_BUCKETS = 128;

    private final int maxPathLength;
    /** Segment rules indexed by name length, so a segment is only compared with names it could equal. */
    private final Rule[][] segmentsByLength;
    /**
     * The first chars of the segment rules of each length: most segments (ids, words, versions) are
     * ruled out by one bit test, before any rule is compared.
     */
    private final BitSet[] firstCharsByLength;
    /** Suffix rules indexed by their last character, so most suffixes are ruled out by one lookup. */
    private final Rule[][] suffixesByLastChar;
    private final int dotSegmentFlags;
    private final char[][] allowedDotSegments;

    public PathClassifier(PathRules rules) {
        this.maxPathLength = rules.maxPathLength();
        this.segmentsByLength = bySegmentLength(rules.segmentFlags());
        this.firstCharsByLength = firstChars(segmentsByLength);
        this.suffixesByLastChar = bySuffixLastChar(rules.suffixFlags());
        this.dotSegmentFlags = rules.dotSegmentFlags();
        this.allowedDotSegments = rules.allowedDotSegments().stream().map(String::toCharArray).toArray(char[][]::new);
    }

    /**
     * The path without query string or fragment, cut to the configured length; the same instance
     * when nothing needed cutting. Query strings carry tokens and per-request noise that must not
     * end up in identities' distinct-path counts.
     */
    public String normalize(String rawPath) {
        if (rawPath == null) {
            return "";
        }
        int end = Math.min(pathEnd(rawPath), maxPathLength);
        if (end == rawPath.length()) {
            return rawPath;
        }
        if (end > 0 && Character.isHighSurrogate(rawPath.charAt(end - 1))) {
            end--; // never leave half a character behind
        }
        return rawPath.substring(0, end);
    }

    /** {@link PathClass} flags of a path; anything after {@code ?} or {@code #} is ignored. */
    public int classify(String path) {
        if (path == null) {
            return 0;
        }
        // One pass: segment ends, the end of the path and each segment's stem are found together.
        int flags = 0;
        int start = 0;
        int firstDot = -1;
        int lastStart = -1;
        int lastEnd = -1;
        int length = path.length();
        for (int i = 0; ; i++) {
            char c = i < length ? path.charAt(i) : '?';
            if (c == '/' || c == '?' || c == '#') {
                if (i > start) {
                    flags |= segmentFlags(path, start, i, firstDot);
                    lastStart = start;
                    lastEnd = i;
                }
                if (c != '/') {
                    break;
                }
                start = i + 1;
                firstDot = -1;
            } else if (c == '.' && firstDot < 0 && i > start) {
                firstDot = i;
            }
        }
        if (lastStart >= 0) {
            flags |= suffixFlags(path, lastStart, lastEnd);
        }
        return flags;
    }

    /** @param firstDot the first '.' after the segment's first char, or -1 */
    private int segmentFlags(String path, int start, int end, int firstDot) {
        int flags = 0;
        if (path.charAt(start) == '.') {
            if (dotSegmentFlags != 0 && !isAllowedDotSegment(path, start, end)) {
                flags |= dotSegmentFlags;
            }
        } else if (firstDot > 0) {
            flags |= nameFlags(path, start, firstDot);
        }
        return flags | nameFlags(path, start, end);
    }

    private int nameFlags(String path, int start, int end) {
        int length = end - start;
        if (length >= segmentsByLength.length || segmentsByLength[length] == null
                || !firstCharsByLength[length].get(PathRules.lowerAscii(path.charAt(start)))) {
            return 0;
        }
        int flags = 0;
        for (Rule rule : segmentsByLength[length]) {
            if (equalsIgnoreAsciiCase(path, start, rule.text)) {
                flags |= rule.flags;
            }
        }
        return flags;
    }

    private int suffixFlags(String path, int start, int end) {
        Rule[] candidates = suffixesByLastChar[PathRules.lowerAscii(path.charAt(end - 1)) % SUFFIX_BUCKETS];
        if (candidates == null) {
            return 0;
        }
        int flags = 0;
        for (Rule rule : candidates) {
            int length = rule.text.length;
            if (end - start >= length && equalsIgnoreAsciiCase(path, end - length, rule.text)) {
                flags |= rule.flags;
            }
        }
        return flags;
    }

    private boolean isAllowedDotSegment(String path, int start, int end) {
        for (char[] allowed : allowedDotSegments) {
            if (allowed.length == end - start && equalsIgnoreAsciiCase(path, start, allowed)) {
                return true;
            }
        }
        return false;
    }

    /** Compares {@code s} from {@code offset} with an already lower-cased rule text. */
    private static boolean equalsIgnoreAsciiCase(String s, int offset, char[] lowerText) {
        for (int i = 0; i < lowerText.length; i++) {
            if (PathRules.lowerAscii(s.charAt(offset + i)) != lowerText[i]) {
                return false;
            }
        }
        return true;
    }

    private static int pathEnd(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '?' || c == '#') {
                return i;
            }
        }
        return path.length();
    }

    private static Rule[][] bySegmentLength(Map<String, Integer> rules) {
        int longest = rules.keySet().stream().mapToInt(String::length).max().orElse(0);
        List<List<Rule>> buckets = buckets(longest + 1);
        rules.forEach((name, flags) -> buckets.get(name.length()).add(new Rule(name, flags)));
        return toArrays(buckets);
    }

    private static BitSet[] firstChars(Rule[][] byLength) {
        BitSet[] firstChars = new BitSet[byLength.length];
        for (int length = 0; length < byLength.length; length++) {
            firstChars[length] = new BitSet();
            if (byLength[length] != null) {
                for (Rule rule : byLength[length]) {
                    firstChars[length].set(rule.text[0]);
                }
            }
        }
        return firstChars;
    }

    private static Rule[][] bySuffixLastChar(Map<String, Integer> rules) {
        List<List<Rule>> buckets = buckets(SUFFIX_BUCKETS);
        rules.forEach((suffix, flags) ->
                buckets.get(suffix.charAt(suffix.length() - 1) % SUFFIX_BUCKETS).add(new Rule(suffix, flags)));
        return toArrays(buckets);
    }

    private static List<List<Rule>> buckets(int count) {
        List<List<Rule>> buckets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            buckets.add(new ArrayList<>());
        }
        return buckets;
    }

    private static Rule[][] toArrays(List<List<Rule>> buckets) {
        Rule[][] out = new Rule[buckets.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = buckets.get(i).isEmpty() ? null : buckets.get(i).toArray(new Rule[0]);
        }
        return out;
    }

    private static final class Rule {
        final char[] text;
        final int flags;

        Rule(String lowerText, int flags) {
            this.text = lowerText.toCharArray();
            this.flags = flags;
        }
    }
}
