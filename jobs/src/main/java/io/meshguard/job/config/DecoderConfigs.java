package io.meshguard.job.config;

import static io.meshguard.job.config.MeshGuardOptions.*;

import io.meshguard.features.PathClass;
import io.meshguard.features.PathRules;
import io.meshguard.features.UserAgentRules;
import io.meshguard.identity.IdentityConfig;
import io.meshguard.identity.SegmentSpec;
import io.meshguard.parse.DecoderConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ReadableConfig;

/** Builds the decoder's configuration (parsing limits, identity, segments, path and agent rules). */
final class DecoderConfigs {
    private DecoderConfigs() {}

    static DecoderConfig from(ReadableConfig c) {
        PathRules paths = PathRules.defaults().toBuilder()
                .segments(PathClass.SENSITIVE, c.get(PATHS_SENSITIVE_SEGMENTS))
                .suffixes(PathClass.SENSITIVE, c.get(PATHS_SENSITIVE_SUFFIXES))
                .segments(PathClass.LOGIN, c.get(PATHS_LOGIN_SEGMENTS))
                .segments(PathClass.SIGNUP, c.get(PATHS_SIGNUP_SEGMENTS))
                .build();
        List<String> tools = new ArrayList<>(UserAgentRules.DEFAULT_TOOL_TOKENS);
        tools.addAll(c.get(USER_AGENT_TOOL_TOKENS));
        return DecoderConfig.defaults()
                .withIdentity(new IdentityConfig(c.get(IDENTITY_TRUSTED_PROXY_HOPS), c.get(IDENTITY_MAX_LENGTH)))
                .withSegments(SegmentSpec.parse(c.get(SEGMENT_NORTH_SOUTH), c.get(SEGMENT_EAST_WEST), c.get(SEGMENT_DEFAULT)))
                .withPathRules(paths)
                .withUserAgentRules(new UserAgentRules(tools))
                .withMaxLineLength(c.get(PARSE_MAX_LINE_LENGTH))
                .withMaxDurationMillis(c.get(PARSE_MAX_DURATION).toMillis())
                .withMaxFutureSkewMillis(c.get(PARSE_MAX_FUTURE_SKEW).toMillis());
    }
}
