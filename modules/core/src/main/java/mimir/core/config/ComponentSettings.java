package mimir.core.config;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import mimir.spi.config.Setting;

/**
 * The settings of every component of the project, whichever image runs: the table
 * {@code component-settings.tsv} beside this class (component, flag, YAML path, whether the flag takes
 * no value), written from the {@code mimir-all} image by {@link #render} and held equal to it by
 * it/TestModeImages. An image of one deployment mode reads one configuration shared by every mode (as
 * Mimir's single binary does): a flag or YAML key of a component this image does not carry is ignored
 * and named in the log, not refused as unknown; a key no component has is still an error.
 */
public final class ComponentSettings {
    /** The resource name, relative to this class. */
    public static final String RESOURCE = "component-settings.tsv";

    /** One setting of a component. */
    public record Entry(String component, String flag, String yamlPath, boolean flagTakesNoValue) {
        public Entry {
            requireNonNull(component, "component is null");
            requireNonNull(flag, "flag is null");
            requireNonNull(yamlPath, "yamlPath is null");
        }
    }

    private static final ComponentSettings NONE = new ComponentSettings(List.of());

    private final List<Entry> entries;
    private final Map<String, Entry> byFlag = new HashMap<>();
    private final Map<String, Entry> byYamlPath = new HashMap<>();
    private final Map<String, Entry> byYamlPrefix = new HashMap<>();

    private ComponentSettings(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry entry : this.entries) {
            if (!entry.flag().isEmpty()) {
                byFlag.putIfAbsent(entry.flag(), entry);
            }
            if (!entry.yamlPath().isEmpty()) {
                byYamlPath.putIfAbsent(entry.yamlPath(), entry);
                for (int dot = entry.yamlPath().indexOf('.'); dot >= 0; dot = entry.yamlPath().indexOf('.', dot + 1)) {
                    byYamlPrefix.putIfAbsent(entry.yamlPath().substring(0, dot), entry);
                }
            }
        }
    }

    /** No settings: every unknown flag and key is an error. */
    public static ComponentSettings none() {
        return NONE;
    }

    /** The table of the given entries. */
    public static ComponentSettings of(Collection<Entry> entries) {
        return new ComponentSettings(List.copyOf(entries));
    }

    /** The project's table, from the resource; empty if the resource is absent (a build without it). */
    public static ComponentSettings load() {
        try (InputStream in = ComponentSettings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return NONE;
            }
            List<Entry> entries = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                if (fields.length != 4) {
                    throw new IllegalStateException(RESOURCE + ": expected 4 tab-separated fields: " + line);
                }
                entries.add(new Entry(fields[0], fields[1], fields[2], Boolean.parseBoolean(fields[3])));
            }
            return new ComponentSettings(entries);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The same table without the settings of {@code components} (those the image carries: theirs are registered). */
    public ComponentSettings without(Set<String> components) {
        return new ComponentSettings(entries.stream().filter(e -> !components.contains(e.component())).toList());
    }

    /** The entries, in table order. */
    public List<Entry> entries() {
        return entries;
    }

    Optional<Entry> byFlag(String flag) {
        return Optional.ofNullable(byFlag.get(flag));
    }

    boolean isYamlPath(String path) {
        return byYamlPath.containsKey(path);
    }

    /** The entry whose YAML path is {@code path} or lies below it. */
    Optional<Entry> byYamlPathOrPrefix(String path) {
        Entry exact = byYamlPath.get(path);
        return exact != null ? Optional.of(exact) : Optional.ofNullable(byYamlPrefix.get(path));
    }

    /**
     * The table of every setting {@code registered} by components ({@code component -> settings}, in
     * registration order), minus those {@code core} registers itself; a setting two components register
     * (a ring both read) is listed once, under the first.
     */
    public static String render(Map<String, List<Setting<?>>> registered, Collection<Setting<?>> core) {
        Set<String> seen = new HashSet<>();
        for (Setting<?> setting : core) {
            seen.add(key(setting));
        }
        // Sorted by component, then flag: ServiceLoader's order of the components is not part of the table.
        Map<String, Set<String>> lines = new TreeMap<>();
        new TreeMap<>(registered).forEach((component, settings) -> {
            for (Setting<?> setting : settings) {
                if (seen.add(key(setting))) {
                    lines.computeIfAbsent(component, c -> new TreeSet<>()).add(component + '\t' + key(setting) + '\t' + (setting.implicitValue() != null));
                }
            }
        });
        StringBuilder out = new StringBuilder("# component\tflag\tyaml path\tflag takes no value (generated: see ComponentSettings)\n");
        lines.values().forEach(component -> component.forEach(line -> out.append(line).append('\n')));
        return out.toString();
    }

    private static String key(Setting<?> setting) {
        return (setting.hasFlag() ? setting.flag() : "") + "\t" + (setting.hasYaml() ? setting.yamlPath() : "");
    }
}
