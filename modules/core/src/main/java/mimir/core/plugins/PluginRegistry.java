package mimir.core.plugins;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.kv.KvStoreProvider;
import mimir.spi.objstore.ObjectStoreProvider;

/**
 * Every provider found at start, with where it came from, and what happened to each plugin folder.
 *
 * @param pluginDir the plugin directory that was scanned
 * @param providers the providers, boot layer first, then plugin folders in name order
 * @param plugins   one entry per plugin folder
 */
public record PluginRegistry(Path pluginDir, List<ProviderInfo> providers, List<PluginStatus> plugins) {
    public PluginRegistry {
        requireNonNull(pluginDir, "pluginDir is null");
        providers = List.copyOf(providers);
        plugins = List.copyOf(plugins);
    }

    /** The component providers. */
    public List<ProviderInfo> components() {
        return providers.stream().filter(p -> p.provider() instanceof ComponentProvider).toList();
    }

    /** The KV store backends. */
    public List<ProviderInfo> kvStores() {
        return providers.stream().filter(p -> p.provider() instanceof KvStoreProvider).toList();
    }

    /** The storage backends. */
    public List<ProviderInfo> objectStores() {
        return providers.stream().filter(p -> p.provider() instanceof ObjectStoreProvider).toList();
    }
}
