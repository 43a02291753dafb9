package mimir.kv.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import mimir.testing.TestingExecutables;
import mimir.testing.TestingServers;

/**
 * A real single-member etcd (Debian's {@code etcd-server}; {@code $ETCD} or {@code etcd} on the PATH,
 * else the test fails with the install command) on free ports of 127.0.0.1 with its data in a
 * directory of the test. {@link #restart} stops it and starts it again on the same ports and data, for
 * outage tests.
 */
final class EtcdServer implements AutoCloseable {
    static final String INSTALL_HINT = "install it with `apt-get install etcd-server` (Debian/Ubuntu), or run `bash .ci/setup`";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path executable;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final List<String> extraArgs;
    private final boolean tls;
    private Process process;

    private EtcdServer(Path executable, Path dataDir, int clientPort, int peerPort, List<String> extraArgs, boolean tls) {
        this.executable = executable;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.extraArgs = List.copyOf(extraArgs);
        this.tls = tls;
    }

    /** Starts etcd with its data under {@code dir}; {@code extraArgs} are more etcd flags. */
    static EtcdServer start(Path dir, String... extraArgs) throws IOException, InterruptedException {
        return start(dir, false, List.of(extraArgs));
    }

    /**
     * Starts etcd serving clients over TLS with {@code cert} and {@code key}, requiring client
     * certificates signed by {@code ca}. Nothing checks its health (that would take a TLS client): the
     * client under test waits for it.
     */
    static EtcdServer startTls(Path dir, Path cert, Path key, Path ca) throws IOException, InterruptedException {
        return start(dir, true, List.of("--cert-file", cert.toString(), "--key-file", key.toString(), "--client-cert-auth",
                "--trusted-ca-file", ca.toString()));
    }

    private static EtcdServer start(Path dir, boolean tls, List<String> extraArgs) throws IOException, InterruptedException {
        Path executable = TestingExecutables.find("etcd", "ETCD", INSTALL_HINT);
        EtcdServer server = new EtcdServer(executable, Files.createDirectories(dir), TestingServers.freePort(), TestingServers.freePort(),
                extraArgs, tls);
        server.startProcess();
        return server;
    }

    /** {@code 127.0.0.1:<client port>}: the value of {@code -<scope>.etcd.endpoints}. */
    String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    /** Stops etcd (SIGTERM) and starts it again on the same ports and data directory. */
    void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    void stop() throws InterruptedException {
        if (process != null) {
            TestingServers.stop(process);
            process = null;
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        String client = (tls ? "https" : "http") + "://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--name", "t", "--data-dir", dataDir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer, "--initial-cluster", "t=" + peer));
        command.addAll(extraArgs);
        Path log = dataDir.resolve("etcd.log");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        TestingServers.awaitListening("etcd", process, clientPort, START_TIMEOUT, log);
        if (tls) {
            return;
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!healthy()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                TestingServers.stop(process);
                throw new IllegalStateException("etcd did not become healthy within " + START_TIMEOUT + ", log: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** etcd's {@code GET /health} says {@code "health":"true"} once the member has a leader (itself). */
    private boolean healthy() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", clientPort), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"health\":\"true\"");
        }
        catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
