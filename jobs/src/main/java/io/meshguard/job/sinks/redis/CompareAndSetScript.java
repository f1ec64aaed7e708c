package io.meshguard.job.sinks.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Lua script that writes one enforcement entry as a version-guarded compare-and-set, atomically
 * (see {@link RedisEnforcementSink} for the resulting hash layout). Returns 1 when the entry was
 * written and announced, 0 when the stored version was already the same or newer.
 *
 * <p>{@code KEYS[1]} the prefixed key; {@code ARGV}: 1 version, 2 expiry ({@code AT}, {@code
 * RELEASE}, {@code PERSIST}), 3 expires-at ms, 4 release retention ms, 5 channel, 6 notification
 * (the unprefixed key), 7 ts, 8... field/value pairs.
 *
 * <p>Versions are compared as decimal strings (longer is larger, then lexicographic), not as Lua
 * numbers: Lua's doubles lose precision above 2^53, and a version is a Java {@code long}.
 */
final class CompareAndSetScript {
    static final String SOURCE = String.join("\n",
            "local function newer(a, b)",
            "  if #a ~= #b then return #a > #b end",
            "  return a > b",
            "end",
            // pcall: a key of another type (written by hand, say) holds no version and is replaced,
            // rather than failing the write, and with it the sink's retries, forever.
            "local stored = redis.pcall('HGET', KEYS[1], 'version')",
            "if type(stored) == 'table' then stored = nil end",
            "if stored and not newer(ARGV[1], stored) then return 0 end",
            "local expiry = ARGV[2]",
            "if expiry == 'AT' then",
            "  local t = redis.call('TIME')",
            "  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            // A quarantine already over is stored as what it has become, a release: PEXPIREAT in the
            // past would delete the key and with it the version that guards against older replays.
            "  if tonumber(ARGV[3]) <= now then expiry = 'RELEASE' end",
            "end",
            // DEL first: the new entry replaces every field and any TTL of the old one (an implicit PERSIST).
            "redis.call('DEL', KEYS[1])",
            "if expiry == 'RELEASE' then",
            "  redis.call('HSET', KEYS[1], 'action', 'ALLOW', 'version', ARGV[1], 'ts', ARGV[7])",
            "  redis.call('PEXPIRE', KEYS[1], ARGV[4])",
            "else",
            "  redis.call('HSET', KEYS[1], unpack(ARGV, 8))",
            "  if expiry == 'AT' then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end",
            "end",
            "redis.call('PUBLISH', ARGV[5], ARGV[6])",
            "return 1",
            "");

    /** The SHA-1 Redis files the script under, for EVALSHA. */
    static final String SHA1 = sha1Hex(SOURCE);

    private CompareAndSetScript() {}

    static String[] arguments(RedisWrite w, long releaseRetentionMillis, String channel) {
        String[] args = new String[7 + w.fields.length];
        args[0] = Long.toString(w.version);
        args[1] = w.expiry.name();
        args[2] = Long.toString(w.expiresAtMillis);
        args[3] = Long.toString(releaseRetentionMillis);
        args[4] = channel;
        args[5] = w.key;
        args[6] = w.ts;
        System.arraycopy(w.fields, 0, args, 7, w.fields.length);
        return args;
    }

    private static String sha1Hex(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(40);
            for (byte b : d) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
