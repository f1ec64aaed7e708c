package io.meshguard.job.operators;

import io.meshguard.detect.IdentityState;
import io.meshguard.detect.IdentityStateCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of the per-identity state: {@link IdentityStateCodec}'s field-by-field layout
 * instead of Flink's reflective POJO serializer, which boxed every primitive and took half of all
 * CPU on the RocksDB backend, where every request reads and writes its identity's state.
 *
 * <p>State written by earlier releases with the POJO serializer restores: its snapshot is declared
 * compatible after migration, so Flink reads the old state with the POJO serializer once and
 * writes it in this format.
 */
public final class IdentityStateSerializer extends TypeSerializer<IdentityState> {
    private static final long serialVersionUID = 1L;

    public static final IdentityStateSerializer INSTANCE = new IdentityStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<IdentityState> duplicate() {
        return this; // stateless
    }

    @Override
    public IdentityState createInstance() {
        return new IdentityState();
    }

    /** A deep copy, through the binary form: the heap backend copies on write after a snapshot. */
    @Override
    public IdentityState copy(IdentityState from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(1024);
            IdentityStateCodec.write(from, out);
            return IdentityStateCodec.read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy identity state", e);
        }
    }

    @Override
    public IdentityState copy(IdentityState from, IdentityState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(IdentityState record, DataOutputView target) throws IOException {
        IdentityStateCodec.write(record, target);
    }

    @Override
    public IdentityState deserialize(DataInputView source) throws IOException {
        return IdentityStateCodec.read(source);
    }

    @Override
    public IdentityState deserialize(IdentityState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof IdentityStateSerializer;
    }

    @Override
    public int hashCode() {
        return IdentityStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<IdentityState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Carries no configuration; the format is in every record ({@link IdentityStateCodec#FORMAT}). */
    public static final class Snapshot implements TypeSerializerSnapshot<IdentityState> {
        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) {}

        @Override
        public TypeSerializer<IdentityState> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<IdentityState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<IdentityState> oldSerializerSnapshot) {
            if (oldSerializerSnapshot instanceof Snapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            if (oldSerializerSnapshot instanceof PojoSerializerSnapshot) {
                // Written by a release that used the POJO serializer: read it with that one, once.
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
