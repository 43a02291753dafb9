package mimir.core.modules;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.core.plugins.ProviderInfo;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/**
 * One module this process can run: one of the core's internal modules or one found through a
 * {@link mimir.spi.ComponentProvider}.
 *
 * @param name          Mimir's module name
 * @param dependencies  modules created and started before this one
 * @param userVisible   whether it may be named in {@code -target}
 * @param origin        the provider and JPMS module behind it
 * @param storageScopes storage scopes whose backend must be installed
 * @param note          a remark for diagnostics, e.g. why the module has no service; empty if none
 * @param factory       creates the module's services
 */
public record ModuleDefinition(
        String name,
        List<String> dependencies,
        boolean userVisible,
        ProviderInfo origin,
        List<StorageScope> storageScopes,
        String note,
        Factory factory) {

    public ModuleDefinition {
        requireNonNull(name, "name is null");
        dependencies = List.copyOf(dependencies);
        requireNonNull(origin, "origin is null");
        storageScopes = List.copyOf(storageScopes);
        requireNonNull(note, "note is null");
        requireNonNull(factory, "factory is null");
    }

    /** Creates a module's services. */
    @FunctionalInterface
    public interface Factory {
        List<Service> create() throws Exception;
    }
}
