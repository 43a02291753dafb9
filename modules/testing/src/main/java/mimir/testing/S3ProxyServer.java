package mimir.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;


/**
 * S3Proxy 4.1.0 (in-memory {@code transient-nio2} store, AWS v2/v4 auth with identity {@code test}/{@code test}) as a child
 * process on a free port of 127.0.0.1. The jar is the test dependency {@code org.gaul:s3proxy:jar-with-dependencies}, whose
 * path Maven passes in the system property {@code s3proxy.jar}.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String IDENTITY = "test";
    public static final String CREDENTIAL = "test";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;

    private S3ProxyServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static S3ProxyServer start(String heap) throws IOException, InterruptedException {
        return start(heap, TestingServers.freePort(), null);
    }

    /**
     * An S3Proxy on {@code port} keeping its objects in {@code dataDir} (jclouds' filesystem provider), so
     * a test can stop it and start it again on the same port with the same objects (an outage); with a
     * null {@code dataDir} the objects live in memory.
     */
    public static S3ProxyServer start(String heap, int port, Path dataDir) throws IOException, InterruptedException {
        String jar = System.getProperty("s3proxy.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property s3proxy.jar does not name the S3Proxy jar: " + jar + " (run the test with Maven)");
        }
        Path dir = Files.createDirectories(Path.of(System.getProperty("s3proxy.dir", "target/s3proxy")));
        Path properties = dir.resolve("s3proxy-" + port + ".properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                dataDir == null ? "jclouds.provider=transient-nio2" : "jclouds.provider=filesystem",
                dataDir == null ? "" : "jclouds.filesystem.basedir=" + Files.createDirectories(dataDir).toAbsolutePath(),
                "jclouds.identity=" + IDENTITY,
                "jclouds.credential=" + CREDENTIAL,
                ""));
        Path log = dir.resolve("s3proxy-" + port + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar, "--properties", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        S3ProxyServer server = new S3ProxyServer(process, port, log);
        TestingServers.awaitListening("S3Proxy", process, port, START_TIMEOUT, log);
        return server;
    }

    /** {@code 127.0.0.1:<port>}, as {@code -<scope>.s3.endpoint} takes it. */
    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        TestingServers.stop(process);
    }

}
