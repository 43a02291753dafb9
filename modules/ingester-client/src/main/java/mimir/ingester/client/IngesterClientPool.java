package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The gRPC clients of the ingesters a distributor or querier talks to, one per address, created on
 * first use. {@link #remove} closes the client of an ingester that left the ring; {@link #close}
 * closes them all. Thread-safe.
 */
public final class IngesterClientPool implements AutoCloseable {
    private final GrpcIngesterClientConfig config;
    private final ConcurrentMap<String, GrpcIngesterClient> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public IngesterClientPool(GrpcIngesterClientConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * The client of the ingester at {@code address} ({@code host:port}), created if there is none.
     *
     * @throws IllegalStateException once the pool is closed
     */
    public IngesterClient get(String address) {
        requireNonNull(address, "address is null");
        checkOpen();
        GrpcIngesterClient client = clients.computeIfAbsent(address, a -> {
            checkOpen();
            return new GrpcIngesterClient(a, config);
        });
        if (closed) {
            // Created while close() ran: close() may have missed it.
            remove(address);
            checkOpen();
        }
        return client;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("ingester client pool is closed");
        }
    }

    /** Closes and forgets the client of {@code address}, if any; a later {@link #get} creates a new one. */
    public void remove(String address) {
        GrpcIngesterClient client = clients.remove(requireNonNull(address, "address is null"));
        if (client != null) {
            client.close();
        }
    }

    /** The addresses with a client, sorted. */
    public Set<String> addresses() {
        return new TreeSet<>(clients.keySet());
    }

    /** Closes every client; the pool refuses {@link #get} from now on. */
    @Override
    public void close() {
        closed = true;
        for (String address : List.copyOf(clients.keySet())) {
            remove(address);
        }
    }
}
