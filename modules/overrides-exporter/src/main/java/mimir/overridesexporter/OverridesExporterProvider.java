package mimir.overridesexporter;

import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/** The {@code overrides-exporter} module, as Mimir defines it: depends on overrides, memberlist-kv and vault. */
public final class OverridesExporterProvider implements ComponentProvider {
    @Override
    public String name() {
        return "overrides-exporter";
    }

    @Override
    public List<String> dependencies() {
        return List.of("overrides", "memberlist-kv", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        OverridesExporterConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        OverridesExporterGraph graph = DaggerOverridesExporterGraph.factory().create(core, OverridesExporterConfig.from(config));
        return List.of(graph.exporter());
    }
}
