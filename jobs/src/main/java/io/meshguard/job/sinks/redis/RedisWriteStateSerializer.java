package io.meshguard.job.sinks.redis;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/**
 * Checkpoints the writes still buffered in the sink. Strings are length-prefixed UTF-8 rather than
 * {@code writeUTF}, which cannot hold the 64 kB+ ids an attacker may send.
 */
final class RedisWriteStateSerializer extends AsyncSinkWriterStateSerializer<RedisWrite> {

    @Override
    protected void serializeRequestToStream(RedisWrite w, DataOutputStream out) throws IOException {
        writeString(out, w.key);
        out.writeLong(w.version);
        out.writeByte(w.expiry.ordinal());
        out.writeLong(w.expiresAtMillis);
        writeString(out, w.ts);
        out.writeInt(w.fields.length);
        for (String f : w.fields) {
            writeString(out, f);
        }
    }

    @Override
    protected RedisWrite deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
        String key = readString(in);
        long version = in.readLong();
        RedisWrite.Expiry expiry = RedisWrite.Expiry.values()[in.readByte()];
        long expiresAt = in.readLong();
        String ts = readString(in);
        String[] fields = new String[in.readInt()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = readString(in);
        }
        return new RedisWrite(key, version, expiry, expiresAt, ts, fields);
    }

    @Override
    public int getVersion() {
        return 1;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
