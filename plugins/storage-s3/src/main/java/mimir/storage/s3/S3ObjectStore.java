package mimir.storage.s3;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectKeys;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreHttp;
import mimir.storage.s3.S3ObjectStoreProvider.S3Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * An {@link ObjectStore} on one S3 bucket.
 *
 * <p>Uploads are streamed: an object smaller than one part is sent with one PutObject; a larger one
 * with a multipart upload whose parts are read from the input one at a time, so memory stays at one
 * part ({@code -<scope>.s3.part-size}, by default {@value #DEFAULT_PART_SIZE} bytes) per concurrent upload, whatever the object size. A failed
 * multipart upload is aborted, so the previous object (if any) stays. Downloads stream the response
 * body; ranged reads use an HTTP Range. Transient errors (5xx, throttling, connection resets) are
 * retried by the SDK's standard retry strategy with exponential backoff and jitter.
 */
public final class S3ObjectStore implements ObjectStore {
    static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 10;
    private static final int FIRST_READ = 64 * 1024;

    private final S3Client client;
    private final S3Config config;
    private final int partSize;
    private final int listPageSize;

    S3ObjectStore(S3Client client, S3Config config, int partSize) {
        this(client, config, partSize, 1000);
    }

    /** For tests: {@code listPageSize} keys per list request, so that listings cross pages. */
    S3ObjectStore(S3Client client, S3Config config, int partSize, int listPageSize) {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        if (partSize < 5 * 1024 * 1024) {
            throw new IllegalArgumentException("S3 parts are at least 5 MiB");
        }
        this.partSize = partSize;
        this.listPageSize = listPageSize;
    }

    /**
     * Builds the client and checks that the bucket is reachable with the configured credentials.
     *
     * @throws IllegalArgumentException if the bucket does not exist or the credentials are refused (the message names the flag)
     * @throws IOException if the endpoint cannot be reached
     */
    static S3ObjectStore open(S3Config config) throws IOException {
        S3Client client = client(config);
        try {
            client.headBucket(b -> b.bucket(config.bucket()));
        }
        catch (NoSuchBucketException e) {
            client.close();
            throw new IllegalArgumentException(config.bucketFlag() + "=" + config.bucket() + ": bucket does not exist"
                    + (config.endpoint() == null ? "" : " at " + config.endpoint()), e);
        }
        catch (S3Exception e) {
            client.close();
            if (e.statusCode() == 404) {
                throw new IllegalArgumentException(config.bucketFlag() + "=" + config.bucket() + ": bucket does not exist"
                        + (config.endpoint() == null ? "" : " at " + config.endpoint()), e);
            }
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new IllegalArgumentException(config.bucketFlag() + "=" + config.bucket() + ": access denied (HTTP " + e.statusCode()
                        + "); check " + config.accessKeyFlag() + " and the secret access key, or the credentials of the AWS default chain", e);
            }
            throw new IOException(config.bucketFlag() + "=" + config.bucket() + ": cannot check the bucket: " + e.getMessage(), e);
        }
        catch (SdkClientException e) {
            client.close();
            if (e.getMessage() != null && e.getMessage().contains("credentials")) {
                throw new IllegalArgumentException("no S3 credentials: set " + config.accessKeyFlag()
                        + " and the secret access key, or provide credentials to the AWS default chain: " + e.getMessage(), e);
            }
            throw new IOException((config.endpoint() == null ? config.regionFlag() + "=" + config.region() : config.endpointFlag() + "=" + config.endpoint())
                    + ": cannot reach S3: " + e.getMessage(), e);
        }
        return new S3ObjectStore(client, config, config.partSize());
    }

    static S3Client client(S3Config config, ExecutionInterceptor... interceptors) {
        AwsCredentialsProvider credentials;
        if (!config.accessKeyId().isEmpty()) {
            credentials = StaticCredentialsProvider.create(config.sessionToken().isEmpty()
                    ? AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())
                    : AwsSessionCredentials.create(config.accessKeyId(), config.secretAccessKey(), config.sessionToken()));
        }
        else {
            credentials = WebIdentityCredentials.fromEnvironment(config.stsEndpoint())
                    .<AwsCredentialsProvider>map(p -> p)
                    .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        }
        ObjectStoreHttp.Options http = config.http();
        SSLContext tls = http.sslContext();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(http.maxConnectionsPerHost() == 0 ? Integer.MAX_VALUE : http.maxConnectionsPerHost())
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(http.responseHeaderTimeout())
                        // 0 is Go's "no limit": no reaper then.
                        .connectionMaxIdleTime(http.idleConnTimeout().isZero() ? Duration.ofDays(365) : http.idleConnTimeout())
                        .useIdleConnectionReaper(!http.idleConnTimeout().isZero())
                        .expectContinueEnabled(!http.expectContinueTimeout().isZero())
                        .tlsSocketStrategy((socket, target, port, attachment, context) -> http.layer(tls, socket, target, port)))
                .credentialsProvider(credentials)
                .region(region(config))
                .crossRegionAccessEnabled(config.region().isEmpty() && config.endpoint() == null)
                .dualstackEnabled(config.dualstack() && config.endpoint() == null)
                .forcePathStyle(config.pathStyle())
                // Checksums only where S3 requires them: S3-compatible servers differ in their support of
                // the newer flexible checksums and aws-chunked bodies.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build());
                    if (config.trace()) {
                        o.addExecutionInterceptor(new TraceInterceptor());
                    }
                    for (ExecutionInterceptor interceptor : interceptors) {
                        o.addExecutionInterceptor(interceptor);
                    }
                });
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    private static Region region(S3Config config) {
        if (!config.region().isEmpty()) {
            return Region.of(config.region());
        }
        if (config.endpoint() == null) {
            try {
                return new DefaultAwsRegionProviderChain().getRegion();
            }
            catch (SdkClientException e) {
                // No region anywhere: cross-region access finds the bucket's region from us-east-1.
            }
        }
        return Region.US_EAST_1;
    }

    @Override
    public String backend() {
        return "s3";
    }

    @Override
    public InputStream get(String key) throws IOException {
        ObjectKeys.validate(key);
        return open(key, null);
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        ObjectKeys.validate(key);
        ObjectKeys.checkRange(offset, length);
        if (length == 0) {
            if (attributes(key).isEmpty()) {
                throw new NoSuchObjectException(key);
            }
            return InputStream.nullInputStream();
        }
        String range = length == -1 || offset > Long.MAX_VALUE - length ? "bytes=" + offset + "-" : "bytes=" + offset + "-" + (offset + length - 1);
        return open(key, range);
    }

    private InputStream open(String key, String range) throws IOException {
        try {
            ResponseInputStream<GetObjectResponse> response = client.getObject(b -> b.bucket(config.bucket()).key(key).range(range));
            return new AbortingInputStream(response);
        }
        catch (NoSuchKeyException e) {
            throw new NoSuchObjectException(key);
        }
        catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchObjectException(key);
            }
            if (e.statusCode() == 416 && range != null) {
                return InputStream.nullInputStream();  // the range starts at or past the end
            }
            throw failure("get", key, e);
        }
        catch (SdkException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        ObjectKeys.validate(key);
        requireNonNull(data, "data is null");
        byte[] first = readUpTo(data, partSize);
        if (first.length < partSize) {
            try {
                client.putObject(putRequest(key, md5(first, first.length)),
                        RequestBody.fromInputStream(new ByteArrayInputStream(first), first.length));
            }
            catch (SdkException e) {
                throw failure("upload", key, e);
            }
            return;
        }
        putMultipart(key, first, data);
    }

    private void putMultipart(String key, byte[] first, InputStream data) throws IOException {
        String uploadId;
        try {
            CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(config.bucket()).key(key);
            if (!config.storageClass().isEmpty()) {
                create.storageClass(config.storageClass());
            }
            switch (config.sseType()) {
                case "SSE-S3" -> create.serverSideEncryption(ServerSideEncryption.AES256);
                case "SSE-KMS" -> create.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(config.kmsKeyId())
                        .ssekmsEncryptionContext(config.kmsEncryptionContextBase64());
                default -> { }
            }
            uploadId = client.createMultipartUpload(create.build()).uploadId();
        }
        catch (SdkException e) {
            throw failure("upload", key, e);
        }
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = first;
            int length = first.length;
            while (length > 0) {
                int partNumber = parts.size() + 1;
                int partLength = length;
                String md5 = md5(buffer, partLength);
                String etag = client.uploadPart(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(partNumber)
                                .contentLength((long) partLength).contentMD5(md5),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, partLength), partLength)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                length = readFully(data, buffer);
            }
            client.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            completed = true;
        }
        catch (SdkException e) {
            throw failure("upload", key, e);
        }
        finally {
            if (!completed) {
                try {
                    client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId));
                }
                catch (SdkException e) {
                    // The bucket's lifecycle rules clean up what abort could not.
                }
            }
        }
    }

    /** The base64 MD5 of the bytes with -s3.send-content-md5, else null (no header). */
    private String md5(byte[] bytes, int length) {
        if (!config.sendContentMd5()) {
            return null;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update(bytes, 0, length);
            return Base64.getEncoder().encodeToString(digest.digest());
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    private PutObjectRequest putRequest(String key, String md5) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(config.bucket()).key(key).contentMD5(md5);
        if (!config.storageClass().isEmpty()) {
            put.storageClass(config.storageClass());
        }
        switch (config.sseType()) {
            case "SSE-S3" -> put.serverSideEncryption(ServerSideEncryption.AES256);
            case "SSE-KMS" -> put.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(config.kmsKeyId())
                    .ssekmsEncryptionContext(config.kmsEncryptionContextBase64());
            default -> { }
        }
        return put.build();
    }

    /** Reads up to {@code limit} bytes, growing the buffer as data arrives so that small objects stay small. */
    static byte[] readUpTo(InputStream input, int limit) throws IOException {
        byte[] buffer = new byte[Math.min(FIRST_READ, limit)];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                if (length == limit) {
                    return buffer;
                }
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) limit, buffer.length * 2L));
            }
            int read = input.read(buffer, length, buffer.length - length);
            if (read < 0) {
                return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
            }
            length += read;
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
            client.deleteObject(b -> b.bucket(config.bucket()).key(key));
        }
        catch (NoSuchKeyException e) {
            // deletion is idempotent
        }
        catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        ObjectKeys.validate(key);
        try {
            HeadObjectResponse head = client.headObject(b -> b.bucket(config.bucket()).key(key));
            return Optional.of(new ObjectAttributes(head.contentLength(), head.lastModified()));
        }
        catch (NoSuchKeyException e) {
            return Optional.empty();
        }
        catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("attributes", key, e);
        }
        catch (SdkException e) {
            throw failure("attributes", key, e);
        }
    }

    @Override
    public void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException {
        requireNonNull(prefix, "prefix is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(consumer, "consumer is null");
        String delimiter = mode == ListMode.DELIMITED ? "/" : null;
        String token = null;
        do {
            String continuation = token;
            List<S3Object> contents;
            List<CommonPrefix> prefixes;
            try {
                if (config.listObjectsV1()) {
                    ListObjectsResponse page = client.listObjects(b -> b.bucket(config.bucket()).prefix(prefix.isEmpty() ? null : prefix)
                            .delimiter(delimiter).marker(continuation).maxKeys(listPageSize));
                    contents = page.contents();
                    prefixes = page.commonPrefixes();
                    // Without a delimiter S3 sends no NextMarker: the last key of the page is the marker.
                    token = !Boolean.TRUE.equals(page.isTruncated()) ? null
                            : page.nextMarker() != null ? page.nextMarker()
                            : lastOf(contents, prefixes);
                }
                else {
                    ListObjectsV2Response page = client.listObjectsV2(b -> b.bucket(config.bucket()).prefix(prefix.isEmpty() ? null : prefix)
                            .delimiter(delimiter).continuationToken(continuation).maxKeys(listPageSize));
                    contents = page.contents();
                    prefixes = page.commonPrefixes();
                    token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
                }
            }
            catch (SdkException e) {
                throw failure("iter", prefix, e);
            }
            // Keys and common prefixes come in separate lists; S3 orders each page's union by UTF-8 bytes.
            List<String> entries = new ArrayList<>(contents.size() + prefixes.size());
            for (S3Object object : contents) {
                entries.add(object.key());
            }
            for (CommonPrefix common : prefixes) {
                entries.add(common.prefix());
            }
            if (!prefixes.isEmpty()) {
                entries.sort(ObjectKeys::compareUtf8);
            }
            entries.forEach(consumer);
        } while (token != null);
    }

    private static String lastOf(List<S3Object> contents, List<CommonPrefix> prefixes) {
        String last = null;
        for (S3Object object : contents) {
            last = last == null || ObjectKeys.compareUtf8(object.key(), last) > 0 ? object.key() : last;
        }
        for (CommonPrefix common : prefixes) {
            last = last == null || ObjectKeys.compareUtf8(common.prefix(), last) > 0 ? common.prefix() : last;
        }
        return last;
    }


    @Override
    public void close() {
        client.close();
    }

    private IOException failure(String operation, String key, SdkException e) {
        return new IOException("s3 " + operation + " " + config.bucket() + "/" + key + ": " + e.getMessage(), e);
    }

    /**
     * A response body that aborts the connection when closed before its end, instead of reading the
     * rest of a possibly huge object to reuse the connection.
     */
    private static final class AbortingInputStream extends FilterInputStream {
        private final ResponseInputStream<?> response;
        private boolean eof;

        AbortingInputStream(ResponseInputStream<?> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            eof |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            eof |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!eof) {
                response.abort();
            }
            try {
                super.close();
            }
            catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
