package mimir.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

import mimir.spi.config.Category;
import mimir.spi.config.Setting;
import mimir.spi.kv.KvScope;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingServers;

/** Mimir's etcd settings per scope, and configurations that cannot work, refused with the flag named. */
class TestEtcdConfig {
    private final EtcdKvStoreProvider provider = new EtcdKvStoreProvider();

    @Test
    void everyScopeHasMimirsFlagsYamlKeysAndDefaults() {
        List<Setting<?>> settings = provider.settings(KvScope.STORE_GATEWAY_RING);
        assertThat(settings).extracting(Setting::flag).containsExactly("store-gateway.sharding-ring.etcd.endpoints",
                "store-gateway.sharding-ring.etcd.dial-timeout", "store-gateway.sharding-ring.etcd.max-retries",
                "store-gateway.sharding-ring.etcd.tls-enabled", "store-gateway.sharding-ring.etcd.tls-cert-path",
                "store-gateway.sharding-ring.etcd.tls-key-path", "store-gateway.sharding-ring.etcd.tls-ca-path",
                "store-gateway.sharding-ring.etcd.tls-server-name", "store-gateway.sharding-ring.etcd.tls-insecure-skip-verify",
                "store-gateway.sharding-ring.etcd.tls-cipher-suites", "store-gateway.sharding-ring.etcd.tls-min-version",
                "store-gateway.sharding-ring.etcd.username", "store-gateway.sharding-ring.etcd.password");
        assertThat(settings).extracting(Setting::yamlPath).containsExactly("store_gateway.sharding_ring.kvstore.etcd.endpoints",
                "store_gateway.sharding_ring.kvstore.etcd.dial_timeout", "store_gateway.sharding_ring.kvstore.etcd.max_retries",
                "store_gateway.sharding_ring.kvstore.etcd.tls_enabled", "store_gateway.sharding_ring.kvstore.etcd.tls_cert_path",
                "store_gateway.sharding_ring.kvstore.etcd.tls_key_path", "store_gateway.sharding_ring.kvstore.etcd.tls_ca_path",
                "store_gateway.sharding_ring.kvstore.etcd.tls_server_name", "store_gateway.sharding_ring.kvstore.etcd.tls_insecure_skip_verify",
                "store_gateway.sharding_ring.kvstore.etcd.tls_cipher_suites", "store_gateway.sharding_ring.kvstore.etcd.tls_min_version",
                "store_gateway.sharding_ring.kvstore.etcd.username", "store_gateway.sharding_ring.kvstore.etcd.password");
        assertThat(settings.stream().map(s -> (Object) s.defaultValue()).toList()).containsExactly(List.of(), Duration.ofSeconds(10), 10, false, "", "", "", "",
                false, "", "", "", "");
        assertThat(settings.getFirst().category()).isEqualTo(Category.BASIC);
        assertThat(provider.settings(KvScope.STORE_GATEWAY_RING)).as("the same objects every time").isEqualTo(settings);
        assertThat(provider.settings(KvScope.HA_TRACKER).getFirst().flag()).isEqualTo("distributor.ha-tracker.etcd.endpoints");
    }

    @Test
    void endpointsAreHostPortOrUrls() {
        assertThat(EtcdEndpoint.parse("127.0.0.1:2379")).isEqualTo(new EtcdEndpoint("127.0.0.1", 2379, false));
        assertThat(EtcdEndpoint.parse(" http://etcd-0.etcd:12379/ ")).isEqualTo(new EtcdEndpoint("etcd-0.etcd", 12379, false));
        assertThat(EtcdEndpoint.parse("https://etcd")).isEqualTo(new EtcdEndpoint("etcd", 2379, true));
        assertThat(EtcdEndpoint.parse("[::1]:2379").authority()).isEqualTo("[::1]:2379");
        assertThatThrownBy(() -> EtcdEndpoint.parse("::1:2379")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> EtcdEndpoint.parse("unix:///run/etcd.sock")).hasMessageContaining("scheme");
    }

    @Test
    void noEndpointsIsAnErrorNamingTheFlag() {
        assertThatThrownBy(() -> open(TestingConfigValues.defaults(provider.settings(TestingEtcd.SCOPE))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-ingester.ring.etcd.endpoints is empty: -ingester.ring.store=etcd needs the etcd endpoints to connect to,"
                        + " e.g. -ingester.ring.etcd.endpoints=127.0.0.1:2379");
    }

    @Test
    void aMalformedEndpointIsAnErrorNamingTheFlag() {
        assertThatThrownBy(() -> open(TestingEtcd.config(provider, "127.0.0.1:2379,etcd-1:http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-ingester.ring.etcd.endpoints: endpoint \"etcd-1:http\" has an invalid port \"http\"");
        assertThatThrownBy(() -> open(TestingEtcd.config(provider, "https://etcd:2379")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is https:// but -ingester.ring.etcd.tls-enabled is false");
    }

    @Test
    void invalidNumbersAndHalfConfiguredTlsAreErrorsNamingTheFlag() {
        TestingConfigValues base = TestingEtcd.config(provider, "127.0.0.1:2379");
        assertThatThrownBy(() -> open(base.withFlag("ingester.ring.etcd.max-retries", "0")))
                .hasMessage("-ingester.ring.etcd.max-retries=0 must be at least 1 (one attempt)");
        assertThatThrownBy(() -> open(base.withFlag("ingester.ring.etcd.dial-timeout", "0s")))
                .hasMessageStartingWith("-ingester.ring.etcd.dial-timeout=0");
        assertThatThrownBy(() -> open(base.withFlag("ingester.ring.etcd.tls-cert-path", "/tmp/cert.pem")))
                .hasMessage("-ingester.ring.etcd.tls-cert-path and -ingester.ring.etcd.tls-key-path must be set together");
        assertThatThrownBy(() -> open(base.withFlag("ingester.ring.etcd.tls-min-version", "TLS1.2")))
                .hasMessageContaining("-ingester.ring.etcd.tls-min-version=TLS1.2 is not one of VersionTLS10");
        assertThatThrownBy(() -> open(base.withFlag("ingester.ring.etcd.password", "secret")))
                .hasMessage("-ingester.ring.etcd.password is set but -ingester.ring.etcd.username is empty");
    }

    @Test
    void anEndpointNobodyListensOnFailsOpenWithinTheDialTimeoutNamingTheFlags() throws Exception {
        String endpoint = "127.0.0.1:" + TestingServers.freePort();
        Instant start = Instant.now();
        assertThatThrownBy(() -> open(TestingEtcd.config(provider, endpoint).withFlag("ingester.ring.etcd.dial-timeout", "1s")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot reach etcd at -ingester.ring.etcd.endpoints=" + endpoint
                        + " within -ingester.ring.etcd.dial-timeout=1s: DEADLINE_EXCEEDED");
        assertThat(Duration.between(start, Instant.now())).as("bounded by the dial timeout, not gRPC's backoff").isLessThan(Duration.ofSeconds(10));
    }

    private void open(TestingConfigValues values) throws IOException {
        provider.open(TestingEtcd.SCOPE, Counters.CODEC, values, new SimpleMeterRegistry()).close();
    }
}
