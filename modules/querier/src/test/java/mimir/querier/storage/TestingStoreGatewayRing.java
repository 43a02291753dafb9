package mimir.querier.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingSettings;
import mimir.ring.kv.InMemoryKv;
import mimir.spi.ComponentProvider;
import mimir.spi.KvStores;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.storegateway.StoreGatewayProvider;
import mimir.storegateway.client.GrpcStoreGatewayClientConfig;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.storegateway.client.StoreGatewayClientPool;
import mimir.testing.Eventually;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;

/**
 * Store-gateways built by their provider as the launcher builds them, one {@link TestingCoreServices}
 * each, sharing a bucket and an in-memory KV store (so one store-gateway ring), each serving its
 * registered gRPC service on a Netty server on 127.0.0.1 and advertising that address in the ring.
 * Heartbeats never run within a test and never expire, so the ring changes only when a test changes it.
 */
public final class TestingStoreGatewayRing implements AutoCloseable {
    /** What the store-gateway's provider registers, and the gRPC port it falls back to. */
    private static final List<Setting<?>> SETTINGS = settingsOf(new StoreGatewayProvider());

    private final MemoryObjectStore bucket;
    private final Path dir;
    private final Instant now;
    private final InMemoryKv kv = new InMemoryKv();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final List<AutoCloseable> views = new ArrayList<>();

    /** One store-gateway: its services, its gRPC server, and its in-process client. */
    record Member(String id, String address, Server server, List<Service> services, StoreGatewayClient local) {}

    public TestingStoreGatewayRing(MemoryObjectStore bucket, Path dir, Instant now) {
        this.bucket = bucket;
        this.dir = dir;
        this.now = now;
    }

    /** The KV stores of every member and of the querier: one in-memory store. */
    KvStores kvStores() {
        return kvStores(kv);
    }

    /** KV stores that open {@code kv} for every scope, as {@code -*.store=inmemory} does in one process. */
    public static KvStores kvStores(InMemoryKv kv) {
        return new KvStores() {
            @Override
            public <T> KvClient<T> open(KvScope scope, KvCodec<T> codec) {
                return kv.client(codec);
            }
        };
    }

    /** What {@code providers} register, with the gRPC port the rings fall back to: the settings of a process running them. */
    public static List<Setting<?>> settingsOf(ComponentProvider... providers) {
        List<Setting<?>> settings = new ArrayList<>(List.of(SharedSettings.GRPC_LISTEN_PORT, SharedSettings.PROMETHEUS_HTTP_PREFIX,
                SharedSettings.TENANT_FEDERATION_ENABLED));
        ConfigRegistry registry = new ConfigRegistry() {
            @Override
            public <T> Setting<T> register(Setting<T> setting) {
                if (!settings.contains(setting)) {
                    settings.add(setting);
                }
                return setting;
            }
        };
        for (ComponentProvider provider : providers) {
            provider.registerConfig(registry);
        }
        return settings;
    }


    /** Starts store-gateway {@code id}: its gRPC server first (for the port it advertises), then its services. */
    Member start(String id) throws Exception {
        LateService late = new LateService();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).fallbackHandlerRegistry(late).build().start();
        TestingConfigValues values = storeGatewayValues(TestingConfigValues.defaults(SETTINGS), dir.resolve("sync-" + id), id)
                .withFlag("store-gateway.sharding-ring.instance-port", Integer.toString(server.getPort()));
        TestingCoreServices core = new TestingCoreServices(values, bucket, Limits.defaults(), now, Set.of("store-gateway")).withKvStores(kvStores());
        List<Service> services = new StoreGatewayProvider().create(core, values);
        assertThat(core.registeredGrpcServices()).hasSize(1);
        late.service = ((BindableService) core.registeredGrpcServices().getFirst()).bindService();
        for (Service service : services) {
            service.start(cause -> {
                throw new AssertionError(cause);
            });
        }
        Member member = new Member(id, "127.0.0.1:" + server.getPort(), server, services,
                core.testingLocalInstances().find(StoreGatewayClient.class).orElseThrow());
        members.put(id, member);
        return member;
    }

    /**
     * {@code values} with a store-gateway's settings for tests: its sync directory, no blocks ignored for
     * being young, instance {@code id} on 127.0.0.1 in the ring, heartbeats that neither run within a
     * test nor expire.
     */
    public static TestingConfigValues storeGatewayValues(TestingConfigValues values, Path syncDir, String id) {
        return values.withFlag("blocks-storage.bucket-store.sync-dir", syncDir.toString())
                .withFlag("blocks-storage.bucket-store.ignore-blocks-within", "0s")
                .withFlag("store-gateway.sharding-ring.instance-id", id)
                .withFlag("store-gateway.sharding-ring.instance-addr", "127.0.0.1")
                .withFlag("store-gateway.sharding-ring.heartbeat-period", "1h")
                .withFlag("store-gateway.sharding-ring.heartbeat-timeout", "24h");
    }

    Member member(String id) {
        return members.get(id);
    }

    /** Stops a store-gateway's gRPC server only: it stays ACTIVE in the ring, and every call to it fails. */
    void stopServer(String id) throws InterruptedException {
        Server server = members.get(id).server();
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Waits until the ring holds {@code count} ACTIVE store-gateways. */
    void awaitActive(int count) throws Exception {
        RingClient observer = new RingClient(kv.client(RingDesc.CODEC), querierSettings("observer"), Clock.fixed(now, ZoneOffset.UTC));
        observer.start();
        try {
            Eventually.assertThat(Duration.ofSeconds(20), () -> assertThat(observer.ring().instances()).hasSize(count)
                    .extracting(InstanceDesc::state).containsOnly(InstanceState.ACTIVE));
        }
        finally {
            observer.close();
        }
    }

    private static RingSettings.Values querierSettings(String id) {
        return new RingSettings.Values(RingSettings.STORE_GATEWAY, 3, 512, Duration.ofHours(1), Duration.ofDays(1), false, id, "127.0.0.1:0", "",
                true, 0);
    }

    /**
     * A querier's view of the ring, started: with {@code localId}'s store-gateway in-process (or none if
     * null), the others through {@code pool}.
     */
    RingStoreGateways querierView(String localId, StoreGatewayClientPool pool) throws IOException {
        Optional<StoreGatewayClient> local = localId == null ? Optional.empty() : Optional.of(members.get(localId).local());
        RingStoreGateways view = new RingStoreGateways(kvStores(), querierSettings(localId == null ? "querier" : localId),
                Clock.fixed(now, ZoneOffset.UTC), () -> local, pool);
        view.start();
        views.add(view);
        return view;
    }

    static StoreGatewayClientPool pool() {
        return new StoreGatewayClientPool(GrpcStoreGatewayClientConfig.withTimeout(Duration.ofSeconds(30)));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable view : views) {
            view.close();
        }
        for (Member member : members.values()) {
            for (Service service : member.services().reversed()) {
                service.stop();
            }
            member.server().shutdownNow();
            member.server().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** The server's services, known only once the store-gateway is created (after the server knows its port). */
    private static final class LateService extends HandlerRegistry {
        private volatile ServerServiceDefinition service;

        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            ServerServiceDefinition current = service;
            return current == null ? null : current.getMethod(methodName);
        }
    }
}
