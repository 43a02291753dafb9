package mimir.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mimir.testing.TestingExecutables;
import mimir.testing.TestingServers;

/**
 * Debian's Prometheus Alertmanager ({@code prometheus-alertmanager}, installed by {@code .ci/setup}) as a
 * real process on a loopback port with clustering off: the Alertmanager a user points
 * {@code -ruler.alertmanager-url} at.
 */
final class AlertmanagerServer implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path log;

    private AlertmanagerServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts it with {@code config} (alertmanager.yml contents) and waits until it is ready. */
    static AlertmanagerServer start(Path dir, String config) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path configFile = dir.resolve("alertmanager.yml");
        Files.writeString(configFile, config);
        int port = TestingServers.freePort();
        Path log = dir.resolve("alertmanager.log");
        Path binary = TestingExecutables.find("prometheus-alertmanager", "ALERTMANAGER", TestingExecutables.ALERTMANAGER_PACKAGE);
        Process process = new ProcessBuilder(List.of(binary.toString(), "--config.file=" + configFile, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AlertmanagerServer server = new AlertmanagerServer(process, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("alertmanager exited with " + process.exitValue() + ":\n" + server.logs());
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
        throw new IllegalStateException("alertmanager not ready within 30s:\n" + server.logs());
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String pathAndQuery) {
        return MimirProcess.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build());
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
