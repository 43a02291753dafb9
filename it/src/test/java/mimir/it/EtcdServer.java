package mimir.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import mimir.testing.TestingExecutables;
import mimir.testing.TestingServers;

/** Debian's etcd ({@code etcd-server}, installed by {@code .ci/setup}) as a real one-member cluster on loopback ports. */
final class EtcdServer extends PeerProcess {
    private EtcdServer(Process process, int port, Path log) {
        super(process, port, log);
    }

    /** Starts it with its data in {@code dir} and waits until {@code /health} answers. */
    static EtcdServer start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = TestingServers.freePort();
        int peerPort = TestingServers.freePort();
        Path log = dir.resolve("etcd.log");
        Path binary = TestingExecutables.find("etcd", "ETCD", "install it with `apt-get install etcd-server` (Debian/Ubuntu), or run `bash .ci/setup`");
        Process process = new ProcessBuilder(List.of(binary.toString(), "--name", "it", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + port, "--advertise-client-urls", "http://127.0.0.1:" + port,
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "it=http://127.0.0.1:" + peerPort))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        EtcdServer server = new EtcdServer(process, port, log);
        server.awaitReady("etcd", "/health");
        return server;
    }

    String endpoint() {
        return "127.0.0.1:" + port;
    }
}
