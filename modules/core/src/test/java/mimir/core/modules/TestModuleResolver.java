package mimir.core.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.core.plugins.ProviderInfo;
import org.junit.jupiter.api.Test;

class TestModuleResolver {
    private static final ProviderInfo ORIGIN = new ProviderInfo("core", "test", "Test", "mimir.core", "", "boot", "", new Object());

    private static Map<String, ModuleDefinition> installed(String... nameAndDeps) {
        Map<String, ModuleDefinition> modules = new LinkedHashMap<>();
        for (String entry : nameAndDeps) {
            String[] parts = entry.split(":", -1);
            List<String> deps = parts[1].isEmpty() ? List.of() : List.of(parts[1].split(","));
            boolean visible = parts.length > 2 && parts[2].equals("visible");
            modules.put(parts[0], new ModuleDefinition(parts[0], deps, visible, ORIGIN, List.of(), "", List::of));
        }
        return modules;
    }

    @Test
    void dependenciesComeFirstAndEachModuleOnce() {
        var modules = installed("server:", "api:server", "runtime-config:api", "overrides:runtime-config", "vault:",
                "memberlist-kv:api,vault", "overrides-exporter:overrides,memberlist-kv,vault:visible");
        var resolution = ModuleResolver.resolve(List.of("overrides-exporter"), modules, "");
        assertThat(resolution.ok()).isTrue();
        List<String> order = resolution.modules().stream().map(ModuleDefinition::name).toList();
        assertThat(order).containsExactly("server", "api", "vault", "memberlist-kv", "runtime-config", "overrides", "overrides-exporter");
    }

    @Test
    void missingDependencyNamesTheChain() {
        var modules = installed("api:", "overrides-exporter:overrides,api:visible");
        var resolution = ModuleResolver.resolve(List.of("overrides-exporter"), modules, "");
        assertThat(resolution.problems()).containsExactly(
                "target overrides-exporter needs module overrides (overrides-exporter -> overrides), which is not installed in this image");
    }

    @Test
    void absentUnknownAndInternalTargetsAreExplained() {
        var modules = installed("api:", "overrides-exporter:api:visible");
        assertThat(ModuleResolver.resolve(List.of("block-builder"), modules, "").problems()).singleElement().asString()
                .contains("target block-builder is a Mimir module that is not installed in this image: no ComponentProvider named block-builder",
                        "available targets: overrides-exporter");
        assertThat(ModuleResolver.resolve(List.of("bogus"), modules, "").problems()).singleElement().asString()
                .startsWith("unrecognised module name: bogus");
        assertThat(ModuleResolver.resolve(List.of("api"), modules, "").problems()).singleElement().asString()
                .startsWith("module api is internal");
        assertThat(ModuleResolver.resolve(List.of("backend"), modules, "").problems()).singleElement().asString()
                .contains("target backend needs modules that are not installed in this image: alertmanager, compactor, query-scheduler, ruler, store-gateway");
    }

    @Test
    void targetOfAnotherImageNamesTheImagesThatHaveIt() {
        var modules = installed("api:", "distributor:api:visible", "ingester:api:visible");
        assertThat(ModuleResolver.resolve(List.of("querier"), modules, "mimir-write").problems()).containsExactly(
                "target querier is not in this image (mimir-write); it is in mimir-all, mimir-read "
                        + "(available targets: distributor, ingester, write)");
        assertThat(ModuleResolver.resolve(List.of("store-gateway"), modules, "").problems()).singleElement().asString()
                .startsWith("target store-gateway is not in this image; it is in mimir-all, mimir-backend (");
        assertThat(ModuleResolver.resolve(List.of("read"), modules, "mimir-write").problems()).containsExactly(
                "target read needs modules that are not installed in this image (mimir-write): querier, query-frontend; "
                        + "they are in mimir-all, mimir-read (available targets: distributor, ingester, write)");
        assertThat(ModuleResolver.resolve(List.of("write"), modules, "mimir-write").ok()).isTrue();
    }

    @Test
    void componentCarriedAsALibraryIsNotATarget() {
        // The backend image carries the distributor's jar for the ruler's distributor-service: the launcher
        // installs its distributor provider as not targetable there.
        assertThat(ModuleCatalog.isComponentOf("mimir-backend", "distributor")).isFalse();
        assertThat(ModuleCatalog.isComponentOf("mimir-backend", "ruler")).isTrue();
        assertThat(ModuleCatalog.isComponentOf("mimir-ruler", "distributor")).isTrue();
        var modules = installed("api:", "distributor-service:api", "distributor:distributor-service", "ruler:distributor-service:visible");
        assertThat(ModuleResolver.resolve(List.of("distributor"), modules, "mimir-backend").problems()).containsExactly(
                "target distributor is not in this image (mimir-backend); it is in mimir-all, mimir-write "
                        + "(its jar is here as a library of this image's components; available targets: ruler)");
        assertThat(ModuleResolver.resolve(List.of("ruler"), modules, "mimir-backend").modules()).extracting(ModuleDefinition::name)
                .containsExactly("api", "distributor-service", "ruler");
    }

    @Test
    void imagesAreTheDeploymentModesAndAllHasEveryComponent() {
        assertThat(ModuleCatalog.IMAGES).containsOnlyKeys("mimir-all", "mimir-write", "mimir-read", "mimir-backend");
        assertThat(ModuleCatalog.IMAGES.get("mimir-write")).containsExactlyInAnyOrder("distributor", "ingester");
        assertThat(ModuleCatalog.IMAGES.get("mimir-read")).containsExactlyInAnyOrder("query-frontend", "querier");
        assertThat(ModuleCatalog.IMAGES.get("mimir-all")).containsExactly("alertmanager", "compactor", "distributor", "ingester",
                "overrides-exporter", "querier", "query-frontend", "query-scheduler", "ruler", "store-gateway");
        assertThat(ModuleCatalog.imagesWith(List.of("ruler"))).containsExactly("mimir-all", "mimir-backend");
    }

    @Test
    void cycleIsReported() {
        var modules = installed("a:b:visible", "b:a");
        assertThat(ModuleResolver.resolve(List.of("a"), modules, "").problems()).singleElement().asString().contains("cycle: a -> b -> a");
    }

    @Test
    void modulesListingHasMimirsLayoutAndOnlyTheAggregatesThisImageCanRun() {
        var modules = installed("api:", "overrides-exporter:api:visible", "querier:api:visible", "query-frontend:api:visible",
                "memberlist-kv:api:visible");
        assertThat(ModuleResolver.modulesListing(modules)).isEqualTo("""
                memberlist-kv *
                overrides-exporter
                querier *
                query-frontend *
                read

                Modules marked with * are included in target All.
                """);
    }
}
