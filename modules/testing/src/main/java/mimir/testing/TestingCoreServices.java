package mimir.testing;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import mimir.spi.CoreServices;
import mimir.spi.GrpcServices;
import mimir.spi.KvStores;
import mimir.spi.LocalInstances;
import mimir.spi.ObjectStores;
import mimir.spi.Overrides;
import mimir.spi.config.ConfigValues;
import mimir.spi.http.HttpRoutes;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.limits.Limits;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;

/**
 * {@link CoreServices} for component tests: the test's config values, a simple meter registry,
 * {@link TestingHttpRoutes}, gRPC services collected in a list, the object store the test gives (one
 * for every scope), {@link TestingOverrides}, a {@link TestingClock} and {@link TestingLocalInstances}.
 */
public final class TestingCoreServices implements CoreServices {
    private final ConfigValues config;
    private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
    private final TestingHttpRoutes httpRoutes = new TestingHttpRoutes();
    private final List<Object> grpcServices = new ArrayList<>();
    private final ObjectStore objectStore;
    private final TestingOverrides overrides;
    private final TestingClock clock;
    private final TestingLocalInstances localInstances;
    private KvStores kvStores = new KvStores() {
        @Override
        public <T> KvClient<T> open(KvScope scope, KvCodec<T> codec) {
            throw new IllegalStateException("this test gave no KV store (TestingCoreServices.withKvStores)");
        }
    };

    /**
     * @param objectStore the store every scope opens (not closed by the component's close of it; may be
     *                    null if the component opens none)
     * @param modules     what {@link LocalInstances#modules()} reports
     */
    public TestingCoreServices(ConfigValues config, ObjectStore objectStore, Limits defaults, Instant now, Set<String> modules) {
        this.config = requireNonNull(config, "config is null");
        this.objectStore = objectStore;
        this.overrides = new TestingOverrides(defaults);
        this.clock = new TestingClock(now);
        this.localInstances = new TestingLocalInstances(modules);
    }

    @Override
    public ConfigValues config() {
        return config;
    }

    @Override
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public SimpleMeterRegistry simpleMeterRegistry() {
        return meterRegistry;
    }

    @Override
    public HttpRoutes httpRoutes() {
        return httpRoutes;
    }

    public TestingHttpRoutes routes() {
        return httpRoutes;
    }

    /** Sets the KV stores components open (e.g. one in-memory store for every scope). */
    public TestingCoreServices withKvStores(KvStores stores) {
        this.kvStores = requireNonNull(stores, "stores is null");
        return this;
    }

    @Override
    public KvStores kvStores() {
        return kvStores;
    }

    @Override
    public GrpcServices grpcServices() {
        return grpcServices::add;
    }

    public List<Object> registeredGrpcServices() {
        return List.copyOf(grpcServices);
    }

    @Override
    public ObjectStores objectStores() {
        return (StorageScope scope, String component) -> {
            if (objectStore == null) {
                throw new IOException("no object store in this test");
            }
            return new UnclosableObjectStore(objectStore);
        };
    }

    @Override
    public Overrides overrides() {
        return overrides;
    }

    public TestingOverrides testingOverrides() {
        return overrides;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    public TestingClock testingClock() {
        return clock;
    }

    @Override
    public LocalInstances localInstances() {
        return localInstances;
    }

    public TestingLocalInstances testingLocalInstances() {
        return localInstances;
    }
}
