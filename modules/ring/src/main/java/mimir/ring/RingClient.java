package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import mimir.spi.kv.KvClient;

/**
 * Watches one ring in its KV store and keeps an up-to-date {@link Ring} snapshot for lookups; also
 * the "forget" action of the ring page. Thread-safe; {@link #ring()} never blocks.
 */
public final class RingClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RingClient.class.getName());

    private final KvClient<RingDesc> kv;
    private final RingSettings.Values settings;
    private final Clock clock;
    private final List<Consumer<Ring>> listeners = new CopyOnWriteArrayList<>();
    private volatile Ring ring;
    private AutoCloseable watch;

    public RingClient(KvClient<RingDesc> kv, RingSettings.Values settings, Clock clock) {
        this.kv = requireNonNull(kv, "kv is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ring = snapshot(RingDesc.EMPTY);
    }

    private Ring snapshot(RingDesc desc) {
        return new Ring(desc, settings.replicationFactor(), settings.zoneAwareness(), settings.heartbeatTimeout());
    }

    /** Reads the ring once and starts watching it. */
    public synchronized void start() throws IOException {
        RingDesc current = kv.get(settings.settings().key());
        if (current != null) {
            update(current);
        }
        watch = kv.watchKey(settings.settings().key(), this::update);
    }

    private void update(RingDesc desc) {
        if (desc == ring.desc()) {
            return;
        }
        Ring next = snapshot(desc);
        ring = next;
        for (Consumer<Ring> listener : listeners) {
            try {
                listener.accept(next);
            }
            catch (RuntimeException e) {
                LOG.log(Level.WARNING, "ring listener failed ring=" + settings.settings().key(), e);
            }
        }
    }

    /** The latest snapshot. */
    public Ring ring() {
        return ring;
    }

    public RingSettings.Values settings() {
        return settings;
    }

    public KvClient<RingDesc> kv() {
        return kv;
    }

    public Clock clock() {
        return clock;
    }

    /** Calls {@code listener} with every new snapshot. */
    public void addListener(Consumer<Ring> listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /**
     * Removes an instance from the ring, as the ring page's "Forget" does: it becomes a LEFT tombstone
     * (so that gossip does not bring the old entry back); an instance that is in fact alive registers
     * again with its next heartbeat.
     *
     * @return false if the ring has no such instance
     */
    public boolean forget(String id) throws IOException {
        boolean[] found = new boolean[1];
        long now = clock.millis() / 1000;
        kv.cas(settings.settings().key(), desc -> {
            InstanceDesc instance = desc == null ? null : desc.get(id);
            found[0] = instance != null && instance.state() != InstanceState.LEFT;
            return found[0] ? desc.with(instance.left(Math.max(now, instance.heartbeatSeconds() + 1))) : null;
        });
        if (found[0]) {
            LOG.log(Level.INFO, "forgot instance ring=" + settings.settings().key() + " instance=" + id);
        }
        return found[0];
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            try {
                watch.close();
            }
            catch (Exception e) {
                LOG.log(Level.DEBUG, "closing ring watch", e);
            }
            watch = null;
        }
    }
}
