package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.storegateway.client.StoreGatewayClient;
import mimir.tsdb.block.Ulid;

/** Where the querier finds the store-gateways that hold a block ({@link RingStoreGateways}: the store-gateway ring). */
public interface StoreGateways {
    /**
     * The store-gateways that hold {@code block} and may be asked for it now, owner first; empty if
     * there is none.
     */
    List<Replica> replicas(Ulid block, long nowMillis);

    /** The client of one of them: the in-process store-gateway for the local one, a gRPC client otherwise. */
    StoreGatewayClient client(Replica replica);

    /** Where a caller can see the store-gateways, for error messages (e.g. the ring page). */
    String describe();

    /**
     * One store-gateway.
     *
     * @param id      its instance ID in the ring
     * @param address its gRPC {@code host:port}
     * @param local   whether it runs in this process (and is then read without serialization)
     */
    record Replica(String id, String address, boolean local) {
        public Replica {
            requireNonNull(id, "id is null");
            requireNonNull(address, "address is null");
        }

        @Override
        public String toString() {
            return id + " (" + (local ? "in-process" : address) + ")";
        }
    }
}
