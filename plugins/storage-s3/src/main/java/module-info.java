/**
 * The Amazon S3 object store backend ({@code -<scope>.backend=s3} for {@code blocks-storage},
 * {@code ruler-storage}, {@code alertmanager-storage} and {@code common.storage}), on the AWS SDK v2
 * with its synchronous Apache 5 HTTP client. Works with AWS and with S3-compatible servers (MinIO,
 * S3Proxy, Ceph RGW) through {@code -<scope>.s3.endpoint} and {@code -<scope>.s3.bucket-lookup-type}.
 * Loaded from {@code plugins/s3/} into its own module layer.
 */
module mimir.storage.s3 {
    requires mimir.spi;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache5;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.retries;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    requires java.net.http;

    provides mimir.spi.objstore.ObjectStoreProvider with mimir.storage.s3.S3ObjectStoreProvider;
}
