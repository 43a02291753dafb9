package mimir.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real peer program (Debian's Prometheus or Alertmanager) run by a test on a loopback port, its
 * output in a log file shown when it fails to start.
 */
abstract class PeerProcess implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path log;

    PeerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Waits until {@code readyPath} answers 200 (at most 30 s); stops the process and fails otherwise. */
    void awaitReady(String name, String readyPath) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logs());
            }
            try {
                if (get(readyPath).statusCode() == 200) {
                    return;
                }
            }
            catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException(name + " not ready within 30s:\n" + logs());
    }

    HttpResponse<String> get(String pathAndQuery) {
        return MimirProcess.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(10)).build());
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
