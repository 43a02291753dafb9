package mimir.queryfrontend.cache.memcached;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mimir.testing.TestingExecutables;

/**
 * Debian's {@code memcached} on 127.0.0.1 and a free port, started by the test ({@code -U 0}: TCP only)
 * and killed after it; {@link #restart()} starts a new, empty one on the same port. {@link #stat}
 * reads the server's own counters over the text protocol, so tests see what reached memcached.
 */
public final class TestingMemcachedServer implements AutoCloseable {
    public static final String MEMCACHED_PACKAGE = "install it with `apt-get install memcached` (Debian/Ubuntu), or run `bash .ci/setup`";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path executable;
    private final int port;
    private Process process;

    private TestingMemcachedServer(Path executable, int port) {
        this.executable = executable;
        this.port = port;
    }

    /** Starts memcached; fails (never skips) when it is not installed. */
    public static TestingMemcachedServer start() throws IOException, InterruptedException {
        Path executable = TestingExecutables.find("memcached", "MEMCACHED", MEMCACHED_PACKAGE);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        TestingMemcachedServer server = new TestingMemcachedServer(executable, port);
        server.launch();
        return server;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    private void launch() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port), "-U", "0", "-m", "64"));
        if ("root".equals(System.getProperty("user.name"))) {
            // memcached refuses to run as root unless told which user to be.
            command.addAll(List.of("-u", "root"));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int attempt = 0; attempt < 200 && System.nanoTime() < deadline; attempt++) {
            if (!process.isAlive()) {
                throw new AssertionError("memcached exited with " + process.exitValue() + ": " + String.join(" ", command));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            }
            catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("memcached did not listen on " + address() + " within " + START_TIMEOUT);
    }

    /** Kills memcached (SIGKILL) and waits until it is gone; its items are lost. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("memcached on " + address() + " did not die");
            }
        }
    }

    /** A new, empty memcached on the same port. */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    /** One counter of memcached's {@code stats}, e.g. {@code get_hits}, {@code cmd_set}, {@code curr_items}. */
    public long stat(String name) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Long value = null;
            for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
                String[] fields = line.split(" ");
                if (fields.length == 3 && fields[0].equals("STAT") && fields[1].equals(name)) {
                    value = Long.parseLong(fields[2]);
                }
            }
            if (value == null) {
                throw new AssertionError("memcached has no stat " + name);
            }
            return value;
        }
    }

    /** Waits (at most 10 s, polling) until {@code stat(name) >= atLeast}; returns the value, or fails with it. */
    public long awaitStat(String name, long atLeast) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long value = stat(name);
        for (int attempt = 0; attempt < 500 && value < atLeast && System.nanoTime() < deadline; attempt++) {
            Thread.sleep(20);
            value = stat(name);
        }
        if (value < atLeast) {
            throw new AssertionError("memcached " + name + " = " + value + ", expected at least " + atLeast + " within 10s");
        }
        return value;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
