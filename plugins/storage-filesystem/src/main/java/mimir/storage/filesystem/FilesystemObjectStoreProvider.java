package mimir.storage.filesystem;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreProvider;
import mimir.spi.objstore.StorageScope;

/**
 * The ServiceLoader entry of the filesystem backend: {@code -<scope>.backend=filesystem}, configured
 * by {@code -<scope>.filesystem.dir} (Mimir's flag, help text and per-scope default).
 */
public final class FilesystemObjectStoreProvider implements ObjectStoreProvider {
    private static final String DIRECTORY_SUFFIX = "filesystem.dir";

    // Settings are identity-compared, so open() must read with the very objects settings() returned.
    private final ConcurrentMap<StorageScope, Setting<String>> directorySettings = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public List<Setting<?>> settings(StorageScope scope) {
        return List.of(directorySetting(scope));
    }

    /**
     * @throws IllegalArgumentException if {@code -<scope>.filesystem.dir} is empty or not a path
     */
    @Override
    public ObjectStore open(StorageScope scope, ConfigValues values) throws IOException {
        requireNonNull(values, "values is null");
        Setting<String> setting = directorySetting(scope);
        String directory = values.get(setting);
        if (directory.isEmpty()) {
            throw new IllegalArgumentException("-" + setting.flag() + " must be set");
        }
        Path path;
        try {
            path = Path.of(directory);
        }
        catch (InvalidPathException e) {
            throw new IllegalArgumentException("-" + setting.flag() + " is not a valid path: " + directory, e);
        }
        return new FilesystemObjectStore(path);
    }

    private Setting<String> directorySetting(StorageScope scope) {
        requireNonNull(scope, "scope is null");
        return directorySettings.computeIfAbsent(scope, _ -> Setting.basic(
                scope.flag(DIRECTORY_SUFFIX),
                scope.yaml(DIRECTORY_SUFFIX),
                ValueTypes.STRING,
                scope.defaultDirectory(),
                "Local filesystem storage directory."));
    }
}
