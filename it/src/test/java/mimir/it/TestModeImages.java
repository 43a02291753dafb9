package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images of one deployment mode (distribution/write, read, backend) carry only their mode's
 * components, say so in {@code -modules}, and send a user who targets another component to the images
 * that have it. Their plugin folders are the mimir-all image's: every storage plugin loads in them.
 */
class TestModeImages {
    private static final List<String> COMPONENTS = List.of("alertmanager", "compactor", "distributor", "ingester", "overrides-exporter",
            "querier", "query-frontend", "query-scheduler", "ruler", "store-gateway");

    @TempDir
    Path dir;

    @Test
    void writeImageLibHoldsNoOtherComponent() throws Exception {
        Path lib = MimirProcess.image("write").resolve("lib");
        List<String> jars;
        try (var files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).anyMatch(jar -> jar.startsWith("mimir-core-")).anyMatch(jar -> jar.startsWith("mimir-distributor-0"))
                .anyMatch(jar -> jar.startsWith("mimir-ingester-0"));
        for (String component : COMPONENTS) {
            if (!component.equals("distributor") && !component.equals("ingester")) {
                assertThat(jars).as("lib/ of mimir-write").noneMatch(jar -> jar.matches("mimir-" + component + "-[0-9].*\\.jar"));
            }
        }
    }

    @Test
    void targetOfAnotherImageExitsOneNamingTheImagesThatHaveIt() throws Exception {
        MimirProcess.Result querier = MimirProcess.run(MimirProcess.image("write"), dir, Map.of(), "-target=querier");
        assertThat(querier.exitCode()).isEqualTo(1);
        assertThat(querier.stderr()).contains("target querier is not in this image (mimir-write); it is in mimir-all, mimir-read");
    }

    @Test
    void modulesListsWhatEachModeImageHas() throws Exception {
        assertThat(modules("write")).isEqualTo("""
                distributor *
                ingester *
                write

                Modules marked with * are included in target All.
                """);
        assertThat(modules("read")).isEqualTo("""
                querier *
                query-frontend *
                read

                Modules marked with * are included in target All.
                """);
        assertThat(modules("backend")).isEqualTo("""
                alertmanager
                backend
                compactor *
                overrides-exporter
                query-scheduler *
                ruler *
                store-gateway *

                Modules marked with * are included in target All.
                """);
    }

    @Test
    void everyStoragePluginLoadsInTheWriteImage() throws Exception {
        MimirProcess.Result graph = MimirProcess.run(MimirProcess.image("write"), dir, Map.of(), "-modules.graph", "-target=write",
                "-blocks-storage.backend=s3", "-ruler-storage.backend=azure", "-alertmanager-storage.backend=gcs");
        assertThat(graph.exitCode()).isEqualTo(0);
        assertThat(graph.stdout()).startsWith("image: mimir-write\ntarget: write (= distributor,ingester)\n")
                .contains("filesystem  module-layer  loaded", "s3  module-layer  loaded", "azure  module-layer  loaded", "gcs  classpath  loaded");
    }

    @Test
    void componentSettingsTableIsTheOneOfMimirAll() throws Exception {
        // core's table of every component's settings (what a mode image ignores instead of refusing) is
        // exactly what mimir-all's components register; regenerate it with the command of the message.
        Path dump = dir.resolve("component-settings.tsv");
        MimirProcess.Result result = MimirProcess.run(MimirProcess.image(), dir, Map.of("JAVA_OPTS", "-Dmimir.settings.dump=" + dump));
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(0);
        Path checkedIn = Path.of("../modules/core/src/main/resources/mimir/core/config/component-settings.tsv");
        assertThat(Files.readString(checkedIn)).as("%s differs from mimir-all's settings: regenerate it with "
                + "JAVA_OPTS=-Dmimir.settings.dump=$PWD/%s distribution/target/mimir-all/bin/mimir", checkedIn, "modules/core/src/main/resources/mimir/core/config/component-settings.tsv")
                .isEqualTo(Files.readString(dump));
    }

    @Test
    void everyModeImageReadsOneSharedConfiguration() throws Exception {
        // The same flags and YAML file for every mode, as with Mimir's single binary: settings of components an
        // image lacks are ignored (and logged), a setting no component has is still refused.
        Path config = dir.resolve("mimir.yaml");
        Files.writeString(config, """
                querier:
                  timeout: 1m
                ingester:
                  ring:
                    replication_factor: 1
                  instance_limits:
                    max_series: 1000
                query_scheduler:
                  max_outstanding_requests_per_tenant: 50
                """);
        for (String mode : List.of("write", "read", "backend")) {
            MimirProcess.Result result = MimirProcess.run(MimirProcess.image(mode), dir, Map.of(), "-config.file=" + config, "-modules",
                    "-querier.max-concurrent", "4", "-ingester.max-global-series-per-user=10", "-distributor.remote-timeout", "3s",
                    "-compactor.block-ranges=2h,12h", "-query-frontend.cache-results");
            assertThat(result.exitCode()).as(mode + ": " + result.stderr()).isEqualTo(0);
        }
        MimirProcess.Result typo = MimirProcess.run(MimirProcess.image("write"), dir, Map.of(), "-config.file=" + config, "-modules", "-querier.max-concurent=4");
        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.stderr()).contains("flag provided but not defined: -querier.max-concurent");
    }

    private String modules(String mode) throws Exception {
        MimirProcess.Result result = MimirProcess.run(MimirProcess.image(mode), dir, Map.of(), "-modules");
        assertThat(result.exitCode()).isEqualTo(0);
        return result.stdout();
    }
}
