/**
 * The filesystem object store backend ({@code -blocks-storage.backend=filesystem} and the same for
 * {@code ruler-storage}, {@code alertmanager-storage} and {@code common.storage}): every object is a
 * file below a local directory, named by its key. Meant for single-process deployments, development
 * and tests, as in Mimir; writes are atomic and durable, but nothing is replicated.
 */
module mimir.storage.filesystem {
    requires mimir.spi;

    provides mimir.spi.objstore.ObjectStoreProvider with mimir.storage.filesystem.FilesystemObjectStoreProvider;
}
