package mimir.spi;

import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/**
 * A Mimir module implemented outside {@code mimir.core}: a component such as {@code overrides-exporter}
 * or {@code ingester}, or an internal module such as {@code ingester-ring}. Found with
 * {@link java.util.ServiceLoader}; a module is runnable in an image exactly when its provider is there.
 *
 * <p>Lifecycle: every installed provider's {@link #registerConfig} is called before flags and YAML are
 * read. If the module is part of the resolved target, {@link #create} is called after the modules it
 * depends on were created, and the services it returns are started after theirs.
 */
public interface ComponentProvider {
    /** The Mimir module name, e.g. {@code overrides-exporter}. */
    String name();

    /** Names of the modules that must be created and started first, as in Mimir's dependency table. */
    List<String> dependencies();

    /** True if the module can be named in {@code -target} and is listed by {@code -modules}. */
    default boolean userVisible() {
        return true;
    }

    /**
     * The storage scopes whose object store the module opens. The launcher refuses to start a target
     * whose configured backend for one of these scopes is not installed, and says so.
     */
    default List<StorageScope> storageScopes() {
        return List.of();
    }

    /** Registers every setting the module reads. */
    void registerConfig(ConfigRegistry registry);

    /**
     * Builds the module (typically its Dagger component, with {@code core} as a component dependency)
     * and returns its services, possibly none. HTTP routes and gRPC services are registered here.
     */
    List<Service> create(CoreServices core, ConfigValues config) throws Exception;
}
