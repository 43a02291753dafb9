package mimir.ring.kv;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;

/**
 * A process-local KV store: values kept as the objects written (values are immutable), changes
 * delivered to watchers in order on one notifier thread per store. Compare-and-swap holds the store's
 * lock while the update function runs, so it never has to retry.
 */
public final class InMemoryKv {
    private final Map<String, Object> values = new TreeMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "kv-inmemory-watch");
        thread.setDaemon(true);
        return thread;
    });

    /** A client for values of {@code codec}; closing it ends its watches only. */
    public <T> KvClient<T> client(KvCodec<T> codec) {
        requireNonNull(codec, "codec is null");
        return new Client<>(codec);
    }

    private record Watch(String key, Consumer<Object> listener, Object owner) {}

    private synchronized Object read(String key) {
        return values.get(key);
    }

    private void notifyWatchers(String key, Object value) {
        for (Watch watch : watches) {
            if (watch.key.equals(key)) {
                notifier.execute(() -> {
                    if (watches.contains(watch)) {
                        watch.listener.accept(value);
                    }
                });
            }
        }
    }

    private final class Client<T> implements KvClient<T> {
        private final KvCodec<T> codec;

        Client(KvCodec<T> codec) {
            this.codec = codec;
        }

        @SuppressWarnings("unchecked")
        @Override
        public T get(String key) {
            return (T) read(requireNonNull(key, "key is null"));
        }

        @SuppressWarnings("unchecked")
        @Override
        public void cas(String key, UnaryOperator<T> update) throws IOException {
            requireNonNull(key, "key is null");
            T next;
            synchronized (InMemoryKv.this) {
                next = update.apply((T) values.get(key));
                if (next == null) {
                    return;
                }
                values.put(key, next);
                notifyWatchers(key, next);
            }
        }

        @Override
        public void delete(String key) {
            synchronized (InMemoryKv.this) {
                values.remove(key);
            }
        }

        @Override
        public List<String> list(String prefix) {
            synchronized (InMemoryKv.this) {
                List<String> keys = new ArrayList<>();
                for (String key : values.keySet()) {
                    if (key.startsWith(prefix)) {
                        keys.add(key);
                    }
                }
                return keys;
            }
        }

        @SuppressWarnings("unchecked")
        @Override
        public AutoCloseable watchKey(String key, Consumer<T> listener) {
            Watch watch = new Watch(requireNonNull(key, "key is null"), value -> listener.accept((T) value), this);
            synchronized (InMemoryKv.this) {
                watches.add(watch);
                Object current = values.get(key);
                if (current != null) {
                    notifier.execute(() -> {
                        if (watches.contains(watch)) {
                            watch.listener.accept(current);
                        }
                    });
                }
            }
            return () -> watches.remove(watch);
        }

        @Override
        public void close() {
            watches.removeIf(w -> w.owner == this);
        }

        @Override
        public String toString() {
            return "inmemory kv client for " + codec.id();
        }
    }
}
