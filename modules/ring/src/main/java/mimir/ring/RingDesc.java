package mimir.ring;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import mimir.proto.ringpb.Desc;
import mimir.spi.kv.KvCodec;

/**
 * A ring's record in the KV store ({@code ring.Desc}): the instances by ID, in ID order. Immutable.
 *
 * <p>As a CRDT for gossip ({@link #CODEC}'s merge): per instance, the entry with the newer heartbeat
 * wins, and on equal heartbeats a LEFT tombstone wins, as in dskit. An instance leaves a gossiped ring
 * as a LEFT tombstone; tombstones are dropped after {@code -memberlist.left-ingesters-timeout} by
 * {@link #withoutTombstonesOlderThan}.
 */
public record RingDesc(Map<String, InstanceDesc> instances) {
    public static final RingDesc EMPTY = new RingDesc(Map.of());

    /** Protobuf encoding with dskit's field numbers, and the merge described above. */
    public static final KvCodec<RingDesc> CODEC = new KvCodec<>() {
        @Override
        public String id() {
            return "ringDesc";
        }

        @Override
        public byte[] encode(RingDesc value) {
            return value.toProto().toByteArray();
        }

        @Override
        public RingDesc decode(byte[] data) throws IOException {
            try {
                return fromProto(Desc.parseFrom(data));
            }
            catch (InvalidProtocolBufferException e) {
                throw new IOException("not a ring record: " + e.getMessage(), e);
            }
        }

        @Override
        public RingDesc merge(RingDesc current, RingDesc incoming) {
            return current == null ? incoming : current.merge(incoming);
        }
    };

    public RingDesc {
        instances = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(instances, "instances is null")));
    }

    /** This ring with {@code instance} added or replaced. */
    public RingDesc with(InstanceDesc instance) {
        Map<String, InstanceDesc> next = new TreeMap<>(instances);
        next.put(instance.id(), instance);
        return new RingDesc(next);
    }

    /** This ring without the instance (for stores with a single source of truth; gossip needs {@link InstanceDesc#left}). */
    public RingDesc without(String id) {
        Map<String, InstanceDesc> next = new TreeMap<>(instances);
        next.remove(id);
        return new RingDesc(next);
    }

    /** The instance, or null. */
    public InstanceDesc get(String id) {
        return instances.get(id);
    }

    /** The CRDT merge; returns {@code this} if {@code other} changes nothing. */
    public RingDesc merge(RingDesc other) {
        Map<String, InstanceDesc> next = null;
        for (InstanceDesc theirs : other.instances.values()) {
            InstanceDesc ours = instances.get(theirs.id());
            boolean take = ours == null || theirs.heartbeatSeconds() > ours.heartbeatSeconds()
                    || theirs.heartbeatSeconds() == ours.heartbeatSeconds() && theirs.state() == InstanceState.LEFT && ours.state() != InstanceState.LEFT;
            if (take && !theirs.equals(ours)) {
                if (next == null) {
                    next = new TreeMap<>(instances);
                }
                next.put(theirs.id(), theirs);
            }
        }
        return next == null ? this : new RingDesc(next);
    }

    /** This ring without LEFT tombstones whose last heartbeat is before {@code cutoffSeconds}. */
    public RingDesc withoutTombstonesOlderThan(long cutoffSeconds) {
        Map<String, InstanceDesc> next = null;
        for (InstanceDesc instance : instances.values()) {
            if (instance.state() == InstanceState.LEFT && instance.heartbeatSeconds() < cutoffSeconds) {
                if (next == null) {
                    next = new TreeMap<>(instances);
                }
                next.remove(instance.id());
            }
        }
        return next == null ? this : new RingDesc(next);
    }

    public Desc toProto() {
        Desc.Builder desc = Desc.newBuilder();
        for (InstanceDesc instance : instances.values()) {
            mimir.proto.ringpb.InstanceDesc.Builder b = mimir.proto.ringpb.InstanceDesc.newBuilder()
                    .setId(instance.id())
                    .setAddr(instance.addr())
                    .setTimestamp(instance.heartbeatSeconds())
                    .setStateValue(instance.state().number())
                    .setZone(instance.zone())
                    .setRegisteredTimestamp(instance.registeredSeconds())
                    .setReadOnly(instance.readOnly())
                    .setReadOnlyUpdatedTimestamp(instance.readOnlyUpdatedSeconds());
            for (int token : instance.tokens()) {
                b.addTokens(token);
            }
            desc.putIngesters(instance.id(), b.build());
        }
        return desc.build();
    }

    public static RingDesc fromProto(Desc desc) {
        Map<String, InstanceDesc> instances = new TreeMap<>();
        for (Map.Entry<String, mimir.proto.ringpb.InstanceDesc> e : desc.getIngestersMap().entrySet()) {
            mimir.proto.ringpb.InstanceDesc p = e.getValue();
            int[] tokens = new int[p.getTokensCount()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = p.getTokens(i);
            }
            sortUnsigned(tokens);
            // Older rings have no id field: the map key is the ID.
            instances.put(e.getKey(), new InstanceDesc(e.getKey(), p.getAddr(), p.getTimestamp(), InstanceState.ofNumber(p.getStateValue()), tokens,
                    p.getZone(), p.getRegisteredTimestamp(), p.getReadOnly(), p.getReadOnlyUpdatedTimestamp()));
        }
        return new RingDesc(instances);
    }

    /** Sorts tokens as unsigned 32-bit values. */
    static void sortUnsigned(int[] tokens) {
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] ^= Integer.MIN_VALUE;
        }
        java.util.Arrays.sort(tokens);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] ^= Integer.MIN_VALUE;
        }
    }
}
