package mimir.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * Azurite 3.37.0's blob service, in memory, as a child process on a free port of 127.0.0.1. Azurite is
 * installed with npm into {@code ~/.cache/mimir-test/azurite} (or {@code $MIMIR_TEST_CACHE/azurite})
 * the first time, so a fresh machine needs only node and npm ({@code .ci/setup} installs them).
 */
public final class AzuriteServer implements AutoCloseable {
    public static final String VERSION = "3.37.0";
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private AzuriteServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Path install() throws IOException, InterruptedException {
        String cache = System.getenv("MIMIR_TEST_CACHE");
        Path home = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "mimir-test");
        Path dir = home.resolve("azurite");
        Path bin = dir.resolve("node_modules/.bin/azurite-blob");
        Path installed = dir.resolve("node_modules/azurite/package.json");
        if (Files.isExecutable(bin) && Files.isRegularFile(installed) && Files.readString(installed).contains("\"version\": \"" + VERSION + "\"")) {
            return bin;
        }
        Files.createDirectories(dir);
        Path log = dir.resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), "azurite@" + VERSION)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm install azurite@" + VERSION + " took longer than " + INSTALL_TIMEOUT + ", log: " + log);
        }
        if (npm.exitValue() != 0 || !Files.isExecutable(bin)) {
            throw new IllegalStateException("npm install azurite@" + VERSION + " failed (" + npm.exitValue() + "): " + Files.readString(log));
        }
        return bin;
    }

    public static AzuriteServer start() throws IOException, InterruptedException {
        Path bin = install();
        Path dir = Files.createDirectories(Path.of(System.getProperty("azurite.dir", "target/azurite")));
        int port = TestingServers.freePort();
        Path log = dir.resolve("azurite-" + port + ".log");
        // --skipApiVersionCheck: azure-storage-blob 12.37 speaks an API version newer than Azurite 3.37 knows.
        Process process = new ProcessBuilder(List.of(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--silent"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AzuriteServer server = new AzuriteServer(process, port);
        TestingServers.awaitListening("Azurite", process, port, START_TIMEOUT, log);
        return server;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint=http://127.0.0.1:" + port + "/"
                + ACCOUNT + ";";
    }

    @Override
    public void close() throws InterruptedException {
        TestingServers.stop(process);
    }

}
