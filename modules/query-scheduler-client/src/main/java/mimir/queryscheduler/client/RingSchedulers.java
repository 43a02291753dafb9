package mimir.queryscheduler.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.Ring;
import mimir.ring.RingClient;

/**
 * One client per healthy ACTIVE query-scheduler of the query-scheduler ring, kept in step with the
 * ring: a scheduler that joins gets a client, one that leaves or stops heartbeating has its client
 * closed. Shared by {@link RingSchedulerForFrontend} and {@link RingSchedulerForQuerier}.
 *
 * @param <C> the client type
 */
final class RingSchedulers<C extends AutoCloseable> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RingSchedulers.class.getName());

    private final RingClient ring;
    private final Function<String, C> connect;
    private final Map<String, C> clients = new LinkedHashMap<>();
    private volatile List<C> current = List.of();
    private boolean closed;

    RingSchedulers(RingClient ring, Function<String, C> connect) {
        this.ring = requireNonNull(ring, "ring is null");
        this.connect = requireNonNull(connect, "connect is null");
    }

    void start() throws IOException {
        ring.addListener(this::update);
        ring.start();
        update(ring.ring());
    }

    /** Re-reads the ring (also on a timer of the caller's: heartbeats age without a ring change). */
    void refresh() {
        update(ring.ring());
    }

    private synchronized void update(Ring snapshot) {
        if (closed) {
            return;
        }
        long now = ring.clock().millis();
        List<String> healthy = new ArrayList<>();
        for (InstanceDesc instance : snapshot.instances()) {
            if (instance.state() == InstanceState.ACTIVE && instance.heartbeatWithin(snapshot.heartbeatTimeout(), now)) {
                healthy.add(instance.addr());
            }
        }
        for (var it = clients.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (!healthy.contains(entry.getKey())) {
                it.remove();
                LOG.log(Level.INFO, "query-scheduler left the ring address=" + entry.getKey());
                closeQuietly(entry.getValue());
            }
        }
        for (String address : healthy) {
            if (!clients.containsKey(address)) {
                LOG.log(Level.INFO, "query-scheduler found in the ring address=" + address);
                clients.put(address, connect.apply(address));
            }
        }
        current = List.copyOf(clients.values());
    }

    /** The clients of the healthy schedulers now, in a stable order. */
    List<C> clients() {
        return current;
    }

    @Override
    public synchronized void close() {
        closed = true;
        ring.close();
        try {
            ring.kv().close();
        }
        catch (Exception e) {
            LOG.log(Level.DEBUG, "closing the query-scheduler ring's KV client", e);
        }
        clients.values().forEach(RingSchedulers::closeQuietly);
        clients.clear();
        current = List.of();
    }

    private static void closeQuietly(AutoCloseable client) {
        try {
            client.close();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (Exception e) {
            LOG.log(Level.DEBUG, "closing a query-scheduler client", e);
        }
    }
}
