package mimir.core.plugins;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What happened to one folder under {@code plugins/}.
 *
 * @param folder  the folder name, e.g. {@code s3}
 * @param style   {@code module-layer} or {@code classpath}
 * @param loaded  true if it was loaded
 * @param skipped true if it was not loaded because the configuration does not use it (not an error)
 * @param reason  why it was rejected or skipped, or a summary when loaded
 * @param modules the JPMS modules (or jars, classpath-style) it holds; empty when skipped (not read)
 */
public record PluginStatus(String folder, String style, boolean loaded, boolean skipped, String reason, List<String> modules) {
    public PluginStatus {
        requireNonNull(folder, "folder is null");
        requireNonNull(style, "style is null");
        requireNonNull(reason, "reason is null");
        modules = List.copyOf(modules);
    }
}
