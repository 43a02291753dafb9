package mimir.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import mimir.testing.TestingServers;

/**
 * {@code bin/mimir} of the built image, run as a real process listening on loopback ports picked for
 * the test. Output goes to files in the test's directory and is shown when something fails.
 */
final class MimirProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final int httpPort;
    final int grpcPort;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private MimirProcess(Process process, int httpPort, int grpcPort, Path stdout, Path stderr) {
        this.process = process;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The mimir-all image built by the distribution module; fails clearly if it was not built. */
    static Path image() {
        return built(System.getProperty("mimir.image.dir", "../distribution/target/mimir-all"));
    }

    /** The image of one deployment mode ({@code write}, {@code read}, {@code backend}), built by distribution/&lt;mode&gt;. */
    static Path image(String mode) {
        return built(System.getProperty("mimir." + mode + ".image.dir", "../distribution/" + mode + "/target/mimir-" + mode));
    }

    private static Path built(String dir) {
        Path image = Path.of(dir).toAbsolutePath().normalize();
        if (!Files.isExecutable(image.resolve("bin/mimir"))) {
            throw new IllegalStateException("no image at " + image + ": build it first with ./mvnw -B package -DskipTests");
        }
        return image;
    }

    /** Starts {@code bin/mimir} with loopback listen flags added to {@code args}. */
    static MimirProcess start(Path workDir, List<String> args, Map<String, String> env) throws IOException {
        return start(workDir, args, env, TestingServers.freePort(), TestingServers.freePort());
    }

    /** Starts {@code bin/mimir} on the given ports, e.g. those of a process it replaces after a restart. */
    static MimirProcess start(Path workDir, List<String> args, Map<String, String> env, int httpPort, int grpcPort) throws IOException {
        return start(image(), workDir, args, env, httpPort, grpcPort);
    }

    /** Starts {@code bin/mimir} of {@code image} (e.g. {@link #image(String)} of a deployment mode) on the given ports. */
    static MimirProcess start(Path image, Path workDir, List<String> args, Map<String, String> env, int httpPort, int grpcPort) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(image.resolve("bin/mimir").toString());
        command.addAll(List.of("-server.http-listen-address=127.0.0.1", "-server.http-listen-port=" + httpPort,
                "-server.grpc-listen-address=127.0.0.1", "-server.grpc-listen-port=" + grpcPort));
        // Loopback only: gossip on a free port unless the test joins processes itself, ring addresses on 127.0.0.1.
        if (args.stream().noneMatch(a -> a.startsWith("-memberlist.bind-port="))) {
            command.addAll(List.of("-memberlist.bind-addr=127.0.0.1", "-memberlist.bind-port=0"));
        }
        for (String ring : List.of("ingester.ring", "distributor.ring", "store-gateway.sharding-ring", "compactor.ring", "ruler.ring", "query-scheduler.ring")) {
            if (args.stream().noneMatch(a -> a.startsWith("-" + ring + ".instance-addr="))) {
                command.add("-" + ring + ".instance-addr=127.0.0.1");
            }
        }
        command.addAll(args);
        long started = System.nanoTime();
        Path stdout = workDir.resolve("stdout-" + httpPort + "-" + started + ".log");
        Path stderr = workDir.resolve("stderr-" + httpPort + "-" + started + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        return new MimirProcess(builder.start(), httpPort, grpcPort, stdout, stderr);
    }

    /** Runs a one-shot command ({@code -modules}, {@code -help}, a bad flag) of the mimir-all image to completion. */
    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(image(), workDir, env, args);
    }

    /** Runs a one-shot command of {@code image} to completion. */
    static Result run(Path image, Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(image.resolve("bin/mimir").toString());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(workDir, "out", ".log");
        Path stderr = Files.createTempFile(workDir, "err", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("mimir " + String.join(" ", args) + " did not finish within 60s");
        }
        return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** The outcome of a one-shot run. */
    record Result(int exitCode, String stdout, String stderr) {}

    /** Waits until {@code /ready} answers 200, at most {@code timeout}. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mimir exited with " + process.exitValue() + " before it was ready:\n" + logs());
            }
            try {
                if (get("/ready").statusCode() == 200) {
                    return;
                }
            }
            catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("mimir not ready within " + timeout + ":\n" + logs());
    }

    HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** Sends a request with the tests' shared client; I/O failures become unchecked. */
    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends SIGTERM and waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("mimir did not stop within " + timeout + " of SIGTERM:\n" + logs());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown of any kind, as in a crash or an OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("mimir did not die of SIGKILL within 30s");
        }
    }

    /** Waits for the process to exit by itself. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("mimir still running after " + timeout + ":\n" + logs());
        }
        return process.exitValue();
    }

    String logs() {
        try {
            return "--- stdout\n" + Files.readString(stdout) + "--- stderr\n" + Files.readString(stderr);
        }
        catch (IOException e) {
            return "(logs unreadable: " + e + ")";
        }
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
