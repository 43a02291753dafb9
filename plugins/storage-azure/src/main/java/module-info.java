/**
 * The Azure Blob Storage object store backend ({@code -<scope>.backend=azure} for every storage scope),
 * on azure-storage-blob with its Netty HTTP client. Loaded from {@code plugins/azure/} into its own
 * module layer.
 */
module mimir.storage.azure {
    requires mimir.spi;
    requires com.azure.core;
    requires com.azure.storage.blob;
    requires com.azure.storage.common;
    requires com.azure.http.netty;
    requires io.netty.handler;
    requires reactor.netty.core;
    requires reactor.netty.http;

    provides mimir.spi.objstore.ObjectStoreProvider with mimir.storage.azure.AzureObjectStoreProvider;
}
