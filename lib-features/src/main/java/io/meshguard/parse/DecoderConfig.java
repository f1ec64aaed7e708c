package io.meshguard.parse;

import io.meshguard.features.PathRules;
import io.meshguard.features.UserAgentRules;
import io.meshguard.identity.IdentityConfig;
import io.meshguard.identity.SegmentSpec;
import java.io.Serializable;
import java.util.Objects;

/**
 * Everything that shapes how a telemetry line becomes a {@link io.meshguard.model.MeshEvent}:
 * parsing limits, identity, segments and path and user-agent rules. Immutable; change it with the
 * {@code with...} methods.
 *
 * @param maxLineLength longer lines are dead-lettered unread (characters, or bytes for byte input)
 * @param maxDurationMillis records claiming a longer request duration are dead-lettered as absurd
 * @param maxFutureSkewMillis how far ahead of the clock {@code start_time} may lie
 */
public record DecoderConfig(
        IdentityConfig identity,
        SegmentSpec segments,
        PathRules pathRules,
        UserAgentRules userAgentRules,
        int maxLineLength,
        long maxDurationMillis,
        long maxFutureSkewMillis)
        implements Serializable {

    private static final DecoderConfig DEFAULTS = new DecoderConfig(
            IdentityConfig.defaults(),
            SegmentSpec.defaults(),
            PathRules.defaults(),
            UserAgentRules.defaults(),
            AccessLogParser.DEFAULT_MAX_LINE_LENGTH,
            AccessLogParser.DEFAULT_MAX_DURATION_MILLIS,
            AccessLogParser.DEFAULT_MAX_FUTURE_SKEW_MILLIS);

    public DecoderConfig {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(segments, "segments");
        Objects.requireNonNull(pathRules, "pathRules");
        Objects.requireNonNull(userAgentRules, "userAgentRules");
        if (maxLineLength < 2) {
            throw new IllegalArgumentException("maxLineLength must allow at least '{}': " + maxLineLength);
        }
        if (maxDurationMillis < 1) {
            throw new IllegalArgumentException("maxDurationMillis must be positive: " + maxDurationMillis);
        }
        if (maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException("maxFutureSkewMillis must not be negative: " + maxFutureSkewMillis);
        }
    }

    public static DecoderConfig defaults() {
        return DEFAULTS;
    }

    public DecoderConfig withIdentity(IdentityConfig identity) {
        return new DecoderConfig(identity, segments, pathRules, userAgentRules, maxLineLength, maxDurationMillis,
                maxFutureSkewMillis);
    }

    public DecoderConfig withSegments(SegmentSpec segments) {
        return new DecoderConfig(identity, segments, pathRules, userAgentRules, maxLineLength, maxDurationMillis,
                maxFutureSkewMillis);
    }

    public DecoderConfig withPathRules(PathRules pathRules) {
        return new DecoderConfig(identity, segments, pathRules, userAgentRules, maxLineLength, maxDurationMillis,
                maxFutureSkewMillis);
    }

    public DecoderConfig withUserAgentRules(UserAgentRules userAgentRules) {
        return new DecoderConfig(identity, segments, pathRules, userAgentRules, maxLineLength, maxDurationMillis,
                maxFutureSkewMillis);
    }

    public DecoderConfig withMaxLineLength(int maxLineLength) {
        return new DecoderConfig(identity, segments, pathRules, userAgentRules, maxLineLength, maxDurationMillis,
                maxFutureSkewMillis);
    }

    public DecoderConfig withMaxDurationMillis(long maxDurationMillis) {
        return new DecoderConfig(identity, segments, pathRules, userAgentRules, maxLineLength, maxDurationMillis,
                maxFutureSkewMillis);
    }

    public DecoderConfig withMaxFutureSkewMillis(long maxFutureSkewMillis) {
        return new DecoderConfig(identity, segments, pathRules, userAgentRules, maxLineLength, maxDurationMillis,
                maxFutureSkewMillis);
    }
}
