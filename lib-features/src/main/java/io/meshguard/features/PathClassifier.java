package io.meshguard.features;

import java.util.ArrayList;
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
    /** Suffix rules indexed by their last character, so most suffixes are ruled out by one lookup. */
    private final Rule[][] suffixesByLastChar;
    private final int dotSegmentFlags;
    private final char[][] allowedDotSegments;

    public PathClassifier(PathRules rules) {
        this.maxPathLength = rules.maxPathLength();
        this.segmentsByLength = bySegmentLength(rules.segmentFlags());
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
        int end = pathEnd(path);
        int flags = 0;
        int lastStart = -1;
        int lastEnd = -1;
        int start = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || path.charAt(i) == '/') {
                if (i > start) {
                    flags |= segmentFlags(path, start, i);
                    lastStart = start;
                    lastEnd = i;
                }
                start = i + 1;
            }
        }
        if (lastStart >= 0) {
            flags |= suffixFlags(path, lastStart, lastEnd);
        }
        return flags;
    }

    private int segmentFlags(String path, int start, int end) {
        int flags = 0;
        if (path.charAt(start) == '.') {
            if (dotSegmentFlags != 0 && !isAllowedDotSegment(path, start, end)) {
                flags |= dotSegmentFlags;
            }
        } else {
            int dot = indexOf(path, '.', start + 1, end);
            if (dot > 0) {
                flags |= nameFlags(path, start, dot);
            }
        }
        return flags | nameFlags(path, start, end);
    }

    private int nameFlags(String path, int start, int end) {
        int length = end - start;
        if (length >= segmentsByLength.length || segmentsByLength[length] == null) {
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

    private static int indexOf(String s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
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
