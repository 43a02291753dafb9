package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import mimir.testing.AzuriteServer;
import mimir.testing.FakeGcsServer;
import mimir.testing.S3ProxyServer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The object-store backends of the full image are drop-in plugin folders: plugins/s3 and plugins/azure load as module
 * layers, plugins/gcs classpath-style, each providing its backend, and each only when the configuration names its
 * backend or one of its settings. An image without a backend's folder refuses to use
 * it, saying where plugins go; after the folder is copied in, the same command round-trips objects through the real
 * emulator ({@code -bucket-validation}: upload, overwrite, exists, list, get, delete).
 */
class TestStoragePlugins {
    private static final String OBJECTS = "-bucket-validation.object-count=25";

    @TempDir
    Path dir;

    @Test
    void fullImageLoadsTheBackendPluginsTheConfigurationUses() throws Exception {
        String[] everyBackend = {"-blocks-storage.backend=s3", "-ruler-storage.backend=azure", "-alertmanager-storage.backend=gcs"};
        MimirProcess.Result json = MimirProcess.run(dir, Map.of(), concat(new String[] {"-modules.graph=json", "-target=overrides-exporter"}, everyBackend));
        assertThat(json.exitCode()).isEqualTo(0);
        assertThat(json.stdout()).contains("\"layer\" : \"plugin:s3\"", "\"module\" : \"mimir.storage.s3\"",
                "\"layer\" : \"plugin:azure\"", "\"module\" : \"mimir.storage.azure\"", "\"layer\" : \"plugin:gcs\"");
        MimirProcess.Result text = MimirProcess.run(dir, Map.of(), concat(new String[] {"-modules.graph", "-target=overrides-exporter"}, everyBackend));
        assertThat(text.stdout()).contains("s3  module-layer  loaded: 1 provider(s)", "azure  module-layer  loaded: 1 provider(s)",
                "gcs  classpath  loaded: 1 provider(s)", "ObjectStoreProvider s3 ", "ObjectStoreProvider azure ", "ObjectStoreProvider gcs ")
                .doesNotContain("REJECTED", "not loaded");

        // The default (filesystem) leaves the cloud plugins unloaded, and says why.
        MimirProcess.Result defaults = MimirProcess.run(dir, Map.of(), "-modules.graph", "-target=overrides-exporter");
        assertThat(defaults.stdout()).contains("filesystem  module-layer  loaded: 1 provider(s)",
                "s3  module-layer  not loaded: the configuration names no backend or setting of it",
                "azure  module-layer  not loaded: ", "gcs  classpath  not loaded: ").doesNotContain("ObjectStoreProvider s3 ", "REJECTED");
        // A setting of a backend is enough to load its plugin (the flag is then defined), whichever backend is used.
        MimirProcess.Result s3Setting = MimirProcess.run(dir, Map.of(), "-modules.graph", "-target=overrides-exporter",
                "-blocks-storage.s3.endpoint=127.0.0.1:9000", "-blocks-storage.gcs.bucket-name=b");
        assertThat(s3Setting.exitCode()).as(s3Setting.stderr()).isEqualTo(0);
        assertThat(s3Setting.stdout()).contains("s3  module-layer  loaded: 1 provider(s)", "gcs  classpath  loaded: 1 provider(s)",
                "azure  module-layer  not loaded: ");

        MimirProcess.Result help = MimirProcess.run(dir, Map.of(), "-help-all");
        assertThat(help.stdout()).contains("-blocks-storage.s3.bucket-name", "-ruler-storage.azure.container-name",
                "-alertmanager-storage.gcs.service-account", "-common.storage.s3.sse.kms-key-id", "-blocks-storage.storage-prefix");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void imageWithoutTheS3FolderHasNoS3Backend() throws Exception {
        Path plugins = pluginsWithout("s3");
        Map<String, String> env = Map.of("JAVA_OPTS", "-Dmimir.plugins.dir=" + plugins);
        MimirProcess.Result text = MimirProcess.run(dir, env, "-modules.graph", "-target=overrides-exporter", "-blocks-storage.backend=s3",
                "-ruler-storage.backend=azure", "-alertmanager-storage.backend=gcs");
        assertThat(text.exitCode()).isEqualTo(0);
        assertThat(text.stdout()).contains("azure  module-layer  loaded", "gcs  classpath  loaded")
                .doesNotContain("ObjectStoreProvider s3 ", "plugin:s3");
        assertThat(MimirProcess.run(dir, env, "-help-all").stdout()).doesNotContain("-blocks-storage.s3.bucket-name")
                .contains("-blocks-storage.azure.container-name");
    }

    @Test
    void bucketValidationRoundTripsOnTheFilesystemBackend() throws Exception {
        Path bucket = Files.createDirectories(dir.resolve("bucket"));
        MimirProcess.Result result = MimirProcess.run(dir, Map.of(), "-bucket-validation", OBJECTS, "-bucket-validation.test-runs=2",
                "-blocks-storage.backend=filesystem", "-blocks-storage.filesystem.dir=" + bucket);
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(0);
        assertThat(result.stdout()).contains("bucket validation passed: -blocks-storage backend=filesystem objects=25 test_runs=2");
        assertThat(result.stderr()).contains("testrun_successful=2", "phase=\"deleting test objects\" completed=25 total=25");
        try (Stream<Path> left = Files.walk(bucket)) {
            assertThat(left.filter(Files::isRegularFile)).as("test objects are deleted").isEmpty();
        }
        MimirProcess.Result ruler = MimirProcess.run(dir, Map.of(), "-bucket-validation", OBJECTS, "-bucket-validation.storage=ruler-storage",
                "-common.storage.backend=filesystem", "-common.storage.filesystem.dir=" + bucket);
        assertThat(ruler.exitCode()).as(ruler.stderr()).isEqualTo(0);
        assertThat(ruler.stdout()).contains("bucket validation passed: -ruler-storage backend=filesystem objects=25");
        MimirProcess.Result badPrefix = MimirProcess.run(dir, Map.of(), "-bucket-validation", "-bucket-validation.storage=ruler-storage",
                "-common.storage.filesystem.dir=" + bucket, "-ruler-storage.storage-prefix=a/b");
        assertThat(badPrefix.exitCode()).isEqualTo(1);
        assertThat(badPrefix.stderr()).contains("-ruler-storage.storage-prefix=a/b: storage prefix contains invalid characters");

        MimirProcess.Result badFlag = MimirProcess.run(dir, Map.of(), "-bucket-validation", "-bucket-validation.object-count=0",
                "-blocks-storage.filesystem.dir=" + bucket);
        assertThat(badFlag.exitCode()).isEqualTo(1);
        assertThat(badFlag.stderr()).contains("-bucket-validation.object-count must be at least 1");
    }

    @Test
    void s3IsADropInPlugin() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start("256m");
                S3Client admin = S3Admin.client(server)) {
            admin.createBucket(b -> b.bucket("drop-in"));
            List<String> args = List.of("-bucket-validation", OBJECTS, "-blocks-storage.backend=s3", "-blocks-storage.s3.endpoint=" + server.endpoint(),
                    "-blocks-storage.s3.insecure=true", "-blocks-storage.s3.bucket-name=drop-in",
                    "-blocks-storage.s3.access-key-id=" + S3ProxyServer.IDENTITY, "-blocks-storage.s3.secret-access-key=" + S3ProxyServer.CREDENTIAL);
            Map<String, String> env = dropIn("s3", args, Map.of());
            assertThat(admin.listObjectsV2(b -> b.bucket("drop-in")).contents()).as("test objects are deleted").isEmpty();

            List<String> wrongSecret = new ArrayList<>(args);
            wrongSecret.set(wrongSecret.size() - 1, "-blocks-storage.s3.secret-access-key=wrong");
            MimirProcess.Result denied = MimirProcess.run(dir, env, wrongSecret.toArray(String[]::new));
            assertThat(denied.exitCode()).isEqualTo(1);
            assertThat(denied.stderr()).contains("-blocks-storage.s3");
        }
    }

    @Test
    void azureIsADropInPlugin() throws Exception {
        try (AzuriteServer server = AzuriteServer.start()) {
            BlobServiceClient admin = new BlobServiceClientBuilder().connectionString(server.connectionString()).buildClient();
            admin.createBlobContainer("drop-in");
            dropIn("azure", List.of("-bucket-validation", OBJECTS, "-blocks-storage.backend=azure",
                    "-blocks-storage.azure.connection-string=" + server.connectionString(), "-blocks-storage.azure.container-name=drop-in"), Map.of());
            assertThat(admin.getBlobContainerClient("drop-in").listBlobs()).as("test objects are deleted").isEmpty();
        }
    }

    @Test
    void gcsIsADropInPlugin() throws Exception {
        try (FakeGcsServer server = new FakeGcsServer(1000)) {
            server.createBucket("drop-in");
            dropIn("gcs", List.of("-bucket-validation", OBJECTS, "-blocks-storage.backend=gcs", "-blocks-storage.gcs.bucket-name=drop-in"),
                    Map.of("STORAGE_EMULATOR_HOST", server.endpoint()));
        }
    }

    /**
     * Runs {@code args} in an image whose plugins folder lacks {@code plugin}: refused, and {@code -modules.graph} says why;
     * then copies the image's folder of that plugin in and runs them again: they must pass. Returns the environment used.
     */
    private Map<String, String> dropIn(String plugin, List<String> args, Map<String, String> extraEnv) throws Exception {
        Path image = MimirProcess.image();
        Path plugins = pluginsWithout(plugin);
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("JAVA_OPTS", "-Dmimir.plugins.dir=" + plugins);

        MimirProcess.Result refused = MimirProcess.run(dir, env, args.toArray(String[]::new));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("the " + plugin + " storage backend is not installed in this image",
                "plugins go in " + plugins + "/<name>/, e.g. copy the " + plugin + " plugin folder there");
        MimirProcess.Result backendOnly = MimirProcess.run(dir, env, "-bucket-validation", "-blocks-storage.backend=" + plugin);
        assertThat(backendOnly.exitCode()).isEqualTo(1);
        assertThat(backendOnly.stderr()).contains("-bucket-validation needs storage backend " + plugin + " for blocks-storage",
                "-blocks-storage.backend=" + plugin + ": storage backend " + plugin + " is not installed in this image",
                "plugins go in " + plugins + "/<name>/");
        MimirProcess.Result graph = MimirProcess.run(dir, env, "-bucket-validation", "-blocks-storage.backend=" + plugin, "-modules.graph");
        assertThat(graph.exitCode()).isEqualTo(0);
        assertThat(graph.stdout()).contains("blocks-storage", "storage backend " + plugin + " is not installed in this image")
                .doesNotContain("plugin:" + plugin, "ObjectStoreProvider " + plugin + " ");

        copyTree(image.resolve("plugins").resolve(plugin), plugins.resolve(plugin));
        MimirProcess.Result passed = MimirProcess.run(dir, env, args.toArray(String[]::new));
        assertThat(passed.exitCode()).as(passed.stderr()).isEqualTo(0);
        assertThat(passed.stdout()).contains("bucket validation passed: -blocks-storage backend=" + plugin + " objects=25 test_runs=1");
        MimirProcess.Result loaded = MimirProcess.run(dir, env, "-bucket-validation", "-blocks-storage.backend=" + plugin, "-modules.graph");
        assertThat(loaded.stdout()).contains("ObjectStoreProvider " + plugin + " ").doesNotContain("is not installed");
        return env;
    }

    /** A plugins folder for {@code -Dmimir.plugins.dir} linking every plugin folder of the image except {@code plugin}. */
    private Path pluginsWithout(String plugin) throws IOException {
        Path image = MimirProcess.image();
        Path plugins = Files.createDirectories(dir.resolve("plugins-without-" + plugin));
        try (var folders = Files.list(image.resolve("plugins"))) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                if (!folder.getFileName().toString().equals(plugin)) {
                    Files.createSymbolicLink(plugins.resolve(folder.getFileName()), folder);
                }
            }
        }
        return plugins;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
