package io.meshguard.identity;

import io.meshguard.model.IdentityType;
import java.util.Objects;

/** Who made a request: how the caller was identified, and its bounded key, e.g. {@code ip:203.0.113.7}. */
public record Identity(IdentityType type, String key) {
    public Identity {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
    }
}
