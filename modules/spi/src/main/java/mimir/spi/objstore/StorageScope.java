package mimir.spi.objstore;

import static java.util.Objects.requireNonNull;

/**
 * One of Mimir's storage config blocks: {@code blocks-storage}, {@code ruler-storage},
 * {@code alertmanager-storage} or {@code common.storage}. A backend declares its settings once per
 * scope, named below the scope's prefixes: the filesystem directory of {@code blocks-storage} is
 * flag {@code -blocks-storage.filesystem.dir} and YAML {@code blocks_storage.filesystem.dir}.
 *
 * @param flagPrefix       e.g. {@code blocks-storage}
 * @param yamlPrefix       e.g. {@code blocks_storage}
 * @param defaultDirectory the filesystem backend's default directory for this scope ({@code blocks},
 *                         {@code ruler}, {@code alertmanager}; empty for {@code common.storage})
 */
public record StorageScope(String flagPrefix, String yamlPrefix, String defaultDirectory) {
    public static final StorageScope COMMON = new StorageScope("common.storage", "common.storage", "");
    public static final StorageScope BLOCKS = new StorageScope("blocks-storage", "blocks_storage", "blocks");
    public static final StorageScope RULER = new StorageScope("ruler-storage", "ruler_storage", "ruler");
    public static final StorageScope ALERTMANAGER = new StorageScope("alertmanager-storage", "alertmanager_storage", "alertmanager");

    public StorageScope {
        requireNonNull(flagPrefix, "flagPrefix is null");
        requireNonNull(yamlPrefix, "yamlPrefix is null");
        requireNonNull(defaultDirectory, "defaultDirectory is null");
    }

    /** The flag for a backend setting, e.g. {@code flag("filesystem.dir")} → {@code blocks-storage.filesystem.dir}. */
    public String flag(String suffix) {
        return flagPrefix + "." + suffix;
    }

    /** The YAML path for a backend setting, e.g. {@code yaml("filesystem.dir")} → {@code blocks_storage.filesystem.dir}. */
    public String yaml(String suffix) {
        return yamlPrefix + "." + suffix;
    }
}
