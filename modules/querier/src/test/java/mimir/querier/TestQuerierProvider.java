package mimir.querier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.Test;

class TestQuerierProvider {
    private static List<Setting<?>> registered() {
        List<Setting<?>> settings = new ArrayList<>();
        new QueryableProvider().registerConfig(new ConfigRegistry() {
            @Override
            public <T> Setting<T> register(Setting<T> setting) {
                settings.add(setting);
                return setting;
            }
        });
        return settings;
    }

    @Test
    void registersMimirsFlagsWithTheirDefaults() {
        List<Setting<?>> settings = registered();
        assertThat(settings).extracting(Setting::flag).containsExactly("querier.max-concurrent", "querier.timeout", "querier.max-samples",
                "querier.lookback-delta", "querier.default-evaluation-interval", "querier.id", "tenant-federation.max-tenants", "querier.query-store-after",
                "querier.scheduler-address", "querier.frontend-client.grpc-max-recv-msg-size",
                "blocks-storage.bucket-store.sync-interval", "blocks-storage.bucket-store.ignore-blocks-within",
                "blocks-storage.bucket-store.ignore-deletion-marks-delay", "blocks-storage.bucket-store.bucket-index.max-stale-period",
                "ingester.client.grpc-max-recv-msg-size", "ingester.client.grpc-max-send-msg-size",
                // The store-gateway ring, which the querier reads to find the store-gateways.
                "store-gateway.sharding-ring.replication-factor", "store-gateway.sharding-ring.num-tokens", "store-gateway.sharding-ring.heartbeat-period",
                "store-gateway.sharding-ring.heartbeat-timeout", "store-gateway.sharding-ring.zone-awareness-enabled",
                "store-gateway.sharding-ring.instance-id", "store-gateway.sharding-ring.instance-addr", "store-gateway.sharding-ring.instance-port",
                "store-gateway.sharding-ring.instance-availability-zone", "store-gateway.sharding-ring.instance-interface-names",
                "store-gateway.sharding-ring.unregister-on-shutdown", "store-gateway.sharding-ring.auto-forget-unhealthy-periods",
                // How querier workers find the query-schedulers (ring mode).
                "query-scheduler.service-discovery-mode", "query-scheduler.ring.heartbeat-period", "query-scheduler.ring.heartbeat-timeout",
                "query-scheduler.ring.zone-awareness-enabled", "query-scheduler.ring.instance-id", "query-scheduler.ring.instance-addr",
                "query-scheduler.ring.instance-port", "query-scheduler.ring.instance-availability-zone", "query-scheduler.ring.instance-interface-names",
                "query-scheduler.ring.unregister-on-shutdown", "query-scheduler.ring.auto-forget-unhealthy-periods");
        List<Setting<?>> all = new ArrayList<>(settings);
        all.add(SharedSettings.PROMETHEUS_HTTP_PREFIX);
        all.add(SharedSettings.TENANT_FEDERATION_ENABLED);
        TestingConfigValues values = TestingConfigValues.defaults(all);
        assertThat(QuerierConfig.from(values)).isEqualTo(QuerierConfig.defaults());
        assertThat(QuerierConfig.from(values).engineOptions().lookbackDelta()).isEqualTo(Duration.ofMinutes(5));
        assertThat(QuerierConfig.from(values).engineOptions().defaultSubqueryStep()).isEqualTo(Duration.ofMinutes(1));
        assertThat(QuerierConfig.from(values.with(QuerierConfig.MAX_CONCURRENT, 2)).maxConcurrent()).isEqualTo(4);
        QuerierConfig custom = QuerierConfig.from(values.with(SharedSettings.PROMETHEUS_HTTP_PREFIX, "/api/prom")
                .with(SharedSettings.TENANT_FEDERATION_ENABLED, true));
        assertThat(custom.prometheusPrefix()).isEqualTo("/api/prom");
        assertThat(custom.federationEnabled()).isTrue();
        QuerierConfig remote = QuerierConfig.from(values.with(QuerierConfig.SCHEDULER_ADDRESS, " scheduler:9095 ")
                .with(QuerierConfig.SCHEDULER_MAX_RECV_MSG_SIZE, 4096));
        assertThat(remote.schedulerAddress()).isEqualTo("scheduler:9095");
        assertThat(remote.schedulerMaxRecvMsgSize()).isEqualTo(4096);
        assertThat(QuerierConfig.defaults().schedulerMaxRecvMsgSize()).isEqualTo(100 << 20);
    }

    @Test
    void createsOneQuerierServiceServingUnderTheConfiguredPrefix() throws Exception {
        List<Setting<?>> all = new ArrayList<>(registered());
        all.add(SharedSettings.PROMETHEUS_HTTP_PREFIX);
        all.add(SharedSettings.TENANT_FEDERATION_ENABLED);
        all.add(SharedSettings.GRPC_LISTEN_PORT);
        TestingConfigValues values = TestingConfigValues.defaults(all).with(SharedSettings.PROMETHEUS_HTTP_PREFIX, "/api/prom");
        TestingCoreServices core = new TestingCoreServices(values, new mimir.testing.MemoryObjectStore(), Limits.defaults(), Instant.EPOCH, Set.of("querier"));
        QueryableProvider queryable = new QueryableProvider();
        List<Service> services = new ArrayList<>(queryable.create(core, values));
        assertThat(queryable.dependencies()).containsExactly("api", "ingester-ring", "overrides", "runtime-config", "memberlist-kv", "vault");
        assertThat(queryable.storageScopes()).containsExactly(mimir.spi.objstore.StorageScope.BLOCKS);
        assertThat(queryable.userVisible()).isFalse();
        // The queryable alone serves no endpoint (a ruler reads through it).
        assertThat(core.routes().has("/api/prom/api/v1/query")).isFalse();
        QuerierProvider provider = new QuerierProvider();
        services.addAll(provider.create(core, values));
        assertThat(provider.dependencies()).containsExactly("queryable", "api");
        assertThat(services).extracting(Service::name).containsExactly("queryable-ingester-clients", "querier");
        assertThat(core.routes().has("/api/prom/api/v1/query")).isTrue();
        assertThat(core.routes().has("/api/prom/api/v1/read")).isTrue();
        assertThat(core.routes().has("/api/prom/api/v1/cardinality/label_names")).isTrue();
        assertThat(core.routes().has("/api/prom/api/v1/label/*")).isTrue();
        assertThat(core.routes().has("/prometheus/api/v1/query")).isFalse();
    }
}
