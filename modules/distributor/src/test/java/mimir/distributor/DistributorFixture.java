package mimir.distributor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mimir.ingester.client.IngesterClient;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;
import mimir.ring.IngesterRing;
import mimir.ring.SingleInstanceRing;
import mimir.ring.kv.InMemoryKv;
import mimir.snappy.Snappy;
import mimir.spi.KvStores;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.http.HttpResponse;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;

/** A distributor built through its provider on {@link TestingCoreServices}, with a {@link TestingIngester}. */
final class DistributorFixture {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final String TENANT = "tenant-1";

    final TestingIngester ingester = new TestingIngester();
    final TestingCoreServices core;
    final Distributor distributor;
    final List<Service> services;

    DistributorFixture(Map<Setting<?>, Object> settings, Map<String, ?> tenantLimits) throws Exception {
        this(settings, tenantLimits, true);
    }

    @SuppressWarnings("unchecked")
    DistributorFixture(Map<Setting<?>, Object> settings, Map<String, ?> tenantLimits, boolean withIngester) throws Exception {
        List<Setting<?>> registered = new ArrayList<>();
        DistributorServiceProvider provider = new DistributorServiceProvider();
        provider.registerConfig(new ConfigRegistry() {
            @Override
            public <T> Setting<T> register(Setting<T> setting) {
                registered.add(setting);
                return setting;
            }
        });
        registered.add(SharedSettings.GRPC_LISTEN_PORT);
        TestingConfigValues config = TestingConfigValues.defaults(registered);
        for (Map.Entry<Setting<?>, Object> entry : settings.entrySet()) {
            config = config.with((Setting<Object>) entry.getKey(), entry.getValue());
        }
        core = new TestingCoreServices(config, null, Limits.defaults(), NOW, Set.of("distributor", "ingester"));
        InMemoryKv kv = new InMemoryKv();
        core.withKvStores(new KvStores() {
            @Override
            public <T> KvClient<T> open(KvScope scope, KvCodec<T> codec) {
                return kv.client(codec);
            }
        });
        core.testingOverrides().set(Map.of(TENANT, Limits.defaults().withOverrides(tenantLimits)));
        if (withIngester) {
            core.testingLocalInstances().register(IngesterClient.class, ingester);
            core.testingLocalInstances().register(IngesterRing.class, SingleInstanceRing.of("local", core.clock()));
        }
        List<Service> created = new ArrayList<>(provider.create(core, config));
        // The distributor ring's client (which these tests leave unstarted: the rate limits are not shared) and the distributor.
        assertThat(created).hasSize(2);
        distributor = (Distributor) created.getLast();
        // The component's endpoints and its ring lifecycler (left unstarted too).
        created.addAll(new DistributorProvider().create(core, config));
        services = List.copyOf(created);
    }

    DistributorFixture start() throws Exception {
        distributor.start(cause -> {
            throw new AssertionError(cause);
        });
        return this;
    }

    HttpResponse push(byte[] body, String... headers) {
        return core.routes().post(DistributorHttpApi.PUSH_PATH, TENANT, body, headers);
    }

    HttpResponse push(WriteRequest request) {
        return push(snappy(request.toByteArray()), "Content-Encoding", "snappy", "Content-Type", "application/x-protobuf");
    }

    double counter(String name, String... tags) {
        Counter counter = core.simpleMeterRegistry().find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    static byte[] snappy(byte[] raw) {
        byte[] out = new byte[Snappy.maxCompressedLength(raw.length)];
        int length = Snappy.compress(raw, 0, raw.length, out, 0, Snappy.newTable());
        return java.util.Arrays.copyOf(out, length);
    }

    static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    /** A series of alternating label names and values with one sample at {@code timestamp}. */
    static TimeSeries series(long timestamp, String... labels) {
        TimeSeries.Builder series = TimeSeries.newBuilder();
        for (int i = 0; i < labels.length; i += 2) {
            series.addLabels(label(labels[i], labels[i + 1]));
        }
        return series.addSamples(Sample.newBuilder().setTimestamp(timestamp).setValue(1)).build();
    }

    static TimeSeries series(String... labels) {
        return series(NOW.toEpochMilli(), labels);
    }
}
