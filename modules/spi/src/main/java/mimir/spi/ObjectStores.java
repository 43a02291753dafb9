package mimir.spi;

import java.io.IOException;

import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;

/** Opens the object store configured for a storage scope ({@code -blocks-storage.backend}, ...). */
public interface ObjectStores {
    /**
     * Opens the store of a scope with the backend its {@code backend} setting names, applying
     * {@code common.storage} values for settings the scope leaves unset. The caller closes it.
     *
     * @throws IllegalArgumentException if the backend is not installed in this image (the message says
     *                                  where plugins go and which backends are installed) or its
     *                                  configuration is invalid
     * @throws IOException if the store cannot be reached
     */
    default ObjectStore open(StorageScope scope) throws IOException {
        return open(scope, scope.flagPrefix());
    }

    /**
     * Like {@link #open(StorageScope)}, for a component: the store's operations are counted in
     * {@code thanos_objstore_bucket_operations_total} and its siblings with labels
     * {@code component} and {@code bucket} set to {@code component} (e.g. {@code compactor}), as in Mimir.
     */
    ObjectStore open(StorageScope scope, String component) throws IOException;
}
