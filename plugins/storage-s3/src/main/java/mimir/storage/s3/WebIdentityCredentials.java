package mimir.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Web identity credentials from {@code -<scope>.s3.sts-endpoint}, as Mimir's minio client gets them: the
 * token in {@code AWS_WEB_IDENTITY_TOKEN_FILE} is exchanged for temporary credentials of
 * {@code AWS_ROLE_ARN} with STS AssumeRoleWithWebIdentity (an unsigned call), refreshed five minutes
 * before they expire. Written against the STS query API because the SDK's STS module is not part of
 * this plugin.
 */
final class WebIdentityCredentials implements AwsCredentialsProvider {
    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI endpoint;
    private final Path tokenFile;
    private final String roleArn;
    private final String sessionName;
    private AwsSessionCredentials current;
    private Instant expiration = Instant.MIN;

    WebIdentityCredentials(URI endpoint, Path tokenFile, String roleArn, String sessionName) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.tokenFile = requireNonNull(tokenFile, "tokenFile is null");
        this.roleArn = requireNonNull(roleArn, "roleArn is null");
        this.sessionName = requireNonNull(sessionName, "sessionName is null");
    }

    /** The provider when an STS endpoint is configured and the environment names a token file and a role; else empty. */
    static Optional<WebIdentityCredentials> fromEnvironment(URI stsEndpoint) {
        String tokenFile = System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
        String roleArn = System.getenv("AWS_ROLE_ARN");
        if (stsEndpoint == null || tokenFile == null || tokenFile.isBlank() || roleArn == null || roleArn.isBlank()) {
            return Optional.empty();
        }
        String session = System.getenv("AWS_ROLE_SESSION_NAME");
        return Optional.of(new WebIdentityCredentials(stsEndpoint, Path.of(tokenFile), roleArn,
                session == null || session.isBlank() ? "mimir-" + System.currentTimeMillis() : session));
    }

    @Override
    public synchronized AwsCredentials resolveCredentials() {
        if (current == null || Instant.now().isAfter(expiration.minus(REFRESH_BEFORE))) {
            refresh();
        }
        return current;
    }

    private void refresh() {
        try {
            String token = Files.readString(tokenFile).strip();
            String form = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&DurationSeconds=3600"
                    + "&RoleArn=" + URLEncoder.encode(roleArn, UTF_8)
                    + "&RoleSessionName=" + URLEncoder.encode(sessionName, UTF_8)
                    + "&WebIdentityToken=" + URLEncoder.encode(token, UTF_8);
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw SdkClientException.create("STS AssumeRoleWithWebIdentity at " + endpoint + " failed with HTTP " + response.statusCode()
                        + ": " + response.body());
            }
            String body = response.body();
            current = AwsSessionCredentials.create(element(body, "AccessKeyId"), element(body, "SecretAccessKey"), element(body, "SessionToken"));
            expiration = Instant.parse(element(body, "Expiration"));
        }
        catch (IOException e) {
            throw SdkClientException.create("cannot get web identity credentials from STS at " + endpoint + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while getting web identity credentials", e);
        }
    }

    private String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        if (!m.find()) {
            throw SdkClientException.create("STS AssumeRoleWithWebIdentity at " + endpoint + ": no " + name + " in the response");
        }
        return m.group(1).strip();
    }
}
