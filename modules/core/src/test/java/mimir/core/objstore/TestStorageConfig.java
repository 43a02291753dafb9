package mimir.core.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreProvider;
import mimir.spi.objstore.StorageScope;
import mimir.testing.TestingConfigValues;
import org.junit.jupiter.api.Test;

class TestStorageConfig {
    /** A backend that records the directory it was opened with. */
    private static final class DirectoryBackend implements ObjectStoreProvider {
        final List<String> opened = new ArrayList<>();
        final java.util.Map<StorageScope, Setting<String>> dirs = new java.util.HashMap<>();

        @Override
        public String name() {
            return "filesystem";
        }

        @Override
        public List<Setting<?>> settings(StorageScope scope) {
            Setting<String> dir = Setting.basic(scope.flag("filesystem.dir"), scope.yaml("filesystem.dir"), ValueTypes.STRING,
                    scope.defaultDirectory(), "dir");
            dirs.put(scope, dir);
            return List.of(dir);
        }

        @Override
        public ObjectStore open(StorageScope scope, ConfigValues values) {
            opened.add(scope.flagPrefix() + "=" + values.get(dirs.get(scope)));
            return new ObjectStore() {
                @Override
                public String backend() {
                    return "filesystem";
                }

                @Override
                public java.io.InputStream get(String key) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public java.io.InputStream getRange(String key, long offset, long length) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void put(String key, java.io.InputStream data) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void delete(String key) {}

                @Override
                public Optional<ObjectAttributes> attributes(String key) {
                    return Optional.empty();
                }

                @Override
                public void list(String prefix, ListMode mode, Consumer<String> consumer) {}

                @Override
                public void close() {}
            };
        }
    }

    private final DirectoryBackend backend = new DirectoryBackend();
    private final StorageConfig storage = new StorageConfig(List.of(backend), Path.of("/opt/mimir/plugins"));

    private TestingConfigValues defaults() {
        return TestingConfigValues.defaults(storage.allSettings());
    }

    @Test
    void eachScopeHasItsOwnDefaultDirectory() throws Exception {
        storage.bind(defaults());
        storage.open(StorageScope.BLOCKS).close();
        storage.open(StorageScope.RULER).close();
        assertThat(backend.opened).containsExactly("blocks-storage=blocks", "ruler-storage=ruler");
    }

    @Test
    void commonStorageFillsWhatAScopeLeavesUnset() throws Exception {
        storage.bind(defaults().with(backend.dirs.get(StorageScope.COMMON), "/data/common")
                .with(backend.dirs.get(StorageScope.RULER), "/data/rules"));
        storage.open(StorageScope.BLOCKS).close();
        storage.open(StorageScope.RULER).close();
        assertThat(backend.opened).containsExactly("blocks-storage=/data/common", "ruler-storage=/data/rules");
    }

    @Test
    void missingBackendNamesTheFlagAndWherePluginsGo() {
        Setting<?> commonBackend = storage.allSettings().stream().filter(s -> s.flag().equals("common.storage.backend")).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Setting<String> typed = (Setting<String>) commonBackend;
        storage.bind(defaults().with(typed, "s3"));
        assertThat(storage.backend(StorageScope.BLOCKS)).isEqualTo("s3");
        assertThatThrownBy(() -> storage.open(StorageScope.BLOCKS))
                .hasMessageContaining("-blocks-storage.backend=s3: storage backend s3 is not installed in this image (installed: filesystem)")
                .hasMessageContaining("/opt/mimir/plugins/<name>/");
    }

    @Test
    void unknownSettingsOfAMissingBackendSayTheBackendIsNotInstalled() {
        assertThat(storage.unknownSettingHint("flag provided but not defined: -blocks-storage.s3.endpoint")).get().asString()
                .contains("the s3 storage backend is not installed in this image (installed: filesystem)", "/opt/mimir/plugins/<name>/");
        assertThat(storage.unknownSettingHint("cfg.yaml: line 3: field azure not found in ruler_storage")).get().asString()
                .startsWith("the azure storage backend is not installed");
        assertThat(storage.unknownSettingHint("flag provided but not defined: -common.storage.gcs.bucket-name")).isPresent();
        assertThat(storage.unknownSettingHint("flag provided but not defined: -blocks-storage.filesystem.nope")).as("installed backend").isEmpty();
        assertThat(storage.unknownSettingHint("flag provided but not defined: -foo.s3.endpoint")).isEmpty();
        assertThat(storage.unknownSettingHint("cfg.yaml: line 3: field s3 not found in limits")).isEmpty();
    }
}
