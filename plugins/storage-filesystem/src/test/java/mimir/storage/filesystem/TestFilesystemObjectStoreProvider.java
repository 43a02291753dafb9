package mimir.storage.filesystem;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import mimir.spi.config.Category;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreProvider;
import mimir.spi.objstore.StorageScope;
import mimir.testing.TestingConfigValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFilesystemObjectStoreProvider {
    private final FilesystemObjectStoreProvider provider = new FilesystemObjectStoreProvider();

    @TempDir
    Path scratch;

    @Test
    void nameSelectsTheBackend() {
        assertThat(provider.name()).isEqualTo("filesystem");
    }

    @Test
    void blocksStorageDirectorySetting() {
        assertThat(provider.settings(StorageScope.BLOCKS)).singleElement().satisfies(setting -> {
            assertThat(setting.flag()).isEqualTo("blocks-storage.filesystem.dir");
            assertThat(setting.yamlPath()).isEqualTo("blocks_storage.filesystem.dir");
            assertThat(setting.type()).isSameAs(ValueTypes.STRING);
            assertThat(setting.defaultValue()).isEqualTo("blocks");
            assertThat(setting.help()).isEqualTo("Local filesystem storage directory.");
            assertThat(setting.category()).isEqualTo(Category.BASIC);
        });
    }

    @Test
    void everyScopeHasItsOwnDirectorySetting() {
        assertThat(directorySetting(StorageScope.COMMON).flag()).isEqualTo("common.storage.filesystem.dir");
        assertThat(directorySetting(StorageScope.COMMON).yamlPath()).isEqualTo("common.storage.filesystem.dir");
        assertThat(directorySetting(StorageScope.COMMON).defaultValue()).isEmpty();
        assertThat(directorySetting(StorageScope.RULER).flag()).isEqualTo("ruler-storage.filesystem.dir");
        assertThat(directorySetting(StorageScope.RULER).defaultValue()).isEqualTo("ruler");
        assertThat(directorySetting(StorageScope.ALERTMANAGER).yamlPath()).isEqualTo("alertmanager_storage.filesystem.dir");
        assertThat(directorySetting(StorageScope.ALERTMANAGER).defaultValue()).isEqualTo("alertmanager");
    }

    @Test
    void openWithoutDirectoryNamesTheFlag() {
        TestingConfigValues values = TestingConfigValues.defaults(provider.settings(StorageScope.COMMON));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.COMMON, values))
                .withMessage("-common.storage.filesystem.dir must be set");
    }

    @Test
    void openCreatesTheConfiguredDirectory() throws IOException {
        Path directory = scratch.resolve("data/blocks");
        TestingConfigValues values = TestingConfigValues.defaults(provider.settings(StorageScope.BLOCKS))
                .with(directorySetting(StorageScope.BLOCKS), directory.toString());

        try (ObjectStore store = provider.open(StorageScope.BLOCKS, values)) {
            assertThat(store.backend()).isEqualTo("filesystem");
            store.put("tenant-1/object", "x".getBytes(UTF_8));
            try (InputStream input = store.get("tenant-1/object")) {
                assertThat(input.readAllBytes()).asString(UTF_8).isEqualTo("x");
            }
        }
        assertThat(directory.resolve("tenant-1/object")).hasContent("x");
    }

    @Test
    void serviceLoaderFindsTheProviderThroughTheModuleDescriptor() {
        Module module = FilesystemObjectStoreProvider.class.getModule();
        // Only meaningful when the tests run inside the named module, as Surefire runs them.
        assertThat(module.getName()).isEqualTo("mimir.storage.filesystem");
        assertThat(module.getDescriptor().provides()).singleElement().satisfies(provides -> {
            assertThat(provides.service()).isEqualTo(ObjectStoreProvider.class.getName());
            assertThat(provides.providers()).containsExactly(FilesystemObjectStoreProvider.class.getName());
        });
        // The module declares no `uses`; a module may add one to itself, as a launcher's descriptor would.
        module.addUses(ObjectStoreProvider.class);

        List<ObjectStoreProvider> found = ServiceLoader.load(ObjectStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.name().equals("filesystem"))
                .toList();

        assertThat(found).singleElement().isInstanceOf(FilesystemObjectStoreProvider.class);
    }

    @SuppressWarnings("unchecked")
    private Setting<String> directorySetting(StorageScope scope) {
        return (Setting<String>) provider.settings(scope).getFirst();
    }
}
