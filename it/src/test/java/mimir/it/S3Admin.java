package mimir.it;

import java.net.URI;

import mimir.testing.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** An AWS SDK client for a test's S3Proxy, to create buckets and look at what the image wrote. */
final class S3Admin {
    private S3Admin() {}

    static S3Client client(S3ProxyServer server) {
        return S3Client.builder().endpointOverride(URI.create("http://" + server.endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
                .httpClientBuilder(Apache5HttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL)))
                .build();
    }
}
