package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import mimir.it.RemoteWrite.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer speaking another protocol on the gRPC port, or none at all: an HTTP/1.1 request, random
 * bytes, an HTTP/2 preface followed by garbage frames, and a connection opened and left silent. Each
 * is dropped by the server without harm: afterwards the process answers gRPC health checks and HTTP,
 * accepts a push and serves what was accepted before and after.
 */
class TestGrpcPortBadInput {
    private static final String TENANT = "grpc-bad-input";

    @TempDir
    Path dir;

    @Test
    void otherProtocolsOnTheGrpcPortAreDroppedAndNothingIsLost() throws Exception {
        try (MimirProcess mimir = MimirProcess.start(dir, WritePath.args(dir), Map.of())) {
            mimir.awaitReady(Duration.ofSeconds(90));
            long now = System.currentTimeMillis();
            assertThat(push(mimir, now - 10_000, 1).statusCode()).isEqualTo(200);

            assertThat(sendAndAwaitClose(mimir.grpcPort, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                    .as("an HTTP/1.1 request is answered or dropped, not left hanging").isTrue();
            byte[] random = new byte[256 * 1024];
            new Random(11).nextBytes(random);
            assertThat(sendAndAwaitClose(mimir.grpcPort, random)).as("random bytes close the connection").isTrue();
            byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] garbageFrames = new byte[preface.length + 4096];
            System.arraycopy(preface, 0, garbageFrames, 0, preface.length);
            byte[] frames = new byte[4096];
            new Random(12).nextBytes(frames);
            System.arraycopy(frames, 0, garbageFrames, preface.length, frames.length);
            assertThat(sendAndAwaitClose(mimir.grpcPort, garbageFrames)).as("an HTTP/2 preface with garbage frames is closed").isTrue();
            try (Socket silent = new Socket("127.0.0.1", mimir.grpcPort)) {
                // A connection that never speaks does not stop anyone else.
                assertThat(health(mimir)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            }

            assertThat(health(mimir)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(mimir.get("/ready").statusCode()).isEqualTo(200);
            assertThat(push(mimir, now - 5_000, 2).statusCode()).isEqualTo(200);
            HttpResponse<String> query = mimir.get("/prometheus/api/v1/query_range?query=grpc_bad_input&start=" + (now - 20_000) / 1000.0
                    + "&end=" + now / 1000.0 + "&step=1", "X-Scope-OrgID", TENANT);
            assertThat(query.statusCode()).isEqualTo(200);
            assertThat(query.body()).contains(",\"1\"]", ",\"2\"]");
        }
    }

    private static HttpResponse<String> push(MimirProcess mimir, long at, double value) {
        return RemoteWrite.push(mimir.httpPort, TENANT,
                RemoteWrite.snappy(RemoteWrite.encode(List.of(Series.of(at, value, "__name__", "grpc_bad_input", "job", "t")))));
    }

    /** Writes {@code bytes} (as far as the server reads them) and waits, at most 10 s, for the server to close the connection. */
    private static boolean sendAndAwaitClose(int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            }
            catch (IOException closedWhileWriting) {
                return true;
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try {
                while (System.nanoTime() < deadline) {
                    if (in.read(buffer) < 0) {
                        return true;
                    }
                }
            }
            catch (SocketTimeoutException e) {
                return false;
            }
            catch (IOException reset) {
                return true;
            }
            return false;
        }
    }

    private static HealthCheckResponse.ServingStatus health(MimirProcess mimir) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", mimir.grpcPort).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus();
        }
        finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
