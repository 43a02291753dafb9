package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import mimir.memberlist.MemberlistMessages.KeyValue;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;

/**
 * A client of the process's memberlist node for values of one codec. Reads are local (no network);
 * writes change the local copy and are gossiped at once. Keys holding values of another codec are an
 * error for {@link #get}, {@link #cas} and {@link #delete}, and are left out of {@link #list}.
 */
final class MemberlistKvClient<T> implements KvClient<T> {
    private final MemberlistNode node;
    private final KvCodec<T> codec;
    private final MemberlistMetrics metrics;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemberlistKvClient(MemberlistNode node, KvCodec<T> codec, MemberlistMetrics metrics, Runnable onClose) {
        this.node = requireNonNull(node, "node is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.onClose = requireNonNull(onClose, "onClose is null");
    }

    @SuppressWarnings("unchecked")
    @Override
    public T get(String key) throws IOException {
        requireNonNull(key, "key is null");
        checkOpen();
        return (T) node.store().get(key, codec.id());
    }

    /**
     * Runs {@code update} once, under the key's lock, and merges its result into the value (see
     * {@link MemberlistStore#cas}); it never needs to retry, since nothing else changes the key meanwhile.
     */
    @Override
    public void cas(String key, UnaryOperator<T> update) throws IOException {
        requireNonNull(key, "key is null");
        requireNonNull(update, "update is null");
        checkOpen();
        metrics.casAttempts.increment();
        KeyValue changed;
        try {
            changed = node.store().cas(key, codec, update);
        }
        catch (IOException | RuntimeException e) {
            metrics.casFailures.increment();
            throw e;
        }
        if (changed != null) {
            metrics.casSuccesses.increment();
            node.localChange(changed);
        }
    }

    /** Replaces the value with a tombstone that is gossiped like a value (see {@link MemberlistStore}). */
    @Override
    public void delete(String key) throws IOException {
        requireNonNull(key, "key is null");
        checkOpen();
        KeyValue tombstone = node.store().delete(key, codec.id());
        if (tombstone != null) {
            node.localChange(tombstone);
        }
    }

    @Override
    public List<String> list(String prefix) {
        requireNonNull(prefix, "prefix is null");
        checkOpen();
        return node.store().list(prefix, codec.id());
    }

    @SuppressWarnings("unchecked")
    @Override
    public AutoCloseable watchKey(String key, Consumer<T> listener) {
        requireNonNull(key, "key is null");
        requireNonNull(listener, "listener is null");
        checkOpen();
        return node.store().watch(key, codec.id(), value -> listener.accept((T) value), this);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            node.store().closeWatches(this);
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "memberlist kv client for " + codec.id() + " on " + node.name();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("memberlist kv client for " + codec.id() + " is closed");
        }
    }
}
