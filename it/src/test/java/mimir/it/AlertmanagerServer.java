package mimir.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import mimir.testing.TestingExecutables;
import mimir.testing.TestingServers;

/**
 * Debian's Prometheus Alertmanager ({@code prometheus-alertmanager}, installed by {@code .ci/setup}) as a
 * real process on a loopback port with clustering off: the Alertmanager a user points
 * {@code -ruler.alertmanager-url} at.
 */
final class AlertmanagerServer extends PeerProcess {
    private AlertmanagerServer(Process process, int port, Path log) {
        super(process, port, log);
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
        server.awaitReady("alertmanager", "/-/ready");
        return server;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }
}
