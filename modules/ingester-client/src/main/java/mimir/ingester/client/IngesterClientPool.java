package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import java.util.Set;

import mimir.grpccommon.GrpcClientPool;

/**
 * The gRPC clients of the ingesters a distributor or querier talks to, one per address, created on
 * first use. {@link #remove} closes the client of an ingester that left the ring; {@link #close}
 * closes them all. Thread-safe.
 */
public final class IngesterClientPool implements AutoCloseable {
    private final GrpcClientPool<GrpcIngesterClient> clients;

    public IngesterClientPool(GrpcIngesterClientConfig config) {
        requireNonNull(config, "config is null");
        this.clients = new GrpcClientPool<>("ingester", address -> new GrpcIngesterClient(address, config), GrpcIngesterClient::close);
    }

    /**
     * The client of the ingester at {@code address} ({@code host:port}), created if there is none.
     *
     * @throws IllegalStateException once the pool is closed
     */
    public IngesterClient get(String address) {
        return clients.get(address);
    }

    /** Closes and forgets the client of {@code address}, if any; a later {@link #get} creates a new one. */
    public void remove(String address) {
        clients.remove(address);
    }

    /** The addresses with a client, sorted. */
    public Set<String> addresses() {
        return clients.addresses();
    }

    /** Closes every client; the pool refuses {@link #get} from now on. */
    @Override
    public void close() {
        clients.close();
    }
}
