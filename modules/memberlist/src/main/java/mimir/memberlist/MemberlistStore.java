package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import mimir.memberlist.MemberlistMessages.KeyValue;
import mimir.spi.kv.KvCodec;

/**
 * One node's copy of the whole KV store: every key's value, decoded, with its codec id and
 * generation, and the watches on keys.
 *
 * <p><b>Merging.</b> Values of one key are merged with their codec's CRDT merge, so nodes converge
 * whatever the order in which they hear of changes. Deletion needs more than that, because a CRDT
 * value can only grow: each key also has a <em>generation</em>. A key is created at generation 0; a
 * delete makes it a tombstone at the next (odd) generation; writing a deleted key starts the next
 * (even) generation with the written value alone. Of two versions of a key the higher generation wins
 * outright and equal generations are merged with the codec, so a delete wins over writes that had not
 * seen it, and a value from before a delete never comes back. This is a CRDT too (the lexicographic
 * product of a max counter and the codec's merge), and it needs no clocks. Tombstones are kept for
 * the life of the process: they are a key and two numbers, and dropping them would let a node that
 * missed the delete bring the value back. dskit deletes with a timestamped tombstone that it drops
 * after {@code -memberlist.obsolete-entries-timeout}; rings never delete their key (instances leave as
 * LEFT entries inside the value), so the difference matters only to other users.
 *
 * <p><b>Locking.</b> Every change of a key, local or received, holds that key's lock, so a local
 * compare-and-swap runs its update function against the value it then replaces and never retries,
 * and concurrent local writers are serialized. Reads take no lock.
 *
 * <p><b>Watches.</b> A change that alters a value schedules, for every watch of the key that has no
 * delivery pending, one delivery on the store's notifier thread; the delivery reads the value at that
 * moment, so quick successive changes arrive as one. Deletion is not delivered (there is no value to
 * give); a watch resumes with the next value written.
 */
final class MemberlistStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemberlistStore.class.getName());
    private static final byte[] NO_DATA = new byte[0];

    private final Map<String, KvCodec<?>> codecs = new ConcurrentHashMap<>();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, List<Watch>> watches = new ConcurrentHashMap<>();
    private final Set<String> reportedConflicts = ConcurrentHashMap.newKeySet();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "memberlist-watch");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * A key's state. {@code value} is null and {@code encoded} empty exactly for a tombstone (odd
     * generation); {@code encoded} is kept so that gossip never re-encodes.
     */
    private record Entry(String codecId, long generation, Object value, byte[] encoded) {
        boolean isTombstone() {
            return (generation & 1) == 1;
        }

        KeyValue toKeyValue(String key) {
            return new KeyValue(key, codecId, generation, encoded);
        }
    }

    private static final class Watch {
        final String key;
        final String codecId;
        final Consumer<Object> listener;
        final Object owner;
        final AtomicBoolean pending = new AtomicBoolean();
        volatile boolean closed;
        // Only touched on the notifier thread.
        Object lastDelivered;

        Watch(String key, String codecId, Consumer<Object> listener, Object owner) {
            this.key = key;
            this.codecId = codecId;
            this.listener = listener;
            this.owner = owner;
        }
    }

    /**
     * Makes values of {@code codec} known: received values of an unknown codec are dropped, as dskit
     * drops them, since they cannot be merged.
     *
     * @return true if the codec id was new
     */
    boolean register(KvCodec<?> codec) {
        requireNonNull(codec, "codec is null");
        return codecs.putIfAbsent(codec.id(), codec) == null;
    }

    /**
     * The live value of {@code key}, or null if it has none.
     *
     * @throws IOException if the key holds values of another codec
     */
    Object get(String key, String codecId) throws IOException {
        Entry entry = entries.get(key);
        if (entry == null || entry.isTombstone()) {
            return null;
        }
        checkCodec(key, entry, codecId);
        return entry.value;
    }

    /** The live keys with values of {@code codecId} that start with {@code prefix}, sorted. */
    List<String> list(String prefix, String codecId) {
        Set<String> keys = new TreeSet<>();
        entries.forEach((key, entry) -> {
            if (key.startsWith(prefix) && !entry.isTombstone() && entry.codecId.equals(codecId)) {
                keys.add(key);
            }
        });
        return List.copyOf(keys);
    }

    /** How many keys have a live value. */
    int liveCount() {
        int count = 0;
        for (Entry entry : entries.values()) {
            if (!entry.isTombstone()) {
                count++;
            }
        }
        return count;
    }

    /**
     * Compare-and-swap under the key's lock: {@code update} sees the live value (null if none or
     * deleted) and its result is merged into it; a result that adds nothing under the codec's merge
     * (e.g. one that only removes) leaves the value as it is, since gossip can only add.
     *
     * @return the key's new state to gossip, or null if nothing changed
     * @throws IOException if the key holds values of another codec
     */
    @SuppressWarnings("unchecked")
    <T> KeyValue cas(String key, KvCodec<T> codec, UnaryOperator<T> update) throws IOException {
        register(codec);
        KvCodec<Object> registered = (KvCodec<Object>) codecs.get(codec.id());
        KeyValue changed;
        synchronized (lockFor(key)) {
            Entry current = entries.get(key);
            if (current != null) {
                checkCodec(key, current, codec.id());
            }
            boolean live = current != null && !current.isTombstone();
            T next = update.apply(live ? (T) current.value : null);
            if (next == null) {
                return null;
            }
            Entry written;
            if (current == null) {
                written = new Entry(codec.id(), 0, next, registered.encode(next));
            }
            else if (!live) {
                written = new Entry(codec.id(), current.generation + 1, next, registered.encode(next));
            }
            else {
                Object merged = registered.merge(current.value, next);
                if (merged == current.value) {
                    return null;
                }
                written = new Entry(codec.id(), current.generation, merged, registered.encode(merged));
            }
            entries.put(key, written);
            changed = written.toKeyValue(key);
        }
        notifyWatchers(key);
        return changed;
    }

    /**
     * Deletes the key: a tombstone at the next generation.
     *
     * @return the tombstone to gossip, or null if the key had no live value
     * @throws IOException if the key holds values of another codec
     */
    KeyValue delete(String key, String codecId) throws IOException {
        synchronized (lockFor(key)) {
            Entry current = entries.get(key);
            if (current == null || current.isTombstone()) {
                return null;
            }
            checkCodec(key, current, codecId);
            Entry tombstone = new Entry(current.codecId, current.generation + 1, null, NO_DATA);
            entries.put(key, tombstone);
            return tombstone.toKeyValue(key);
        }
    }

    /**
     * Merges a value received from another node.
     *
     * @return the key's new state to pass on, or null if the value changed nothing here (older, already
     *         known, of an unknown codec, or conflicting with the codec this node holds for the key)
     * @throws IOException if the codec cannot decode the data
     */
    @SuppressWarnings("unchecked")
    KeyValue merge(KeyValue incoming) throws IOException {
        KvCodec<Object> codec = (KvCodec<Object>) codecs.get(incoming.codecId());
        if (codec == null) {
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "memberlist dropped a value of an unknown codec key=" + incoming.key() + " codec=" + incoming.codecId());
            }
            return null;
        }
        Object decoded = incoming.isTombstone() ? null : codec.decode(incoming.data());
        if (decoded == null && !incoming.isTombstone()) {
            throw new IOException("codec " + incoming.codecId() + " decoded null for key " + incoming.key());
        }
        String key = incoming.key();
        KeyValue changed;
        synchronized (lockFor(key)) {
            Entry current = entries.get(key);
            if (current != null && !current.codecId.equals(incoming.codecId())) {
                if (reportedConflicts.add(key + '\u0000' + incoming.codecId())) {
                    LOG.log(Level.WARNING, "memberlist ignores a value of another codec for a key key=" + key + " held=" + current.codecId + " received="
                            + incoming.codecId());
                }
                return null;
            }
            Entry written;
            if (current == null || incoming.generation() > current.generation) {
                written = new Entry(incoming.codecId(), incoming.generation(), decoded, incoming.data());
            }
            else if (incoming.generation() == current.generation && !current.isTombstone()) {
                Object merged = codec.merge(current.value, decoded);
                if (merged == current.value) {
                    return null;
                }
                written = new Entry(current.codecId, current.generation, merged, merged == decoded ? incoming.data() : codec.encode(merged));
            }
            else {
                return null;
            }
            entries.put(key, written);
            changed = written.toKeyValue(key);
        }
        if (!changed.isTombstone()) {
            notifyWatchers(key);
        }
        return changed;
    }

    /** Every key's state, tombstones included, for a full push-pull. */
    List<KeyValue> snapshot() {
        List<KeyValue> result = new ArrayList<>(entries.size());
        entries.forEach((key, entry) -> result.add(entry.toKeyValue(key)));
        return result;
    }

    /**
     * Watches {@code key} for {@code owner} (a client): delivers the current value, if any, and then
     * every new one, until the returned handle or the owner's watches are closed. Values of another
     * codec than {@code codecId} are not delivered.
     */
    AutoCloseable watch(String key, String codecId, Consumer<Object> listener, Object owner) {
        Watch watch = new Watch(requireNonNull(key, "key is null"), requireNonNull(codecId, "codecId is null"),
                requireNonNull(listener, "listener is null"), requireNonNull(owner, "owner is null"));
        watches.computeIfAbsent(key, _ -> new CopyOnWriteArrayList<>()).add(watch);
        schedule(watch);
        return () -> close(watch);
    }

    /** Ends every watch of {@code owner}. */
    void closeWatches(Object owner) {
        for (List<Watch> list : watches.values()) {
            for (Watch watch : list) {
                if (watch.owner == owner) {
                    close(watch);
                }
            }
        }
    }

    @Override
    public void close() {
        notifier.shutdownNow();
        watches.values().forEach(list -> list.forEach(watch -> watch.closed = true));
        watches.clear();
    }

    private void close(Watch watch) {
        watch.closed = true;
        List<Watch> list = watches.get(watch.key);
        if (list != null) {
            list.remove(watch);
        }
    }

    private void notifyWatchers(String key) {
        List<Watch> list = watches.get(key);
        if (list != null) {
            list.forEach(this::schedule);
        }
    }

    private void schedule(Watch watch) {
        if (!watch.pending.compareAndSet(false, true)) {
            return;
        }
        try {
            notifier.execute(() -> deliver(watch));
        }
        catch (RejectedExecutionException e) {
            // The store is closing; watches end with it.
        }
    }

    private void deliver(Watch watch) {
        // Cleared before reading the value: a change after the read schedules another delivery.
        watch.pending.set(false);
        if (watch.closed) {
            return;
        }
        Entry entry = entries.get(watch.key);
        if (entry == null || entry.isTombstone() || !entry.codecId.equals(watch.codecId) || entry.value == watch.lastDelivered) {
            return;
        }
        watch.lastDelivered = entry.value;
        try {
            watch.listener.accept(entry.value);
        }
        catch (RuntimeException e) {
            LOG.log(Level.WARNING, "memberlist watch listener failed key=" + watch.key, e);
        }
    }

    private Object lockFor(String key) {
        return locks.computeIfAbsent(key, _ -> new Object());
    }

    private static void checkCodec(String key, Entry entry, String codecId) throws IOException {
        if (!entry.codecId.equals(codecId)) {
            throw new IOException("memberlist key \"" + key + "\" holds values of codec " + entry.codecId + ", not " + codecId);
        }
    }
}
