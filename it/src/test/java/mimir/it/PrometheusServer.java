package mimir.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mimir.testing.TestingServers;

/**
 * Debian's Prometheus 2.42 ({@code /usr/bin/prometheus}, installed by {@code .ci/setup}) as a real
 * process on a loopback port, with the configuration the test writes: it scrapes and remote-writes
 * like a user's Prometheus, and its own HTTP API is the oracle our answers are compared with.
 */
final class PrometheusServer implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Path binary() {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Debian's prometheus is not installed at " + binary + ": run bash .ci/setup (apt-get install prometheus)");
        }
        return binary;
    }

    /** Starts Prometheus with {@code config} (prometheus.yml contents) and waits until it is ready. */
    static PrometheusServer start(Path dir, String config) throws IOException, InterruptedException {
        return start(dir, TestingServers.freePort(), config);
    }

    /** Starts Prometheus on {@code port} (a config that scrapes Prometheus itself needs it beforehand). */
    static PrometheusServer start(Path dir, int port, String config) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(List.of(binary().toString(), "--config.file=" + configFile, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + server.logs());
            }
            try {
                if (server.get("/-/ready").statusCode() == 200) {
                    return server;
                }
            }
            catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        server.close();
        throw new IllegalStateException("prometheus not ready within 30s:\n" + server.logs());
    }

    HttpResponse<String> get(String pathAndQuery) {
        return MimirProcess.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(10)).build());
    }

    /** {@code /api/v1/query?query=…&time=…} as Prometheus answers it. */
    String instantQuery(String query, String time) {
        return get("/api/v1/query?query=" + encode(query) + "&time=" + time).body();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    String logs() {
        try {
            return Files.readString(log);
        }
        catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
