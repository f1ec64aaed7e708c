package io.meshguard.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The truth about one simulated identity: whether it attacks, in which scenario and when.
 *
 * @param identity the meshguard identity key its lines resolve to, e.g. {@code ip:198.18.3.7}
 * @param scenario what the identity does in the run
 * @param segment the segment its lines resolve to, e.g. {@code asn:64666} or {@code ns:catalog}
 * @param attackStartMillis start of the attack window, or {@link #NO_WINDOW} for legitimate identities
 * @param attackEndMillis end (exclusive) of the attack window, or {@link #NO_WINDOW}
 */
public record GroundTruthLabel(
        String identity, Scenario scenario, String segment, long attackStartMillis, long attackEndMillis) {

    public static final long NO_WINDOW = -1L;

    private static final JsonFactory JSON = new JsonFactory();

    public GroundTruthLabel {
        if (identity == null || scenario == null || segment == null) {
            throw new IllegalArgumentException("identity, scenario and segment are required");
        }
        boolean windowed = attackStartMillis != NO_WINDOW || attackEndMillis != NO_WINDOW;
        if (scenario.isAttack() != windowed) {
            throw new IllegalArgumentException("attack labels and only they carry a window: " + identity);
        }
        if (windowed && attackEndMillis <= attackStartMillis) {
            throw new IllegalArgumentException("empty attack window for " + identity);
        }
    }

    static GroundTruthLabel legit(String identity, Scenario scenario, String segment) {
        return new GroundTruthLabel(identity, scenario, segment, NO_WINDOW, NO_WINDOW);
    }

    static GroundTruthLabel attack(String identity, ScenarioWindow window, String segment) {
        return new GroundTruthLabel(identity, window.scenario(), segment, window.startMillis(), window.endMillis());
    }

    /** {@code attack} or {@code legit}. */
    public String label() {
        return isAttack() ? "attack" : "legit";
    }

    public boolean isAttack() {
        return scenario.isAttack();
    }

    /** Whether this identity is attacking at the given instant. */
    public boolean attackingAt(long epochMillis) {
        return isAttack() && epochMillis >= attackStartMillis && epochMillis < attackEndMillis;
    }

    /**
     * One line of {@code labels.jsonl}: {@code {"identity":..,"label":..,"scenario":..,"segment":..,
     * "attack_start":"<ISO>","attack_end":"<ISO>"}}, with null times for legitimate identities.
     */
    public String toJsonLine() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"identity\":\"");
        AccessLogWriter.appendEscaped(sb, identity);
        sb.append("\",\"label\":\"").append(label());
        sb.append("\",\"scenario\":\"").append(scenario.wireName());
        sb.append("\",\"segment\":\"");
        AccessLogWriter.appendEscaped(sb, segment);
        sb.append("\",\"attack_start\":");
        time(sb, attackStartMillis);
        sb.append(",\"attack_end\":");
        time(sb, attackEndMillis);
        return sb.append('}').toString();
    }

    /** Reads a line written by {@link #toJsonLine()}. */
    public static GroundTruthLabel parse(String jsonLine) {
        String identity = null;
        String scenario = null;
        String segment = null;
        long start = NO_WINDOW;
        long end = NO_WINDOW;
        try (JsonParser p = JSON.createParser(jsonLine)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + jsonLine);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                String text = value == JsonToken.VALUE_NULL ? null : p.getText();
                switch (field) {
                    case "identity" -> identity = text;
                    case "scenario" -> scenario = text;
                    case "segment" -> segment = text;
                    case "attack_start" -> start = text == null ? NO_WINDOW : Instant.parse(text).toEpochMilli();
                    case "attack_end" -> end = text == null ? NO_WINDOW : Instant.parse(text).toEpochMilli();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("malformed label line: " + jsonLine, e);
        }
        if (scenario == null) {
            throw new IllegalArgumentException("label line without scenario: " + jsonLine);
        }
        return new GroundTruthLabel(identity, Scenario.ofWireName(scenario), segment, start, end);
    }

    private static void time(StringBuilder sb, long epochMillis) {
        if (epochMillis == NO_WINDOW) {
            sb.append("null");
        } else {
            sb.append('"').append(IsoTimestamps.format(epochMillis)).append('"');
        }
    }
}
