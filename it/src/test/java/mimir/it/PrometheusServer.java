package mimir.it;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import mimir.testing.TestingServers;

/**
 * Debian's Prometheus 2.42 ({@code /usr/bin/prometheus}, installed by {@code .ci/setup}) as a real
 * process on a loopback port, with the configuration the test writes: it scrapes and remote-writes
 * like a user's Prometheus, and its own HTTP API is the oracle our answers are compared with.
 */
final class PrometheusServer extends PeerProcess {
    private PrometheusServer(Process process, int port, Path log) {
        super(process, port, log);
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
        server.awaitReady("prometheus", "/-/ready");
        return server;
    }

    /** {@code /api/v1/query?query=…&time=…} as Prometheus answers it. */
    String instantQuery(String query, String time) {
        return get("/api/v1/query?query=" + encode(query) + "&time=" + time).body();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
