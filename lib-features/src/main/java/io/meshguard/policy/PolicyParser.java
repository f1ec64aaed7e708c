package io.meshguard.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.meshguard.identity.SegmentDimension;
import io.meshguard.identity.SegmentSpec;
import io.meshguard.segment.SegmentLimits;
import io.meshguard.segment.SegmentThresholds;
import io.meshguard.segment.Threshold;
import io.meshguard.segment.ThresholdBounds;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Reads and validates a policy document. The first problem found is reported with the path of
 * the bad field and why ({@code manual[1].until: '2026-11-23 12:30' is not an ISO-8601 instant,
 * e.g. 2026-11-23T12:30:00Z}); a document is either wholly valid or rejected. Version ordering
 * against the policy in force is {@link PolicyHistory}'s job.
 *
 * <p>The document:
 *
 * <pre>{@code
 * {"version": 7,                                      required, a positive integer
 *  "description": "...",                              optional free text
 *  "segments": {"north_south": "asn", "east_west": "ns",   dimension tuples, e.g. "asn+country"
 *               "overrides": {"asn:64666": {"rate_limit_score": 3.0, "quarantine_score": 8.0,
 *                                          "limit_multiplier": 1.5, "min_limit_rps": 1, "shadow": false}}},
 *  "thresholds": {"rate_limit_score": {"min": 2.0, "max": 8.0}, ..., "tightening_factor": {"min": 0.4}},
 *  "allowlist": {"identities": ["peer:spiffe://..."], "cidrs": ["10.0.0.0/8", "2001:db8::/32"]},
 *  "shadow": {"global": false, "segments": ["asn:64999"]},
 *  "manual": [{"target": "segment:asn:64666", "action": "clamp", "cap_rps": 50, "until": "2026-11-23T12:00:00Z"},
 *             {"target": "identity:user:alice", "action": "release", "until": "...", "reason": "ticket 123"}]}
 * }</pre>
 *
 * <p>Every key is known or the document is rejected: a misspelt key would otherwise silently do
 * nothing. Thresholds and overrides must lie in their sane ranges, overrides within the bounds. When
 * the document sets the segmentation, every segment it names must be able to occur under it.
 *
 * <p>Thread-safe.
 */
public final class PolicyParser {
    public static final int MAX_LENGTH = 1 << 20;
    static final int MAX_DEPTH = 16;
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_MANUAL = 1_000;
    static final int MAX_REASON_LENGTH = 1_000;
    static final double MAX_RPS = 1e9;

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    private static final Object NULL = new Object();
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SEGMENT_VALUE = Pattern.compile("[a-z0-9._-]{1,64}");

    private static final List<String> ROOT_KEYS =
            List.of("version", "description", "segments", "thresholds", "allowlist", "shadow", "manual");
    private static final List<String> SEGMENTS_KEYS = List.of("north_south", "east_west", "overrides");
    private static final List<String> OVERRIDE_KEYS =
            List.of("rate_limit_score", "quarantine_score", "limit_multiplier", "min_limit_rps", "shadow");
    private static final List<String> BOUND_KEYS = List.of("min", "max");
    private static final List<String> ALLOWLIST_KEYS = List.of("identities", "cidrs");
    private static final List<String> SHADOW_KEYS = List.of("global", "segments");
    private static final List<String> MANUAL_KEYS = List.of("target", "action", "cap_rps", "limit_rps", "until", "reason");

    private final SegmentLimits defaults;

    /** Validates against the built-in thresholds and bounds. */
    public PolicyParser() {
        this(SegmentLimits.defaults());
    }

    /** Validates against the job's configured base thresholds and bounds, which the policy refines. */
    public PolicyParser(SegmentLimits defaults) {
        this.defaults = defaults;
    }

    /**
     * @throws PolicyValidationException with the path of the first bad field and why
     */
    public Policy parse(String json) throws PolicyValidationException {
        if (json == null) {
            throw new PolicyValidationException("", "policy is null");
        }
        if (json.length() > MAX_LENGTH) {
            throw new PolicyValidationException("", String.format(Locale.ROOT,
                    "policy is %,d characters; at most %,d are accepted", json.length(), MAX_LENGTH));
        }
        Map<String, Object> doc = object(read(json), "");
        knownKeys(doc, "", ROOT_KEYS);

        long version = version(doc);
        String description = doc.containsKey("description")
                ? boundedString(doc.get("description"), "description", MAX_REASON_LENGTH)
                : null;

        Map<String, Object> segments = doc.containsKey("segments") ? object(doc.get("segments"), "segments") : Map.of();
        knownKeys(segments, "segments", SEGMENTS_KEYS);
        SegmentSpec spec = segmentSpec(segments);

        ThresholdBounds bounds = bounds(doc);
        Map<String, SegmentOverride> overrides = overrides(segments, spec, bounds);
        Allowlist allowlist = allowlist(doc);

        Map<String, Object> shadow = doc.containsKey("shadow") ? object(doc.get("shadow"), "shadow") : Map.of();
        knownKeys(shadow, "shadow", SHADOW_KEYS);
        boolean shadowGlobal = shadow.containsKey("global") && bool(shadow.get("global"), "shadow.global");
        Set<String> shadowSegments = new LinkedHashSet<>();
        if (shadow.containsKey("segments")) {
            List<Object> list = array(shadow.get("segments"), "shadow.segments", MAX_ENTRIES);
            for (int i = 0; i < list.size(); i++) {
                String path = "shadow.segments[" + i + "]";
                shadowSegments.add(segmentId(string(list.get(i), path), path, spec));
            }
        }
        for (Map.Entry<String, SegmentOverride> e : overrides.entrySet()) {
            if (Boolean.FALSE.equals(e.getValue().shadow) && shadowSegments.contains(e.getKey())) {
                throw new PolicyValidationException(child(child("segments.overrides", e.getKey()), "shadow"),
                        "false contradicts shadow.segments, which lists " + e.getKey());
            }
        }

        List<ManualOverride> manual = new ArrayList<>();
        Map<String, ManualOverride> byTarget = new HashMap<>();
        if (doc.containsKey("manual")) {
            List<Object> list = array(doc.get("manual"), "manual", MAX_MANUAL);
            Map<String, Integer> seenAt = new HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "manual[" + i + "]";
                ManualOverride m = manual(list.get(i), path, spec);
                Integer earlier = seenAt.putIfAbsent(m.target, i);
                if (earlier != null) {
                    throw new PolicyValidationException(path + ".target",
                            m.target + " already has an override at manual[" + earlier + "]");
                }
                manual.add(m);
                byTarget.put(m.target, m);
            }
        }
        return new Policy(version, json, description, spec, overrides, defaults, bounds, allowlist, shadowGlobal,
                shadowSegments, manual, byTarget);
    }

    // ---------------------------------------------------------------------------------------------
    // Sections

    private static long version(Map<String, Object> doc) throws PolicyValidationException {
        if (!doc.containsKey("version")) {
            throw new PolicyValidationException("version", "missing; every policy needs a positive integer version");
        }
        Object v = doc.get("version");
        if (v instanceof BigInteger) {
            throw new PolicyValidationException("version", "too large: " + v);
        }
        if (!(v instanceof Long)) {
            throw new PolicyValidationException("version", "expected a positive integer, got " + describe(v));
        }
        long version = (Long) v;
        if (version <= 0) {
            throw new PolicyValidationException("version",
                    "must be a positive integer (0 stands for the built-in defaults), got " + version);
        }
        return version;
    }

    private static SegmentSpec segmentSpec(Map<String, Object> segments) throws PolicyValidationException {
        if (!segments.containsKey("north_south") && !segments.containsKey("east_west")) {
            return null;
        }
        String northSouth = null;
        String eastWest = null;
        if (segments.containsKey("north_south")) {
            northSouth = string(segments.get("north_south"), "segments.north_south");
            checkTuple(northSouth, "segments.north_south");
        }
        if (segments.containsKey("east_west")) {
            eastWest = string(segments.get("east_west"), "segments.east_west");
            checkTuple(eastWest, "segments.east_west");
        }
        // A direction the policy leaves out keeps the default tuple.
        return SegmentSpec.parse(northSouth, eastWest, null);
    }

    private static void checkTuple(String tuple, String path) throws PolicyValidationException {
        if (tuple.isBlank()) {
            throw new PolicyValidationException(path, "empty; expected dimensions joined by '+', e.g. asn+country, or none");
        }
        try {
            SegmentSpec.parse(tuple, null, null);
        } catch (IllegalArgumentException e) {
            throw new PolicyValidationException(path, e.getMessage());
        }
    }

    private ThresholdBounds bounds(Map<String, Object> doc) throws PolicyValidationException {
        ThresholdBounds base = defaults.bounds;
        if (!doc.containsKey("thresholds")) {
            return base;
        }
        Map<String, Object> thresholds = object(doc.get("thresholds"), "thresholds");
        double[] min = new double[Threshold.COUNT];
        double[] max = new double[Threshold.COUNT];
        boolean[] minGiven = new boolean[Threshold.COUNT];
        boolean[] maxGiven = new boolean[Threshold.COUNT];
        for (Threshold t : Threshold.values()) {
            min[t.ordinal()] = base.min(t);
            max[t.ordinal()] = base.max(t);
        }
        for (Map.Entry<String, Object> e : thresholds.entrySet()) {
            String path = child("thresholds", e.getKey());
            Threshold t = Threshold.byWireName(e.getKey());
            if (t == null) {
                throw new PolicyValidationException(path, "unknown threshold; expected one of " + Threshold.wireNames());
            }
            Map<String, Object> b = object(e.getValue(), path);
            knownKeys(b, path, BOUND_KEYS);
            if (b.containsKey("min")) {
                min[t.ordinal()] = sane(number(b.get("min"), path + ".min"), t, path + ".min");
                minGiven[t.ordinal()] = true;
            }
            if (b.containsKey("max")) {
                max[t.ordinal()] = sane(number(b.get("max"), path + ".max"), t, path + ".max");
                maxGiven[t.ordinal()] = true;
            }
        }
        for (Threshold t : Threshold.values()) {
            int i = t.ordinal();
            if (min[i] > max[i]) {
                throw new PolicyValidationException(child("thresholds", t.wireName()), String.format(Locale.ROOT,
                        "min %s%s is greater than max %s%s", num(min[i]), minGiven[i] ? "" : " (the configured default)",
                        num(max[i]), maxGiven[i] ? "" : " (the configured default)"));
            }
        }
        int r = Threshold.RATE_LIMIT_SCORE.ordinal();
        int q = Threshold.QUARANTINE_SCORE.ordinal();
        if (!(max[q] > max[r])) {
            throw new PolicyValidationException("thresholds.quarantine_score.max", String.format(Locale.ROOT,
                    "%s must be above rate_limit_score.max %s, so that quarantine stays above rate-limit",
                    num(max[q]), num(max[r])));
        }
        ThresholdBounds result = base;
        for (Threshold t : Threshold.values()) {
            result = result.with(t, min[t.ordinal()], max[t.ordinal()]);
        }
        return result;
    }

    private Map<String, SegmentOverride> overrides(Map<String, Object> segments, SegmentSpec spec, ThresholdBounds bounds)
            throws PolicyValidationException {
        Map<String, SegmentOverride> out = new LinkedHashMap<>();
        if (!segments.containsKey("overrides")) {
            return out;
        }
        Map<String, Object> overrides = object(segments.get("overrides"), "segments.overrides");
        if (overrides.size() > MAX_ENTRIES) {
            throw new PolicyValidationException("segments.overrides",
                    String.format(Locale.ROOT, "%,d entries; at most %,d are accepted", overrides.size(), MAX_ENTRIES));
        }
        SegmentThresholds base = defaults.base;
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            String path = child("segments.overrides", e.getKey());
            segmentId(e.getKey(), path, spec);
            Map<String, Object> o = object(e.getValue(), path);
            knownKeys(o, path, OVERRIDE_KEYS);
            double r = overrideValue(o, path, Threshold.RATE_LIMIT_SCORE, bounds);
            double q = overrideValue(o, path, Threshold.QUARANTINE_SCORE, bounds);
            double lm = overrideValue(o, path, Threshold.LIMIT_MULTIPLIER, bounds);
            double mr = overrideValue(o, path, Threshold.MIN_LIMIT_RPS, bounds);
            Boolean shadow = o.containsKey("shadow") ? bool(o.get("shadow"), path + ".shadow") : null;
            double rate = Double.isNaN(r) ? base.rateLimitScore : r;
            double quarantine = Double.isNaN(q) ? base.quarantineScore : q;
            if (!(rate < quarantine)) {
                throw new PolicyValidationException(path, String.format(Locale.ROOT,
                        "rate_limit_score %s%s must be below quarantine_score %s%s",
                        num(rate), Double.isNaN(r) ? " (the configured default)" : "",
                        num(quarantine), Double.isNaN(q) ? " (the configured default)" : ""));
            }
            out.put(e.getKey(), new SegmentOverride(r, q, lm, mr, shadow));
        }
        return out;
    }

    private static double overrideValue(Map<String, Object> o, String path, Threshold t, ThresholdBounds bounds)
            throws PolicyValidationException {
        if (!o.containsKey(t.wireName())) {
            return Double.NaN;
        }
        String p = path + "." + t.wireName();
        double v = sane(number(o.get(t.wireName()), p), t, p);
        if (v < bounds.min(t) || v > bounds.max(t)) {
            throw new PolicyValidationException(p, String.format(Locale.ROOT,
                    "%s is outside the bounds [%s, %s] of thresholds.%s",
                    num(v), num(bounds.min(t)), num(bounds.max(t)), t.wireName()));
        }
        return v;
    }

    private static Allowlist allowlist(Map<String, Object> doc) throws PolicyValidationException {
        if (!doc.containsKey("allowlist")) {
            return Allowlist.empty();
        }
        Map<String, Object> a = object(doc.get("allowlist"), "allowlist");
        knownKeys(a, "allowlist", ALLOWLIST_KEYS);
        List<String> identities = new ArrayList<>();
        if (a.containsKey("identities")) {
            List<Object> list = array(a.get("identities"), "allowlist.identities", MAX_ENTRIES);
            for (int i = 0; i < list.size(); i++) {
                String path = "allowlist.identities[" + i + "]";
                identities.add(identity(string(list.get(i), path), path));
            }
        }
        List<Cidr> cidrs = new ArrayList<>();
        if (a.containsKey("cidrs")) {
            List<Object> list = array(a.get("cidrs"), "allowlist.cidrs", MAX_ENTRIES);
            for (int i = 0; i < list.size(); i++) {
                String path = "allowlist.cidrs[" + i + "]";
                try {
                    cidrs.add(Cidr.parse(string(list.get(i), path)));
                } catch (IllegalArgumentException e) {
                    throw new PolicyValidationException(path, e.getMessage());
                }
            }
        }
        return new Allowlist(identities, cidrs);
    }

    private static ManualOverride manual(Object value, String path, SegmentSpec spec) throws PolicyValidationException {
        Map<String, Object> m = object(value, path);
        knownKeys(m, path, MANUAL_KEYS);
        String target = string(required(m, "target", path), path + ".target");
        ManualOverride.Scope scope;
        String key;
        if (target.startsWith(ManualOverride.Scope.SEGMENT.prefix())) {
            scope = ManualOverride.Scope.SEGMENT;
            key = segmentId(target.substring(ManualOverride.Scope.SEGMENT.prefix().length()), path + ".target", spec);
        } else if (target.startsWith(ManualOverride.Scope.IDENTITY.prefix())) {
            scope = ManualOverride.Scope.IDENTITY;
            key = identity(target.substring(ManualOverride.Scope.IDENTITY.prefix().length()), path + ".target");
        } else {
            throw new PolicyValidationException(path + ".target",
                    "'" + target + "' must start with segment: or identity:");
        }
        String actionName = string(required(m, "action", path), path + ".action");
        ManualAction action = ManualAction.byWireName(actionName);
        if (action == null) {
            StringJoiner known = new StringJoiner(", ");
            for (ManualAction a : ManualAction.values()) {
                known.add(a.wireName());
            }
            throw new PolicyValidationException(path + ".action",
                    "unknown action '" + actionName + "'; expected one of " + known);
        }
        if (!action.appliesTo(scope)) {
            throw new PolicyValidationException(path + ".action", String.format(Locale.ROOT,
                    "%s applies to %s targets only", action.wireName(),
                    scope == ManualOverride.Scope.SEGMENT ? "identity:" : "segment:"));
        }
        double cap = rateFor(m, "cap_rps", action == ManualAction.CLAMP, "a clamp", path);
        double limit = rateFor(m, "limit_rps", action == ManualAction.RATE_LIMIT, "a rate_limit", path);
        long until = instant(required(m, "until", path), path + ".until");
        String reason = m.containsKey("reason") ? boundedString(m.get("reason"), path + ".reason", MAX_REASON_LENGTH) : null;
        return new ManualOverride(scope, key, action, cap, limit, until, reason);
    }

    private static double rateFor(Map<String, Object> m, String key, boolean wanted, String owner, String path)
            throws PolicyValidationException {
        String p = path + "." + key;
        if (!m.containsKey(key)) {
            if (wanted) {
                throw new PolicyValidationException(p, "missing; " + owner + " needs it");
            }
            return 0;
        }
        if (!wanted) {
            throw new PolicyValidationException(p, "only " + owner + " takes " + key);
        }
        double v = number(m.get(key), p);
        if (!(v > 0 && v <= MAX_RPS)) {
            throw new PolicyValidationException(p, "must be in (0, " + num(MAX_RPS) + "] requests per second, got " + num(v));
        }
        return v;
    }

    private static long instant(Object value, String path) throws PolicyValidationException {
        if (!(value instanceof String text)) {
            throw new PolicyValidationException(path,
                    "expected an ISO-8601 instant such as 2026-11-23T12:30:00Z, got " + describe(value));
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e2) {
                throw new PolicyValidationException(path,
                        "'" + text + "' is not an ISO-8601 instant, e.g. 2026-11-23T12:30:00Z");
            }
        }
    }

    private static String identity(String key, String path) throws PolicyValidationException {
        String normalized = Allowlist.normalizeIdentity(key);
        if (normalized == null) {
            throw new PolicyValidationException(path, "'" + key
                    + "' is not an identity key; expected user:<id>, peer:<spiffe id> or ip:<address without port>");
        }
        return normalized;
    }

    /**
     * Checks a segment id as {@link io.meshguard.identity.SegmentResolver} writes them: {@code
     * dim:value} joined by commas, values of {@code [a-z0-9._-]}, or a bare name (the default
     * segment). Under a policy that sets the segmentation, the dimensions must be one of its tuples.
     */
    private static String segmentId(String id, String path, SegmentSpec spec) throws PolicyValidationException {
        if (id.indexOf(':') < 0) {
            if (!SEGMENT_VALUE.matcher(id).matches()) {
                throw new PolicyValidationException(path, "'" + id + "' is not a segment id; expected dimension:value "
                        + "pairs joined by ',' (e.g. asn:64512,country:de) or the default segment's name");
            }
            return id;
        }
        List<SegmentDimension> dims = new ArrayList<>();
        for (String part : id.split(",", -1)) {
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new PolicyValidationException(path, "'" + id + "' is not a segment id: '" + part
                        + "' is not dimension:value");
            }
            String dim = part.substring(0, colon);
            String value = part.substring(colon + 1);
            SegmentDimension d = dimension(dim);
            if (d == null) {
                StringJoiner known = new StringJoiner(", ");
                for (SegmentDimension s : SegmentDimension.values()) {
                    known.add(s.wireName());
                }
                throw new PolicyValidationException(path, "unknown segment dimension '" + dim + "' in '" + id
                        + "'; expected one of " + known);
            }
            if (!SEGMENT_VALUE.matcher(value).matches()) {
                throw new PolicyValidationException(path, "segment value '" + value + "' in '" + id
                        + "' must be 1..64 characters of [a-z0-9._-]");
            }
            dims.add(d);
        }
        if (spec != null && !dims.equals(spec.northSouth()) && !dims.equals(spec.eastWest())) {
            throw new PolicyValidationException(path, String.format(Locale.ROOT,
                    "segment '%s' cannot occur: segments are %s (north_south) or %s (east_west)",
                    id, tuple(spec.northSouth()), tuple(spec.eastWest())));
        }
        return id;
    }

    private static SegmentDimension dimension(String wireName) {
        for (SegmentDimension d : SegmentDimension.values()) {
            if (d.wireName().equals(wireName)) {
                return d;
            }
        }
        return null;
    }

    private static String tuple(List<SegmentDimension> dims) {
        if (dims.isEmpty()) {
            return "'none'";
        }
        StringJoiner j = new StringJoiner("+", "'", "'");
        for (SegmentDimension d : dims) {
            j.add(d.wireName());
        }
        return j.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Typed access with paths

    private static Object required(Map<String, Object> m, String key, String path) throws PolicyValidationException {
        if (!m.containsKey(key)) {
            throw new PolicyValidationException(path + "." + key, "missing");
        }
        return m.get(key);
    }

    private static void knownKeys(Map<String, Object> m, String path, List<String> known)
            throws PolicyValidationException {
        for (String key : m.keySet()) {
            if (!known.contains(key)) {
                throw new PolicyValidationException(child(path, key),
                        "unknown key; expected one of " + String.join(", ", known));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String path) throws PolicyValidationException {
        if (v instanceof Map) {
            return (Map<String, Object>) v;
        }
        throw new PolicyValidationException(path, (path.isEmpty() ? "the policy must be a JSON object" : "expected an object")
                + ", got " + describe(v));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object v, String path, int maxSize) throws PolicyValidationException {
        if (!(v instanceof List)) {
            throw new PolicyValidationException(path, "expected an array, got " + describe(v));
        }
        List<Object> list = (List<Object>) v;
        if (list.size() > maxSize) {
            throw new PolicyValidationException(path,
                    String.format(Locale.ROOT, "%,d entries; at most %,d are accepted", list.size(), maxSize));
        }
        return list;
    }

    private static String string(Object v, String path) throws PolicyValidationException {
        if (v instanceof String s) {
            return s;
        }
        throw new PolicyValidationException(path, "expected a string, got " + describe(v));
    }

    private static String boundedString(Object v, String path, int maxLength) throws PolicyValidationException {
        String s = string(v, path);
        if (s.length() > maxLength) {
            throw new PolicyValidationException(path, "longer than " + maxLength + " characters");
        }
        return s;
    }

    private static boolean bool(Object v, String path) throws PolicyValidationException {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new PolicyValidationException(path, "expected true or false, got " + describe(v));
    }

    private static double number(Object v, String path) throws PolicyValidationException {
        if (v instanceof Long || v instanceof Double || v instanceof BigInteger) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
        }
        throw new PolicyValidationException(path, "expected a number, got " + describe(v));
    }

    private static double sane(double v, Threshold t, String path) throws PolicyValidationException {
        if (!t.isSane(v)) {
            throw new PolicyValidationException(path, String.format(Locale.ROOT, "%s is outside the sane range [%s, %s]",
                    num(v), num(t.saneMin()), num(t.saneMax())));
        }
        return v;
    }

    private static String describe(Object v) {
        if (v == NULL || v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        return "the number " + v;
    }

    /** {@code path.key}, or {@code path['key']} when the key is not a plain name (segment ids are not). */
    static String child(String path, String key) {
        if (PLAIN_KEY.matcher(key).matches()) {
            return path.isEmpty() ? key : path + "." + key;
        }
        return path + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return Double.toString(v);
    }

    // ---------------------------------------------------------------------------------------------
    // JSON to a small tree (LinkedHashMap, ArrayList, String, Long/BigInteger, Double, Boolean, NULL)

    private static Object read(String json) throws PolicyValidationException {
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new PolicyValidationException("", "policy is empty");
            }
            Object root = value(p, t, "", 0);
            if (p.nextToken() != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new PolicyValidationException("", String.format(Locale.ROOT,
                        "trailing content after the policy at line %d, column %d", at.getLineNr(), at.getColumnNr()));
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : String.format(Locale.ROOT, " at line %d, column %d", at.getLineNr(), at.getColumnNr());
            throw new PolicyValidationException("", "malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PolicyValidationException("", "unreadable policy: " + e.getMessage());
        }
    }

    private static Object value(JsonParser p, JsonToken t, String path, int depth)
            throws IOException, PolicyValidationException {
        switch (t) {
            case START_OBJECT: {
                checkDepth(path, depth);
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String keyPath = child(path, key);
                    if (map.containsKey(key)) {
                        throw new PolicyValidationException(keyPath, "duplicate key");
                    }
                    map.put(key, value(p, p.nextToken(), keyPath, depth + 1));
                }
                return map;
            }
            case START_ARRAY: {
                checkDepth(path, depth);
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, next, path + "[" + list.size() + "]", depth + 1));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new PolicyValidationException(path, "unexpected " + t);
        }
    }

    private static void checkDepth(String path, int depth) throws PolicyValidationException {
        if (depth >= MAX_DEPTH) {
            throw new PolicyValidationException(path, "nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    @Override
    public String toString() {
        return "PolicyParser{defaults=" + defaults + "}";
    }
}
