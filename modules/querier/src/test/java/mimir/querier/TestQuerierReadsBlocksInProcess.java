package mimir.querier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import mimir.ingester.client.IngesterClient;
import mimir.model.storage.Querier;
import mimir.querier.client.QuerierClient;
import mimir.querier.storage.TestingBlockUploads;
import mimir.querier.storage.TestingStoreGatewayRing;
import mimir.ring.IngesterRing;
import mimir.ring.SingleInstanceRing;
import mimir.ring.kv.InMemoryKv;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.storegateway.StoreGatewayProvider;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A querier and a store-gateway created by their providers in one process (as {@code -target=all}
 * runs them): the store-gateway is alone in its ring and owns every block, and the querier finds it
 * there as its own in-process store-gateway, so blocks are read without gRPC.
 */
class TestQuerierReadsBlocksInProcess {
    private static final long HOUR = TestingBlockUploads.HOUR;
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final Instant NOW = Instant.ofEpochMilli(T0 + 48 * HOUR);

    @TempDir
    Path tmp;

    @Test
    void theQuerierReadsTheBlocksFromTheStoreGatewayOfItsProcessThroughARingOfOne() throws Exception {
        MemoryObjectStore bucket = new MemoryObjectStore();
        TestingBlockUploads blocks = new TestingBlockUploads(bucket, tmp);
        blocks.upload("t1", T0, 8);
        // The ring advertises a port nothing listens on: an answer proves the querier did not use gRPC.
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        TestingConfigValues values = TestingStoreGatewayRing.storeGatewayValues(
                TestingConfigValues.defaults(TestingStoreGatewayRing.settingsOf(new StoreGatewayProvider(), new QueryableProvider())), tmp.resolve("sync"),
                "node-1").withFlag("store-gateway.sharding-ring.instance-port", Integer.toString(closedPort));
        TestingCoreServices core = new TestingCoreServices(values, bucket, Limits.defaults(), NOW, Set.of("querier", "store-gateway", "ingester"))
                .withKvStores(TestingStoreGatewayRing.kvStores(new InMemoryKv()));
        core.testingLocalInstances().register(IngesterClient.class, new TestingIngesterClient());
        core.testingLocalInstances().register(IngesterRing.class, SingleInstanceRing.of("node-1", core.clock()));
        List<Service> services = new ArrayList<>(new StoreGatewayProvider().create(core, values));
        services.addAll(new QueryableProvider().create(core, values));
        services.addAll(new QuerierProvider().create(core, values));
        try {
            for (Service service : services) {
                service.start(cause -> {
                    throw new AssertionError(cause);
                });
            }
            QuerierClient querier = core.localInstances().find(QuerierClient.class).orElseThrow();
            try (Querier read = querier.queryable(List.of("t1")).querier(T0, T0 + 8 * HOUR)) {
                assertThat(TestingBlockUploads.readAll(read)).isEqualTo(blocks.written("t1")).hasSize(3);
            }
            assertThat(core.routes().has("/store-gateway/ring")).isTrue();
        }
        finally {
            for (Service service : services.reversed()) {
                service.stop();
            }
        }
    }
}
