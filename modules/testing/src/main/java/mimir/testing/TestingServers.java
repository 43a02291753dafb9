package mimir.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Real servers that tests start as child processes on 127.0.0.1: free ports, waiting until they listen, stopping them. */
public final class TestingServers {
    private TestingServers() {}

    /** A port free on the loopback interface right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until {@code process} accepts connections on {@code 127.0.0.1:port}. If it exits first,
     * or does not listen within {@code timeout}, it is stopped and the failure names the log.
     */
    public static void awaitListening(String name, Process process, int port, Duration timeout, Path log)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!listening(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ", log: " + Files.readString(log));
            }
            if (Instant.now().isAfter(deadline)) {
                stop(process);
                throw new IllegalStateException(name + " did not listen on 127.0.0.1:" + port + " within " + timeout + ", log: " + log);
            }
            Thread.sleep(100);
        }
    }

    /** Stops the process and its children: SIGTERM, then SIGKILL after 10 s. */
    public static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
