package io.meshguard.baseline;

import io.meshguard.model.IdentityType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What established identities look like, per segment and per identity type: the baseline for
 * identities too new to have history of their own (a fake signup has none). Two generations per
 * key so the distribution follows drift (daily rhythm) without forgetting everything at once.
 *
 * <p>Only established, currently unflagged identities feed it, so a flood of new attackers cannot
 * redefine normal. Instances are not thread-safe; one per parallel operator instance, which sees
 * a hash-partitioned sample of every segment's identities.
 */
public final class PeerBaselines implements Serializable {
    private static final long serialVersionUID = 1L;

    private final BaselineConfig config;
    private final Map<String, Generations> bySegment = new HashMap<>();
    private final Map<IdentityType, Generations> byType = new HashMap<>();

    public PeerBaselines(BaselineConfig config) {
        this.config = config;
    }

    /**
     * Offers an established identity's features as a peer sample. Accepted at most {@code
     * peerSamplesPerSecond} per segment, so cost does not grow with traffic.
     */
    public void offer(String segment, IdentityType type, double[] features, long nowMillis) {
        Generations forSegment = bySegment.get(segment);
        if (forSegment == null && bySegment.size() < config.maxPeerSegments) {
            forSegment = new Generations(nowMillis);
            bySegment.put(segment, forSegment);
        }
        if (forSegment != null && forSegment.admit(nowMillis, config)) {
            forSegment.add(features, nowMillis, config);
        }
        Generations forType = byType.computeIfAbsent(type, t -> new Generations(nowMillis));
        if (forType.admit(nowMillis, config)) {
            forType.add(features, nowMillis, config);
        }
    }

    /** The segment's peer baseline if it has enough samples, else {@code null}. */
    public BaselineView lookupSegment(String segment) {
        Generations forSegment = bySegment.get(segment);
        PeerDistribution d = forSegment == null ? null : forSegment.usable(config.minPeerSamples);
        return d == null ? null : d.view(BaselineKind.SEGMENT_PEERS);
    }

    /** The most specific peer baseline with enough samples, or {@code null} when none has. */
    public BaselineView lookup(String segment, IdentityType type) {
        BaselineView segmentPeers = lookupSegment(segment);
        if (segmentPeers != null) {
            return segmentPeers;
        }
        Generations forType = byType.get(type);
        PeerDistribution d = forType == null ? null : forType.usable(config.minPeerSamples);
        return d == null ? null : d.view(BaselineKind.GLOBAL_PEERS);
    }

    public int segmentCount() {
        return bySegment.size();
    }

    /** Serialized form for operator state. */
    public byte[] toBytes() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(this);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize peer baselines", e);
        }
    }

    public static PeerBaselines fromBytes(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (PeerBaselines) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot restore peer baselines", e);
        }
    }

    /**
     * Merges another instance's distributions into this one, keeping per key the one with more
     * samples (used when state is redistributed after rescaling).
     */
    public void absorb(PeerBaselines other) {
        other.bySegment.forEach((k, v) -> {
            if (bySegment.containsKey(k) || bySegment.size() < config.maxPeerSegments) {
                bySegment.merge(k, v, Generations::richer);
            }
        });
        other.byType.forEach((k, v) -> byType.merge(k, v, Generations::richer));
    }

    /** Current and previous generation of one key, with a token bucket admitting samples. */
    private static final class Generations implements Serializable {
        private static final long serialVersionUID = 1L;
        private PeerDistribution current;
        private PeerDistribution previous;
        private double tokens;
        private long lastAdmitMillis;

        Generations(long nowMillis) {
            current = new PeerDistribution(nowMillis);
            lastAdmitMillis = nowMillis;
            tokens = 1;
        }

        boolean admit(long nowMillis, BaselineConfig config) {
            if (nowMillis > lastAdmitMillis) {
                // Capacity of at least one sample, so rates below one per second still admit some.
                tokens = Math.min(Math.max(1, config.peerSamplesPerSecond),
                        tokens + (nowMillis - lastAdmitMillis) / 1000.0 * config.peerSamplesPerSecond);
                lastAdmitMillis = nowMillis;
            }
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        void add(double[] features, long nowMillis, BaselineConfig config) {
            if (nowMillis - current.startedMillis >= config.peerGenerationMillis
                    && current.samples() >= config.minPeerSamples) {
                previous = current;
                current = new PeerDistribution(nowMillis);
            }
            current.add(features);
        }

        PeerDistribution usable(int minSamples) {
            if (current.samples() >= minSamples) {
                return current;
            }
            return previous != null && previous.samples() >= minSamples ? previous : null;
        }

        long samples() {
            return current.samples() + (previous == null ? 0 : previous.samples());
        }

        static Generations richer(Generations a, Generations b) {
            return a.samples() >= b.samples() ? a : b;
        }
    }
}
