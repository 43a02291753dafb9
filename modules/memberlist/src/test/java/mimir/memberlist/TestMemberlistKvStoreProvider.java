package mimir.memberlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

import mimir.spi.config.Category;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.kv.KvScope;
import mimir.spi.kv.KvStoreProvider;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.TestingConfigValues;

/** The provider as the launcher sees it: its name, its settings with Mimir's names, and their checks. */
class TestMemberlistKvStoreProvider {
    private final MemberlistKvStoreProvider provider = new MemberlistKvStoreProvider();

    @Test
    void nameSelectsTheBackend() {
        assertThat(provider.name()).isEqualTo("memberlist");
        assertThat(provider.settings(KvScope.INGESTER_RING)).isEmpty();
    }

    @Test
    void settingsUseMimirsFlagsYamlKeysAndDefaults() {
        assertThat(provider.settings()).extracting(Setting::flag).contains("memberlist.bind-addr", "memberlist.bind-port", "memberlist.join",
                "memberlist.nodename", "memberlist.advertise-addr", "memberlist.advertise-port", "memberlist.gossip-interval",
                "memberlist.gossip-nodes", "memberlist.pullpush-interval", "memberlist.abort-if-join-fails", "memberlist.left-ingesters-timeout",
                "memberlist.packet-dial-timeout", "memberlist.stream-timeout");
        assertThat(provider.settings()).allSatisfy(setting -> {
            assertThat(setting.flag()).startsWith("memberlist.");
            assertThat(setting.yamlPath()).startsWith("memberlist.").doesNotContain("-");
        });
        assertThat(MemberlistConfig.JOIN.yamlPath()).isEqualTo("memberlist.join_members");
        assertThat(MemberlistConfig.JOIN.type()).isSameAs(ValueTypes.STRING_LIST);
        assertThat(MemberlistConfig.JOIN.category()).isEqualTo(Category.BASIC);
        assertThat(MemberlistConfig.ABORT_IF_JOIN_FAILS.yamlPath()).isEqualTo("memberlist.abort_if_cluster_join_fails");
        assertThat(MemberlistConfig.ABORT_IF_JOIN_FAILS.defaultValue()).isFalse();
        assertThat(MemberlistConfig.PUSH_PULL_INTERVAL.yamlPath()).isEqualTo("memberlist.pull_push_interval");
        assertThat(MemberlistConfig.BIND_PORT.yamlPath()).isEqualTo("memberlist.bind_port");
        assertThat(MemberlistConfig.BIND_PORT.defaultValue()).isEqualTo(7946);
        assertThat(MemberlistConfig.GOSSIP_INTERVAL.defaultValue()).isEqualTo(Duration.ofMillis(200));
        assertThat(MemberlistConfig.GOSSIP_NODES.defaultValue()).isEqualTo(3);
        assertThat(MemberlistConfig.PUSH_PULL_INTERVAL.defaultValue()).isEqualTo(Duration.ofSeconds(30));
        assertThat(MemberlistConfig.STREAM_TIMEOUT.defaultValue()).isEqualTo(Duration.ofSeconds(2));
        assertThat(MemberlistConfig.LEFT_INGESTERS_TIMEOUT.defaultValue()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void defaultsGiveATenSecondDeadTimeout() {
        MemberlistConfig config = MemberlistConfig.from(TestingConfigValues.defaults(MemberlistConfig.SETTINGS));

        assertThat(config.deadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.bindAddresses()).isEmpty();
        assertThat(config.joinMembers()).isEmpty();
    }

    @Test
    void invalidValuesAreRejectedNamingTheFlag() {
        TestingConfigValues defaults = TestingConfigValues.defaults(MemberlistConfig.SETTINGS);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(KvScope.INGESTER_RING, Counters.CODEC, defaults.with(MemberlistConfig.GOSSIP_NODES, 0),
                        new SimpleMeterRegistry()))
                .withMessage("-memberlist.gossip-nodes must be at least 1, got 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MemberlistConfig.from(defaults.with(MemberlistConfig.BIND_PORT, 70_000)))
                .withMessage("-memberlist.bind-port must be a port number between 0 and 65535, got 70000");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MemberlistConfig.from(defaults.with(MemberlistConfig.GOSSIP_INTERVAL, Duration.ZERO)))
                .withMessage("-memberlist.gossip-interval must be positive, got 0s");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MemberlistConfig.from(defaults.with(MemberlistConfig.JOIN, List.of("dnssrv+_memberlist._tcp.mimir"))))
                .withMessageStartingWith("-memberlist.join: invalid member \"dnssrv+_memberlist._tcp.mimir\": DNS SRV discovery is not supported");
        assertThat(provider.node()).isNull();
    }

    @Test
    void nodeNameGetsARandomSuffixUnlessDisabled() {
        TestingConfigValues named = TestingConfigValues.defaults(MemberlistConfig.SETTINGS).with(MemberlistConfig.NODE_NAME, "ingester-1");

        assertThat(MemberlistIdentity.nodeName(MemberlistConfig.from(named))).matches("ingester-1-[0-9a-f]{8}");
        assertThat(MemberlistIdentity.nodeName(MemberlistConfig.from(named.with(MemberlistConfig.RANDOMIZE_NODE_NAME, false)))).isEqualTo("ingester-1");
    }

    @Test
    void joinMembersAreParsedWithTheBindPortAsDefault() {
        assertThat(MemberlistJoinAddress.parse("mimir-1:8000", 7946)).isEqualTo(new MemberlistJoinAddress("mimir-1", 8000, false));
        assertThat(MemberlistJoinAddress.parse("mimir-1", 7946)).isEqualTo(new MemberlistJoinAddress("mimir-1", 7946, false));
        assertThat(MemberlistJoinAddress.parse("[::1]:9000", 7946)).isEqualTo(new MemberlistJoinAddress("::1", 9000, false));
        assertThat(MemberlistJoinAddress.parse("dns+gossip-ring.mimir.svc:7946", 1)).isEqualTo(new MemberlistJoinAddress("gossip-ring.mimir.svc", 7946, true));
        assertThatIllegalArgumentException().isThrownBy(() -> MemberlistJoinAddress.parse("host:http", 7946)).withMessageContaining("invalid port");
        assertThatIllegalArgumentException().isThrownBy(() -> MemberlistJoinAddress.parse("::1", 7946)).withMessageContaining("brackets");
    }

    @Test
    void serviceLoaderFindsTheProviderThroughTheModuleDescriptor() {
        Module module = MemberlistKvStoreProvider.class.getModule();
        // Only meaningful when the tests run inside the named module, as Surefire runs them.
        assertThat(module.getName()).isEqualTo("mimir.memberlist");
        assertThat(module.getDescriptor().exports()).isEmpty();
        module.addUses(KvStoreProvider.class);

        List<KvStoreProvider> found = ServiceLoader.load(KvStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.name().equals("memberlist"))
                .toList();

        assertThat(found).singleElement().isInstanceOf(MemberlistKvStoreProvider.class);
    }
}
