package mimir.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import org.junit.jupiter.api.Test;

class TestConfigRegistryImpl {
    @Test
    void keepsRegistrationOrder() {
        TestingSettings settings = new TestingSettings();
        ConfigRegistryImpl registry = settings.registry();
        assertThat(registry.settings()).startsWith(settings.target, settings.httpListenPort, settings.logLevel);
        assertThat(registry.isRegistered(settings.target)).isTrue();
        assertThat(registry.isRegistered(Setting.basic("target", "target", ValueTypes.STRING, "", "another"))).isFalse();
    }

    @Test
    void rejectsDuplicateFlagsAndYamlPaths() {
        ConfigRegistryImpl registry = new TestingSettings().registry();
        assertThatThrownBy(() -> registry.register(Setting.basic("server.http-listen-port", "server.port", ValueTypes.INT, 1, "x")))
                .hasMessageContaining("-server.http-listen-port");
        assertThatThrownBy(() -> registry.register(Setting.basic("server.port", "server.http_listen_port", ValueTypes.INT, 1, "x")))
                .hasMessageContaining("server.http_listen_port");
        assertThatThrownBy(() -> registry.register(Setting.basic("server.all", "server", ValueTypes.STRING, "", "x")))
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> registry.register(Setting.basic("server.sub", "server.http_listen_port.sub", ValueTypes.STRING, "", "x")))
                .hasMessageContaining("below");
        // The rejected settings left nothing behind.
        assertThat(registry.settings()).hasSize(8);
    }

    @Test
    void commonSettingsAreFlagOnly() {
        ConfigRegistryImpl registry = new ConfigRegistryImpl();
        ConfigLoader.registerCommon(registry);
        assertThat(registry.settings()).containsExactly(ConfigLoader.CONFIG_FILE, ConfigLoader.CONFIG_EXPAND_ENV);
        assertThat(ConfigLoader.CONFIG_FILE.hasYaml()).isFalse();
        assertThat(ConfigLoader.CONFIG_EXPAND_ENV.implicitValue()).isEqualTo("true");
    }
}
