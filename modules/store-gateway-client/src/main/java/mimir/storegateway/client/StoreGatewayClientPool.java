package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The gRPC clients of the store-gateways a querier talks to, one per address, each created on first
 * use (a channel connects on its first call). {@link #remove} closes the client of a store-gateway that
 * left the ring; {@link #close} closes them all. Thread-safe.
 */
public final class StoreGatewayClientPool implements AutoCloseable {
    private final GrpcStoreGatewayClientConfig config;
    private final ConcurrentMap<String, GrpcStoreGatewayClient> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public StoreGatewayClientPool(GrpcStoreGatewayClientConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * The client of the store-gateway at {@code address} ({@code host:port}), created if there is none.
     *
     * @throws IllegalStateException once the pool is closed
     */
    public StoreGatewayClient get(String address) {
        requireNonNull(address, "address is null");
        checkOpen();
        GrpcStoreGatewayClient client = clients.computeIfAbsent(address, a -> new GrpcStoreGatewayClient(a, config));
        if (closed) {
            // Created while close() ran, which may have missed it.
            remove(address);
            checkOpen();
        }
        return client;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store-gateway client pool is closed");
        }
    }

    /** Closes and forgets the client of {@code address}, if any; a later {@link #get} creates a new one. */
    public void remove(String address) {
        GrpcStoreGatewayClient client = clients.remove(requireNonNull(address, "address is null"));
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
