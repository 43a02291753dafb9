package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import mimir.ring.InstanceDesc;
import mimir.ring.Operation;
import mimir.ring.Ring;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingSettings;
import mimir.ring.ShardHash;
import mimir.spi.KvStores;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvScope;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.storegateway.client.StoreGatewayClientPool;
import mimir.tsdb.block.Ulid;

/**
 * The store-gateways of the store-gateway ring ({@code -store-gateway.sharding-ring.*}) as the querier
 * sees them, without registering in it: a block's replicas are {@code ring.replicas(ShardHash.block(id))},
 * the store-gateways themselves load (see the store-gateway's sharding), of which those ACTIVE with a
 * recent heartbeat may be asked ({@link Operation#BLOCKS_READ}, as Mimir's queriers). The replica whose
 * instance ID is this process's {@code -store-gateway.sharding-ring.instance-id} is the in-process
 * store-gateway when one runs here; the others are reached over gRPC through the pool.
 */
public final class RingStoreGateways implements StoreGateways, AutoCloseable {
    private final KvStores kvStores;
    private final RingSettings.Values settings;
    private final Clock clock;
    private final Supplier<Optional<StoreGatewayClient>> local;
    private final StoreGatewayClientPool pool;
    private KvClient<RingDesc> kv;
    private volatile RingClient ring;

    /**
     * @param local the store-gateway of this process, if it runs one (looked up per query: modules are
     *              created in no particular order)
     */
    public RingStoreGateways(KvStores kvStores, RingSettings.Values settings, Clock clock, Supplier<Optional<StoreGatewayClient>> local,
            StoreGatewayClientPool pool) {
        this.kvStores = requireNonNull(kvStores, "kvStores is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.local = requireNonNull(local, "local is null");
        this.pool = requireNonNull(pool, "pool is null");
    }

    /** Opens the ring's KV store and starts watching the ring. */
    public synchronized void start() throws IOException {
        kv = kvStores.open(KvScope.STORE_GATEWAY_RING, RingDesc.CODEC);
        RingClient client = new RingClient(kv, settings, clock);
        client.start();
        ring = client;
    }

    @Override
    public List<Replica> replicas(Ulid block, long nowMillis) {
        RingClient client = ring;
        if (client == null) {
            throw new IllegalStateException("the store-gateway ring is not being watched (querier not started)");
        }
        Ring snapshot = client.ring();
        InstanceDesc[] owners = snapshot.replicas(ShardHash.block(block.high(), block.low()));
        boolean localRuns = local.get().isPresent();
        List<Replica> result = new ArrayList<>(owners.length);
        for (InstanceDesc owner : owners) {
            if (owner.isHealthy(Operation.BLOCKS_READ, snapshot.heartbeatTimeout(), nowMillis)) {
                result.add(new Replica(owner.id(), owner.addr(), localRuns && owner.id().equals(settings.instanceId())));
            }
        }
        return result;
    }

    @Override
    public StoreGatewayClient client(Replica replica) {
        if (replica.local()) {
            return local.get().orElseThrow(() -> new IllegalStateException("the in-process store-gateway is gone"));
        }
        return pool.get(replica.address());
    }

    @Override
    public String describe() {
        return "the store-gateway ring (-store-gateway.sharding-ring.*, see /store-gateway/ring)";
    }

    /** Stops watching the ring and closes the gRPC clients. */
    @Override
    public synchronized void close() {
        RingClient client = ring;
        ring = null;
        if (client != null) {
            client.close();
        }
        if (kv != null) {
            kv.close();
            kv = null;
        }
        pool.close();
    }
}
