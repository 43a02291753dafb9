package mimir.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/** -s3.sts-endpoint: web identity credentials from a fake STS on 127.0.0.1. */
class TestWebIdentityCredentials {
    /** Answers each request with {@code status} and {@code body}, recording the request bodies. */
    private static final class FakeSts implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final Thread thread;

        FakeSts(int status, String body) throws IOException {
            thread = Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        InputStream in = client.getInputStream();
                        String head = readHead(in);
                        int length = 0;
                        for (String line : head.split("\r\n")) {
                            if (line.toLowerCase().startsWith("content-length:")) {
                                length = Integer.parseInt(line.substring(15).trim());
                            }
                        }
                        bodies.add(URLDecoder.decode(new String(in.readNBytes(length), UTF_8), UTF_8));
                        byte[] response = body.getBytes(UTF_8);
                        OutputStream out = client.getOutputStream();
                        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/xml\r\nContent-Length: " + response.length
                                + "\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
                        out.write(response);
                        out.flush();
                    }
                    catch (IOException e) {
                        // closed
                    }
                }
            });
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(UTF_8).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            return head.toString(UTF_8);
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void exchangesTheTokenForSessionCredentials(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "the-jwt\n");
        String expiration = Instant.now().plusSeconds(3600).toString();
        String xml = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                + "<AccessKeyId>AKIA1</AccessKeyId><SecretAccessKey>secret1</SecretAccessKey><SessionToken>session1</SessionToken>"
                + "<Expiration>" + expiration + "</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
        try (FakeSts sts = new FakeSts(200, xml)) {
            WebIdentityCredentials provider = new WebIdentityCredentials(sts.endpoint(), token, "arn:aws:iam::1:role/r", "s");
            AwsSessionCredentials credentials = (AwsSessionCredentials) provider.resolveCredentials();
            assertThat(credentials.accessKeyId()).isEqualTo("AKIA1");
            assertThat(credentials.secretAccessKey()).isEqualTo("secret1");
            assertThat(credentials.sessionToken()).isEqualTo("session1");
            provider.resolveCredentials();  // cached: not expiring within five minutes
            assertThat(sts.bodies).hasSize(1);
            assertThat(sts.bodies.getFirst()).contains("Action=AssumeRoleWithWebIdentity", "RoleArn=arn:aws:iam::1:role/r",
                    "WebIdentityToken=the-jwt", "RoleSessionName=s");
        }
    }

    @Test
    void anStsErrorFailsWithItsStatus(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "bad");
        try (FakeSts sts = new FakeSts(403, "<Error><Code>AccessDenied</Code></Error>")) {
            WebIdentityCredentials provider = new WebIdentityCredentials(sts.endpoint(), token, "arn:aws:iam::1:role/r", "s");
            assertThatThrownBy(provider::resolveCredentials).isInstanceOf(SdkClientException.class).hasMessageContaining("HTTP 403");
        }
    }
}
