package mimir.storage.azure;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.rest.PagedResponse;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectKeys;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreHttp;
import mimir.storage.azure.AzureObjectStoreProvider.AzureConfig;
import reactor.netty.resources.ConnectionProvider;

/**
 * An {@link ObjectStore} on one Azure Blob Storage container.
 *
 * <p>Uploads go through the SDK's buffered block upload: objects up to one block are one Put Blob,
 * larger ones are staged as blocks of {@value #BLOCK_SIZE} bytes ({@value #CONCURRENCY} in flight) and
 * committed with one Put Block List, so memory stays bounded and a failed upload commits nothing.
 * Downloads read {@value #READ_CHUNK} bytes at a time. Transient errors are retried with exponential
 * backoff up to {@code -<scope>.azure.max-retries} times.
 */
public final class AzureObjectStore implements ObjectStore {
    static final int BLOCK_SIZE = 4 * 1024 * 1024;
    static final int CONCURRENCY = 2;
    static final int READ_CHUNK = 2 * 1024 * 1024;

    private final BlobContainerClient container;
    private final ConnectionProvider pool;

    AzureObjectStore(BlobContainerClient container, ConnectionProvider pool) {
        this.container = requireNonNull(container, "container is null");
        this.pool = requireNonNull(pool, "pool is null");
    }

    static AzureObjectStore open(AzureConfig config) throws IOException {
        ConnectionProvider pool = pool(config.http());
        try {
            return open(config, pool);
        }
        catch (IOException | RuntimeException e) {
            pool.dispose();
            throw e;
        }
    }

    private static AzureObjectStore open(AzureConfig config, ConnectionProvider pool) throws IOException {
        BlobContainerClient container = containerClient(config, pool);
        boolean exists;
        try {
            exists = container.exists();
        }
        catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            if (status == 403 || status == 401) {
                throw new IllegalArgumentException(config.containerFlag() + "=" + config.container() + ": access denied (HTTP " + status
                        + "); check " + config.credentialFlag(), e);
            }
            throw new IOException(config.containerFlag() + "=" + config.container() + ": cannot check the container: " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            throw new IOException(config.containerFlag() + "=" + config.container() + ": cannot reach Azure Blob Storage at "
                    + container.getBlobContainerUrl() + ": " + e.getMessage(), e);
        }
        if (!exists) {
            throw new IllegalArgumentException(config.containerFlag() + "=" + config.container() + ": container does not exist at "
                    + container.getBlobContainerUrl());
        }
        return new AzureObjectStore(container, pool);
    }

    static BlobContainerClient containerClient(AzureConfig config, ConnectionProvider pool) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder()
                .httpClient(httpClient(config.http(), pool))
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, config.maxRetries() + 1, Duration.ofMinutes(2),
                        Duration.ofMillis(500), Duration.ofSeconds(30), null));
        if (!config.connectionString().isEmpty()) {
            builder.connectionString(config.connectionString());
        }
        else {
            builder.endpoint(config.endpoint()).credential(new StorageSharedKeyCredential(config.account(), config.key()));
        }
        return builder.buildClient().getBlobContainerClient(config.container());
    }

    /**
     * The SDK's Netty client with Mimir's http block: its own connection pool (size, idle time), response
     * timeout and, when TLS differs from the JVM's default or the handshake timeout from Netty's 10 s, its own
     * TLS context (trust, client certificate, server name as SNI and verified name, handshake timeout).
     */
    static HttpClient httpClient(ObjectStoreHttp.Options http, ConnectionProvider pool) {
        reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create(pool);
        if (http.tlsCustomized() || !http.tlsHandshakeTimeout().equals(Duration.ofSeconds(10))) {
            SslContext tls;
            try {
                tls = SslContextBuilder.forClient().trustManager(http.trustManager()).keyManager(keyManager(http)).build();
            }
            catch (SSLException e) {
                throw new IllegalArgumentException("cannot initialize TLS for Azure: " + e.getMessage(), e);
            }
            netty = netty.secure(spec -> {
                var ssl = spec.sslContext(tls).handshakeTimeout(http.tlsHandshakeTimeout());
                if (!http.tlsServerName().isEmpty()) {
                    ssl.serverNames(new SNIHostName(http.tlsServerName()));
                }
            });
        }
        return new NettyAsyncHttpClientBuilder(netty).responseTimeout(http.responseHeaderTimeout()).build();
    }

    /** The store's own connection pool: {@code max-connections-per-host} connections (0: no limit), idle up to {@code idle-conn-timeout}. */
    static ConnectionProvider pool(ObjectStoreHttp.Options http) {
        ConnectionProvider.Builder pool = ConnectionProvider.builder("mimir-azure")
                .maxConnections(http.maxConnectionsPerHost() == 0 ? Integer.MAX_VALUE : http.maxConnectionsPerHost())
                .pendingAcquireMaxCount(-1);
        if (!http.idleConnTimeout().isZero()) {
            pool.maxIdleTime(http.idleConnTimeout());
        }
        return pool.build();
    }

    private static X509KeyManager keyManager(ObjectStoreHttp.Options http) {
        KeyManager[] managers = http.keyManagers();
        return managers == null ? null : (X509KeyManager) managers[0];
    }

    @Override
    public String backend() {
        return "azure";
    }

    @Override
    public InputStream get(String key) throws IOException {
        ObjectKeys.validate(key);
        return openStream(key, null);
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        ObjectKeys.validate(key);
        ObjectKeys.checkRange(offset, length);
        long size = attributes(key).orElseThrow(() -> new NoSuchObjectException(key)).size();
        if (length == 0 || offset >= size) {
            return InputStream.nullInputStream();
        }
        long count = length == -1 ? size - offset : Math.min(length, size - offset);
        return openStream(key, new BlobRange(offset, count));
    }

    private InputStream openStream(String key, BlobRange range) throws IOException {
        try {
            BlobInputStreamOptions options = new BlobInputStreamOptions().setBlockSize(READ_CHUNK);
            if (range != null) {
                options.setRange(range);
            }
            InputStream input = container.getBlobClient(key).openInputStream(options);
            return new java.io.FilterInputStream(input) {
                @Override
                public int read() throws IOException {
                    try {
                        return super.read();
                    }
                    catch (RuntimeException e) {
                        throw new IOException("azure get " + key + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    }
                    catch (RuntimeException e) {
                        throw new IOException("azure get " + key + ": " + e.getMessage(), e);
                    }
                }
            };
        }
        catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new NoSuchObjectException(key);
            }
            throw failure("get", key, e);
        }
        catch (RuntimeException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        ObjectKeys.validate(key);
        requireNonNull(data, "data is null");
        BlobClient blob = container.getBlobClient(key);
        ParallelTransferOptions transfer = new ParallelTransferOptions()
                .setBlockSizeLong((long) BLOCK_SIZE)
                .setMaxSingleUploadSizeLong((long) BLOCK_SIZE)
                .setMaxConcurrency(CONCURRENCY);
        // The SDK closes the stream it uploads; the contract says put does not close its input.
        InputStream unclosable = new java.io.FilterInputStream(data) {
            @Override
            public void close() {}
        };
        try {
            blob.uploadWithResponse(new BlobParallelUploadOptions(unclosable).setParallelTransferOptions(transfer), null, null);
        }
        catch (UncheckedIOException e) {
            throw e.getCause();
        }
        catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null) {
                if (cause instanceof IOException io) {
                    throw new IOException("azure upload " + key + ": " + io.getMessage(), io);
                }
                cause = cause.getCause();
            }
            throw failure("upload", key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        ObjectKeys.validate(key);
        try {
            container.getBlobClient(key).deleteIfExists();
        }
        catch (RuntimeException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        ObjectKeys.validate(key);
        try {
            BlobProperties properties = container.getBlobClient(key).getProperties();
            return Optional.of(new ObjectAttributes(properties.getBlobSize(), properties.getLastModified().toInstant()));
        }
        catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw failure("attributes", key, e);
        }
        catch (RuntimeException e) {
            throw failure("attributes", key, e);
        }
    }

    @Override
    public void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException {
        requireNonNull(prefix, "prefix is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(consumer, "consumer is null");
        ListBlobsOptions options = new ListBlobsOptions().setMaxResultsPerPage(1000);
        if (!prefix.isEmpty()) {
            options.setPrefix(prefix);
        }
        Iterable<PagedResponse<BlobItem>> pages;
        try {
            pages = mode == ListMode.DELIMITED
                    ? container.listBlobsByHierarchy("/", options, null).iterableByPage()
                    : container.listBlobs(options, null).iterableByPage();
        }
        catch (RuntimeException e) {
            throw failure("iter", prefix, e);
        }
        var iterator = pages.iterator();
        while (true) {
            PagedResponse<BlobItem> page;
            try {
                if (!iterator.hasNext()) {
                    return;
                }
                page = iterator.next();
            }
            catch (RuntimeException e) {
                throw failure("iter", prefix, e);
            }
            java.util.List<String> names = new java.util.ArrayList<>(page.getValue().size());
            for (BlobItem item : page.getValue()) {
                names.add(item.getName());
            }
            if (mode == ListMode.DELIMITED) {
                // Azure orders a page's blobs and prefixes together; Azurite lists prefixes after blobs.
                names.sort(ObjectKeys::compareUtf8);
            }
            names.forEach(consumer);
        }
    }


    @Override
    public void close() {
        // The store's connection pool goes; the event loops are shared and live as long as the process.
        pool.dispose();
    }

    private static IOException failure(String operation, String key, RuntimeException e) {
        return new IOException("azure " + operation + " " + key + ": " + e.getMessage(), e);
    }
}
