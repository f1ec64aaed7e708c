package io.meshguard.parse;

import io.meshguard.features.Hashing;
import io.meshguard.features.PathClassifier;
import io.meshguard.features.UserAgentClass;
import io.meshguard.features.UserAgentClassifier;
import io.meshguard.identity.Identity;
import io.meshguard.identity.IdentityResolver;
import io.meshguard.identity.SegmentResolver;
import io.meshguard.model.AccessLogRecord;
import io.meshguard.model.MeshEvent;
import java.time.Clock;
import java.util.Optional;

/**
 * Turns one raw access-log line into a resolved {@link MeshEvent}: parsed, identified, segmented and
 * with path and user agent classified, so the keyed detection operator does no string work. Never
 * throws: every unusable line comes back with a reason for the dead-letter output.
 *
 * <p>Not serializable; build one per parallel instance (e.g. in a function's {@code open}).
 */
public final class TelemetryDecoder {
    private final AccessLogParser parser;
    private final IdentityResolver identities;
    private final SegmentResolver segments;
    private final PathClassifier paths;
    /** A mesh has a few dozen upstream clusters, whose long names are slow to hash. */
    private final RecentResults<Long> upstreamHashes = new RecentResults<>(64, Hashing::hash64);
    /** Most requests come from a few hundred client builds, whose user agents are slow to scan. */
    private final RecentResults<UserAgentClass> userAgentClasses;

    /** Judges {@code start_time} against the system clock. */
    public TelemetryDecoder(DecoderConfig config) {
        this(config, Clock.systemUTC());
    }

    public TelemetryDecoder(DecoderConfig config, Clock clock) {
        this.parser = new AccessLogParser(config, clock);
        this.identities = new IdentityResolver(config.identity());
        this.segments = new SegmentResolver(config.segments());
        this.paths = new PathClassifier(config.pathRules());
        this.userAgentClasses = new RecentResults<>(256, new UserAgentClassifier(config.userAgentRules())::classify);
    }

    public DecodeResult decode(String line) {
        try {
            ParseResult parsed = parser.parse(line);
            return parsed.isOk() ? resolve(parsed.record()) : DecodeResult.failure(parsed.error(), null);
        } catch (RuntimeException e) {
            return internalError(e);
        }
    }

    /** The line as UTF-8 bytes. */
    public DecodeResult decode(byte[] line) {
        try {
            ParseResult parsed = parser.parse(line);
            return parsed.isOk() ? resolve(parsed.record()) : DecodeResult.failure(parsed.error(), null);
        } catch (RuntimeException e) {
            return internalError(e);
        }
    }

    /** Resolves an already parsed record, e.g. one built by a simulator. */
    public DecodeResult resolve(AccessLogRecord record) {
        Optional<Identity> identity = identities.resolve(record);
        if (identity.isEmpty()) {
            return DecodeResult.failure(IdentityResolver.NO_IDENTITY_REASON, record);
        }
        Identity who = identity.get();
        MeshEvent event = new MeshEvent();
        event.identity = who.key();
        event.identityType = who.type();
        event.segment = segments.resolve(record, who);
        event.timestampMillis = record.startTimeMillis;
        event.method = record.method;
        event.path = paths.normalize(record.path);
        event.pathHash = Hashing.hash64(event.path);
        event.pathFlags = paths.classify(event.path);
        event.upstreamHash = record.upstreamCluster == null ? 0 : upstreamHashes.apply(record.upstreamCluster).intValue();
        event.responseCode = record.responseCode;
        event.bytesReceived = Math.max(0, record.bytesReceived);
        event.bytesSent = Math.max(0, record.bytesSent);
        event.durationMillis = Math.max(0, record.durationMillis);
        event.userAgentClass = userAgentClass(record.userAgent).ordinal();
        return DecodeResult.ok(event, record);
    }

    private UserAgentClass userAgentClass(String userAgent) {
        // The classifier's answer for null, without a slot to remember it in.
        return userAgent == null ? UserAgentClass.EMPTY : userAgentClasses.apply(userAgent);
    }

    /**
     * A bug here must cost one record, not the job: an exception would fail the task, and on restart
     * the same line would fail it again, forever.
     */
    private static DecodeResult internalError(RuntimeException e) {
        return DecodeResult.failure(
                "internal error while decoding: " + Reasons.printable(String.valueOf(e), Reasons.MAX_MESSAGE_LENGTH),
                null);
    }
}
