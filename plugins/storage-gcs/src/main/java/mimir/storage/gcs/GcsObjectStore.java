package mimir.storage.gcs;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.api.gax.paging.Page;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectKeys;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreHttp;
import mimir.storage.gcs.GcsObjectStoreProvider.GcsConfig;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.protocol.HttpContext;

/**
 * An {@link ObjectStore} on one GCS bucket, over the JSON API.
 *
 * <p>Objects smaller than {@value #CHUNK_SIZE} bytes are uploaded in one multipart request; larger ones
 * through a resumable upload session fed {@value #CHUNK_SIZE} bytes at a time, so memory stays bounded.
 * A failed upload never finalizes the session, so the previous object stays. Reads stream through the
 * client's read channel ({@value #READ_CHUNK} bytes buffered). The client retries idempotent requests
 * and resumable chunks with exponential backoff ({@code -<scope>.gcs.max-retries} attempts; every upload
 * with {@code -<scope>.gcs.enable-upload-retries}). With {@code -<scope>.gcs.upload-rate-limit-enabled} each
 * put, and with {@code -<scope>.gcs.read-rate-limit-enabled} each get, range get and attributes call, first
 * waits for its {@link RampingRateLimiter} slot.
 */
final class GcsObjectStore implements ObjectStore {
    static final int CHUNK_SIZE = 8 * 1024 * 1024;
    static final int READ_CHUNK = 2 * 1024 * 1024;

    private final Storage storage;
    private final String bucket;
    private final ApacheHttpTransport transport;
    private final RampingRateLimiter uploadLimiter;
    private final RampingRateLimiter readLimiter;

    GcsObjectStore(Storage storage, String bucket, ApacheHttpTransport transport, RampingRateLimiter uploadLimiter, RampingRateLimiter readLimiter) {
        this.storage = requireNonNull(storage, "storage is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
        this.transport = requireNonNull(transport, "transport is null");
        this.uploadLimiter = uploadLimiter;
        this.readLimiter = readLimiter;
    }

    static GcsObjectStore open(GcsConfig config) throws IOException {
        ApacheHttpTransport transport = transport(config.http());
        try {
            return open(config, transport);
        }
        catch (IOException | RuntimeException e) {
            transport.shutdown();
            throw e;
        }
    }

    private static GcsObjectStore open(GcsConfig config, ApacheHttpTransport transport) throws IOException {
        String bucket = config.bucket();
        String serviceAccount = config.serviceAccount();
        String endpoint = config.endpoint();
        String bucketFlag = config.bucketFlag();
        String credentialsFlag = config.credentialsFlag();
        ObjectStoreHttp.Options http = config.http();
        StorageOptions.Builder options = StorageOptions.http()
                .setTransportOptions(HttpTransportOptions.newBuilder()
                        .setHttpTransportFactory(() -> transport)
                        .setConnectTimeout(10_000)
                        .setReadTimeout((int) Math.min(Integer.MAX_VALUE, http.responseHeaderTimeout().toMillis()))
                        .build())
                // max_retries: attempts, 0 = unlimited (bounded by the total timeout), 1 = no retries.
                .setRetrySettings(StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(config.maxRetries()).build())
                .setStorageRetryStrategy(config.uploadRetries() ? StorageRetryStrategy.getUniformStorageRetryStrategy()
                        : StorageRetryStrategy.getDefaultStorageRetryStrategy());
        if (endpoint != null) {
            options.setHost(endpoint).setProjectId("test-project").setCredentials(NoCredentials.getInstance());
        }
        else if (!serviceAccount.isEmpty()) {
            try {
                options.setCredentials(GoogleCredentials.fromStream(new ByteArrayInputStream(serviceAccount.getBytes(StandardCharsets.UTF_8)))
                        .createScoped("https://www.googleapis.com/auth/devstorage.read_write"));
            }
            catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(credentialsFlag + " is not a valid service account JSON: " + e.getMessage(), e);
            }
        }
        else {
            try {
                options.setCredentials(GoogleCredentials.getApplicationDefault());
            }
            catch (IOException e) {
                throw new IllegalArgumentException("no GCS credentials: set " + credentialsFlag
                        + " or provide application-default credentials (GOOGLE_APPLICATION_CREDENTIALS): " + e.getMessage(), e);
            }
        }
        Storage storage = options.build().getService();
        Bucket found;
        try {
            found = storage.get(bucket);
        }
        catch (StorageException e) {
            closeQuietly(storage);
            if (e.getCode() == 401 || e.getCode() == 403) {
                throw new IllegalArgumentException(bucketFlag + "=" + bucket + ": access denied (HTTP " + e.getCode() + "); check " + credentialsFlag, e);
            }
            throw new IOException(bucketFlag + "=" + bucket + ": cannot reach GCS" + (endpoint == null ? "" : " at " + endpoint) + ": " + e.getMessage(), e);
        }
        if (found == null) {
            closeQuietly(storage);
            throw new IllegalArgumentException(bucketFlag + "=" + bucket + ": bucket does not exist" + (endpoint == null ? "" : " at " + endpoint));
        }
        return new GcsObjectStore(storage, bucket, transport,
                config.uploadLimit() == null ? null : new RampingRateLimiter(config.uploadLimit()),
                config.readLimit() == null ? null : new RampingRateLimiter(config.readLimit()));
    }

    /**
     * The Google client's Apache transport with Mimir's http block: pool size, idle eviction, and TLS layered
     * by {@link ObjectStoreHttp.Options#layer} (trust, client certificate, server name, handshake timeout).
     */
    static ApacheHttpTransport transport(ObjectStoreHttp.Options http) {
        SSLContext tls = http.sslContext();
        int max = http.maxConnectionsPerHost() == 0 ? Integer.MAX_VALUE : http.maxConnectionsPerHost();
        HttpClientBuilder client = ApacheHttpTransport.newDefaultHttpClientBuilder()
                .setMaxConnTotal(max)
                .setMaxConnPerRoute(max)
                .setSSLSocketFactory(new SSLConnectionSocketFactory(tls, NoopHostnameVerifier.INSTANCE) {
                    @Override
                    public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
                        return http.layer(tls, socket, target, port);  // verifies the name itself
                    }
                });
        if (!http.idleConnTimeout().isZero()) {
            client.evictIdleConnections(http.idleConnTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        return new ApacheHttpTransport(client.build());
    }

    @Override
    public String backend() {
        return "gcs";
    }

    @Override
    public InputStream get(String key) throws IOException {
        ObjectKeys.validate(key);
        return getRange(key, 0, -1);
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        ObjectKeys.validate(key);
        ObjectKeys.checkRange(offset, length);
        acquire(readLimiter);
        Blob blob = blob(key, "get");
        if (blob == null) {
            throw new NoSuchObjectException(key);
        }
        long size = blob.getSize();
        if (length == 0 || offset >= size) {
            return InputStream.nullInputStream();
        }
        long end = length == -1 || offset > size - length ? size : offset + length;
        try {
            // A read of more than one chunk is pinned to the generation we just saw, so an overwrite mid-read
            // fails it instead of mixing two objects; a one-chunk read is one request and reads the latest object.
            ReadChannel reader = storage.reader(end - offset > READ_CHUNK ? BlobId.of(bucket, key, blob.getGeneration()) : BlobId.of(bucket, key));
            reader.setChunkSize(READ_CHUNK);
            if (offset > 0) {
                reader.seek(offset);
            }
            if (end < size) {
                reader.limit(end);
            }
            return Channels.newInputStream(reader);
        }
        catch (IOException | RuntimeException e) {
            throw new IOException("gcs get " + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        ObjectKeys.validate(key);
        requireNonNull(data, "data is null");
        acquire(uploadLimiter);
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, key)).build();
        byte[] buffer = new byte[CHUNK_SIZE];
        int length = readFully(data, buffer);
        if (length < CHUNK_SIZE) {
            try {
                storage.create(info, Arrays.copyOf(buffer, length));
            }
            catch (StorageException e) {
                throw new IOException("gcs upload " + bucket + "/" + key + ": " + e.getMessage(), e);
            }
            return;
        }
        // Not try-with-resources: closing the writer finalizes the object, which a failed upload must not do.
        WriteChannel writer = storage.writer(info);
        writer.setChunkSize(CHUNK_SIZE);
        try {
            while (length > 0) {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
                while (chunk.hasRemaining()) {
                    writer.write(chunk);
                }
                length = readFully(data, buffer);
            }
            writer.close();
        }
        catch (StorageException e) {
            throw new IOException("gcs upload " + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    private static int readFully(InputStream input, byte[] buffer) throws IOException {
        int length = 0;
        while (length < buffer.length) {
            int read = input.read(buffer, length, buffer.length - length);
            if (read < 0) {
                break;
            }
            length += read;
        }
        return length;
    }

    @Override
    public void delete(String key) throws IOException {
        ObjectKeys.validate(key);
        try {
            storage.delete(BlobId.of(bucket, key));
        }
        catch (StorageException e) {
            throw new IOException("gcs delete " + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        ObjectKeys.validate(key);
        acquire(readLimiter);
        Blob blob = blob(key, "attributes");
        if (blob == null) {
            return Optional.empty();
        }
        Instant updated = blob.getUpdateTimeOffsetDateTime() != null ? blob.getUpdateTimeOffsetDateTime().toInstant() : Instant.EPOCH;
        return Optional.of(new ObjectAttributes(blob.getSize(), updated));
    }

    private Blob blob(String key, String operation) throws IOException {
        try {
            return storage.get(BlobId.of(bucket, key));
        }
        catch (StorageException e) {
            throw new IOException("gcs " + operation + " " + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException {
        requireNonNull(prefix, "prefix is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(consumer, "consumer is null");
        BlobListOption[] options = mode == ListMode.DELIMITED
                ? new BlobListOption[] {BlobListOption.prefix(prefix), BlobListOption.currentDirectory(), BlobListOption.pageSize(1000)}
                : new BlobListOption[] {BlobListOption.prefix(prefix), BlobListOption.pageSize(1000)};
        Page<Blob> page;
        try {
            page = storage.list(bucket, options);
        }
        catch (StorageException e) {
            throw new IOException("gcs iter " + bucket + "/" + prefix + ": " + e.getMessage(), e);
        }
        while (page != null) {
            // GCS returns a page's objects and prefixes in two lists; the client hands them back in that order.
            java.util.List<String> names = new java.util.ArrayList<>();
            for (Blob blob : page.getValues()) {
                names.add(blob.getName());
            }
            if (mode == ListMode.DELIMITED) {
                names.sort(ObjectKeys::compareUtf8);
            }
            names.forEach(consumer);
            try {
                page = page.hasNextPage() ? page.getNextPage() : null;
            }
            catch (StorageException e) {
                throw new IOException("gcs iter " + bucket + "/" + prefix + ": " + e.getMessage(), e);
            }
        }
    }


    private static void acquire(RampingRateLimiter limiter) throws IOException {
        if (limiter != null) {
            limiter.acquire();
        }
    }

    @Override
    public void close() {
        closeQuietly(storage);
        try {
            transport.shutdown();
        }
        catch (IOException e) {
            // the pool's connections are closed as far as they can be
        }
    }

    private static void closeQuietly(Storage storage) {
        try {
            storage.close();
        }
        catch (Exception e) {
            // nothing to release beyond the HTTP transport
        }
    }
}
