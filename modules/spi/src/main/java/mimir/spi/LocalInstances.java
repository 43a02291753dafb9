package mimir.spi;

import java.util.Optional;
import java.util.Set;

/**
 * What the components of one process offer each other in-process. A component registers the
 * implementation of a client module's interface (the ingester registers its
 * {@code mimir.ingester.client.IngesterClient}), and a peer in the same process finds it there and
 * calls it directly: no serialization and no copy. A peer that runs in another process is reached
 * through the client module's network implementation instead.
 *
 * <p>Registration happens in {@link ComponentProvider#create}; because modules that do not depend on
 * each other are created in no particular order, look instances up in {@code Service.start} or later,
 * when every module of the process has been created.
 */
public interface LocalInstances {
    /**
     * Registers the process's instance of {@code type}.
     *
     * @throws IllegalStateException if an instance of {@code type} is already registered
     */
    <T> void register(Class<T> type, T instance);

    /** The instance of {@code type} registered by a component of this process, if any. */
    <T> Optional<T> find(Class<T> type);

    /**
     * The Mimir modules this process runs (the resolved {@code -target} with every dependency), so a
     * component can tell which of its peers are in-process, e.g. the querier leaves the Prometheus API
     * to the query-frontend when both run here.
     */
    Set<String> modules();
}
