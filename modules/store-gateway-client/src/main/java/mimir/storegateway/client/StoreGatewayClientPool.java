package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

import java.util.Set;

import mimir.grpccommon.GrpcClientPool;

/**
 * The gRPC clients of the store-gateways a querier talks to, one per address, each created on first
 * use (a channel connects on its first call). {@link #remove} closes the client of a store-gateway that
 * left the ring; {@link #close} closes them all. Thread-safe.
 */
public final class StoreGatewayClientPool implements AutoCloseable {
    private final GrpcClientPool<GrpcStoreGatewayClient> clients;

    public StoreGatewayClientPool(GrpcStoreGatewayClientConfig config) {
        requireNonNull(config, "config is null");
        this.clients = new GrpcClientPool<>("store-gateway", address -> new GrpcStoreGatewayClient(address, config), GrpcStoreGatewayClient::close);
    }

    /**
     * The client of the store-gateway at {@code address} ({@code host:port}), created if there is none.
     *
     * @throws IllegalStateException once the pool is closed
     */
    public StoreGatewayClient get(String address) {
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
