package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object-store backends of the full image are drop-in plugin folders: plugins/s3 and plugins/azure load as module
 * layers, plugins/gcs classpath-style, each providing its backend; without plugins/s3 the s3 backend is simply absent.
 * (The drop-in test that refuses -blocks-storage.backend=s3 and then works after copying the folder needs a component
 * that opens blocks storage; it waits for the first one.)
 */
class TestStoragePlugins {
    @TempDir
    Path dir;

    @Test
    void fullImageLoadsEveryBackendPlugin() throws Exception {
        MimirProcess.Result json = MimirProcess.run(dir, Map.of(), "-modules.graph=json", "-target=overrides-exporter");
        assertThat(json.exitCode()).isEqualTo(0);
        assertThat(json.stdout()).contains("\"layer\" : \"plugin:s3\"", "\"module\" : \"mimir.storage.s3\"",
                "\"layer\" : \"plugin:azure\"", "\"module\" : \"mimir.storage.azure\"", "\"layer\" : \"plugin:gcs\"");
        MimirProcess.Result text = MimirProcess.run(dir, Map.of(), "-modules.graph", "-target=overrides-exporter");
        assertThat(text.stdout()).contains("s3  module-layer  loaded: 1 provider(s)", "azure  module-layer  loaded: 1 provider(s)",
                "gcs  classpath  loaded: 1 provider(s)", "ObjectStoreProvider s3 ", "ObjectStoreProvider azure ", "ObjectStoreProvider gcs ")
                .doesNotContain("REJECTED");
        MimirProcess.Result help = MimirProcess.run(dir, Map.of(), "-help-all");
        assertThat(help.stdout()).contains("-blocks-storage.s3.bucket-name", "-ruler-storage.azure.container-name",
                "-alertmanager-storage.gcs.service-account", "-common.storage.s3.sse.kms-key-id", "-blocks-storage.storage-prefix");
    }

    @Test
    void imageWithoutTheS3FolderHasNoS3Backend() throws Exception {
        Path image = MimirProcess.image();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (var folders = Files.list(image.resolve("plugins"))) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                if (!folder.getFileName().toString().equals("s3")) {
                    Files.createSymbolicLink(plugins.resolve(folder.getFileName()), folder);
                }
            }
        }
        Map<String, String> env = Map.of("JAVA_OPTS", "-Dmimir.plugins.dir=" + plugins);
        MimirProcess.Result text = MimirProcess.run(dir, env, "-modules.graph", "-target=overrides-exporter");
        assertThat(text.exitCode()).isEqualTo(0);
        assertThat(text.stdout()).contains("azure  module-layer  loaded", "gcs  classpath  loaded")
                .doesNotContain("ObjectStoreProvider s3 ", "plugin:s3");
        assertThat(MimirProcess.run(dir, env, "-help-all").stdout()).doesNotContain("-blocks-storage.s3.bucket-name")
                .contains("-blocks-storage.azure.container-name");
    }
}
