package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's one-shot commands and its errors, run against the built image. */
class TestImageCommands {
    @TempDir
    Path dir;

    @Test
    void modulesPrintsMimirsFormat() throws Exception {
        MimirProcess.Result result = MimirProcess.run(dir, Map.of(), "-modules");
        assertThat(result.exitCode()).isEqualTo(0);
        assertThat(result.stdout()).isEqualTo("""
                alertmanager
                all
                backend
                compactor *
                distributor *
                ingester *
                overrides-exporter
                querier *
                query-frontend *
                query-scheduler *
                read
                ruler *
                store-gateway *
                write

                Modules marked with * are included in target All.
                """);
    }

    @Test
    void moduleGraphShowsModulesJpmsModulesProvidersAndPlugins() throws Exception {
        MimirProcess.Result json = MimirProcess.run(dir, Map.of(), "-modules.graph=json", "-target=overrides-exporter");
        assertThat(json.exitCode()).isEqualTo(0);
        assertThat(json.stdout()).contains("\"can_start\" : true", "\"name\" : \"overrides-exporter\"", "\"module\" : \"mimir.overridesexporter\"",
                "\"layer\" : \"plugin:filesystem\"", "\"module\" : \"mimir.storage.filesystem\"", "\"missing\" : [ ]");

        MimirProcess.Result text = MimirProcess.run(dir, Map.of(), "-modules.graph", "-target=overrides-exporter");
        assertThat(text.stdout()).contains("can start: yes", "overrides-exporter", "depends-on=[overrides, memberlist-kv, vault]",
                "filesystem  module-layer  loaded");
        assertThat(text.stdout().indexOf("  server ")).isLessThan(text.stdout().indexOf("  overrides-exporter "));

        MimirProcess.Result dot = MimirProcess.run(dir, Map.of(), "-modules.graph=dot", "-target=overrides-exporter");
        assertThat(dot.stdout()).startsWith("digraph mimir {").contains("\"overrides-exporter\" -> \"overrides\";");

        MimirProcess.Result all = MimirProcess.run(dir, Map.of(), "-modules.graph", "-target=all");
        assertThat(all.stdout()).contains("can start: yes", "  ruler ");
        MimirProcess.Result missing = MimirProcess.run(dir, Map.of(), "-modules.graph", "-target=write,block-builder");
        assertThat(missing.stdout()).contains("can start: no", "target block-builder is a Mimir module that is not installed in this image");
    }

    @Test
    void helpAndVersion() throws Exception {
        MimirProcess.Result help = MimirProcess.run(dir, Map.of(), "-help");
        assertThat(help.exitCode()).isEqualTo(0);
        assertThat(help.stdout()).contains("-server.http-listen-port", "-target").doesNotContain("-server.graceful-shutdown-timeout");
        assertThat(MimirProcess.run(dir, Map.of(), "-help-all").stdout()).contains("-server.graceful-shutdown-timeout", "-overrides-exporter.enabled-metrics");
        MimirProcess.Result version = MimirProcess.run(dir, Map.of(), "--version");
        assertThat(version.exitCode()).isEqualTo(0);
        assertThat(version.stdout()).startsWith("Mimir, version ");
    }

    @Test
    void badInputExitsOneWithAMessage() throws Exception {
        MimirProcess.Result unknownFlag = MimirProcess.run(dir, Map.of(), "-no.such-flag=1");
        assertThat(unknownFlag.exitCode()).isEqualTo(1);
        assertThat(unknownFlag.stderr()).contains("flag provided but not defined: -no.such-flag");

        MimirProcess.Result absent = MimirProcess.run(dir, Map.of(), "-target=block-builder");
        assertThat(absent.exitCode()).isEqualTo(1);
        assertThat(absent.stderr()).contains("block-builder", "not installed in this image", "available targets: alertmanager, all, backend, "
                + "compactor, distributor, ingester, overrides-exporter, querier, query-frontend, query-scheduler, read, ruler, store-gateway, write");

        MimirProcess.Result unknown = MimirProcess.run(dir, Map.of(), "-target=nope");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("unrecognised module name: nope");

        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "server:\n  http_listen_port: 1\n  no_such_key: 2\n");
        MimirProcess.Result badYaml = MimirProcess.run(dir, Map.of(), "-config.file=" + config, "-target=overrides-exporter");
        assertThat(badYaml.exitCode()).isEqualTo(1);
        assertThat(badYaml.stderr()).contains("no_such_key", "line 3");
    }

    @Test
    void pluginHoldingABootModuleIsRejectedWithTheReason() throws Exception {
        Path image = MimirProcess.image();
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins.resolve("filesystem"));
        try (var jars = Files.list(image.resolve("plugins/filesystem"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, plugins.resolve("filesystem").resolve(jar.getFileName()));
            }
        }
        Files.createDirectories(plugins.resolve("broken"));
        try (var jars = Files.list(image.resolve("lib"))) {
            Path spi = jars.filter(p -> p.getFileName().toString().startsWith("mimir-spi")).findFirst().orElseThrow();
            Files.copy(spi, plugins.resolve("broken").resolve(spi.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        MimirProcess.Result result = MimirProcess.run(dir, Map.of("JAVA_OPTS", "-Dmimir.plugins.dir=" + plugins), "-modules.graph", "-target=overrides-exporter");
        assertThat(result.exitCode()).isEqualTo(0);
        assertThat(result.stdout()).contains("broken  module-layer  REJECTED: holds modules the boot layer (lib/) already has: mimir.spi",
                "filesystem  module-layer  loaded");
    }
}
