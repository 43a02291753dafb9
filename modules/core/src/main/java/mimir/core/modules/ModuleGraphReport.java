package mimir.core.modules;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.core.json.Json;
import mimir.core.plugins.PluginRegistry;
import mimir.core.plugins.PluginStatus;
import mimir.core.plugins.ProviderInfo;

/**
 * The module-graph diagnostics behind {@code -modules.graph[=text|dot|json]} and
 * {@code GET /debug/modules}: the image's name (its {@code IMAGE} file) and, for the chosen target,
 * the resolved modules in start order with their dependency edges, the JPMS module, version, layer
 * and jar behind each, the providers found per SPI, the plugin folders loaded or rejected with the
 * reason, the storage backend each needed scope uses, and what is missing when the target cannot
 * start.
 */
public final class ModuleGraphReport {
    private final String image;
    private final List<String> requestedTargets;
    private final ModuleResolver.Resolution resolution;
    private final PluginRegistry plugins;
    private final List<Map<String, Object>> storage;
    private final ServiceManager serviceManager;

    /**
     * @param image          the image's name, or empty if the process does not run from an image
     * @param storage        one entry per storage scope a resolved module needs: scope, backend, provider
     * @param serviceManager the running services, or null when only printing the graph
     */
    public ModuleGraphReport(String image, List<String> requestedTargets, ModuleResolver.Resolution resolution, PluginRegistry plugins,
            List<Map<String, Object>> storage, ServiceManager serviceManager) {
        this.image = requireNonNull(image, "image is null");
        this.requestedTargets = List.copyOf(requestedTargets);
        this.resolution = requireNonNull(resolution, "resolution is null");
        this.plugins = requireNonNull(plugins, "plugins is null");
        this.storage = List.copyOf(storage);
        this.serviceManager = serviceManager;
    }

    /** The same report with the current state of each module's services. */
    public ModuleGraphReport withServices(ServiceManager manager) {
        return new ModuleGraphReport(image, requestedTargets, resolution, plugins, storage, manager);
    }

    /** The report as nested maps and lists, the shape of the JSON form. */
    public Map<String, Object> toMap() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("image", image);
        root.put("target", requestedTargets);
        root.put("resolved_targets", resolution.targets());
        root.put("can_start", resolution.ok());
        List<Object> modules = new ArrayList<>();
        for (ModuleDefinition definition : resolution.modules()) {
            Map<String, Object> module = new LinkedHashMap<>();
            module.put("name", definition.name());
            module.put("depends_on", definition.dependencies());
            module.put("user_visible", definition.userVisible());
            module.put("jpms", jpms(definition.origin()));
            if (serviceManager != null) {
                List<Object> services = new ArrayList<>();
                for (ServiceManager.Managed managed : serviceManager.services()) {
                    if (managed.module().equals(definition.name())) {
                        services.add(Map.of("name", managed.name(), "state", managed.state().displayName()));
                    }
                }
                module.put("services", services);
            }
            if (!definition.note().isEmpty()) {
                module.put("note", definition.note());
            }
            modules.add(module);
        }
        root.put("modules", modules);
        Map<String, Object> providers = new LinkedHashMap<>();
        providers.put("ComponentProvider", plugins.components().stream().map(ModuleGraphReport::provider).toList());
        providers.put("ObjectStoreProvider", plugins.objectStores().stream().map(ModuleGraphReport::provider).toList());
        providers.put("KvStoreProvider", plugins.kvStores().stream().map(ModuleGraphReport::provider).toList());
        root.put("providers", providers);
        Map<String, Object> pluginSection = new LinkedHashMap<>();
        pluginSection.put("dir", plugins.pluginDir().toString());
        pluginSection.put("folders", plugins.plugins().stream().map(ModuleGraphReport::plugin).toList());
        root.put("plugins", pluginSection);
        root.put("storage", storage);
        root.put("missing", resolution.problems());
        return root;
    }

    /** The JSON form. */
    /** The report in a {@code -modules.graph} format: {@code dot}, {@code json}, else text. */
    public String render(String format) {
        return switch (format) {
            case "dot" -> dot();
            case "json" -> json();
            default -> text();
        };
    }

    public String json() {
        return Json.write(toMap(), true) + "\n";
    }

    /** The Graphviz form: modules as nodes labelled with their JPMS module, edges to dependencies. */
    public String dot() {
        StringBuilder out = new StringBuilder("digraph mimir {\n");
        if (!image.isEmpty()) {
            out.append("  // image: ").append(image).append('\n');
        }
        out.append("  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
        for (ModuleDefinition definition : resolution.modules()) {
            ProviderInfo origin = definition.origin();
            out.append("  \"").append(definition.name()).append("\" [label=\"").append(definition.name()).append("\\n")
                    .append(origin.moduleName()).append(origin.version().isEmpty() ? "" : "@" + origin.version())
                    .append(" (").append(origin.layer()).append(")\"");
            if (resolution.targets().contains(definition.name())) {
                out.append(", style=bold");
            }
            out.append("];\n");
        }
        for (ModuleDefinition definition : resolution.modules()) {
            for (String dependency : definition.dependencies()) {
                out.append("  \"").append(definition.name()).append("\" -> \"").append(dependency).append("\";\n");
            }
        }
        for (String problem : resolution.problems()) {
            out.append("  // missing: ").append(problem.replace("\n", " ")).append('\n');
        }
        return out.append("}\n").toString();
    }

    /** The text form. */
    public String text() {
        StringBuilder out = new StringBuilder();
        if (!image.isEmpty()) {
            out.append("image: ").append(image).append('\n');
        }
        out.append("target: ").append(String.join(",", requestedTargets));
        if (!resolution.targets().equals(requestedTargets)) {
            out.append(" (= ").append(String.join(",", resolution.targets())).append(')');
        }
        out.append('\n').append(resolution.ok() ? "can start: yes\n" : "can start: no\n");
        out.append("\nmodules (start order):\n");
        int width = resolution.modules().stream().mapToInt(d -> d.name().length()).max().orElse(10);
        for (ModuleDefinition definition : resolution.modules()) {
            ProviderInfo origin = definition.origin();
            out.append("  ").append(pad(definition.name(), width)).append("  ")
                    .append(origin.moduleName()).append(origin.version().isEmpty() ? "" : "@" + origin.version())
                    .append("  layer=").append(origin.layer())
                    .append("  depends-on=[").append(String.join(", ", definition.dependencies())).append(']');
            if (serviceManager != null) {
                List<String> states = serviceManager.services().stream().filter(m -> m.module().equals(definition.name()))
                        .map(m -> m.name() + ":" + m.state().displayName()).toList();
                out.append("  services=[").append(String.join(", ", states)).append(']');
            }
            if (!definition.note().isEmpty()) {
                out.append("  (").append(definition.note()).append(')');
            }
            out.append('\n');
        }
        out.append("\nproviders:\n");
        for (ProviderInfo info : plugins.providers()) {
            out.append("  ").append(info.spi()).append(' ').append(info.name()).append("  ").append(info.moduleName())
                    .append(info.version().isEmpty() ? "" : "@" + info.version()).append("  layer=").append(info.layer())
                    .append("  jar=").append(info.location()).append('\n');
        }
        out.append("\nplugins (").append(plugins.pluginDir()).append("):\n");
        if (plugins.plugins().isEmpty()) {
            out.append("  (none)\n");
        }
        for (PluginStatus status : plugins.plugins()) {
            out.append("  ").append(status.folder()).append("  ").append(status.style()).append("  ")
                    .append(status.loaded() ? "loaded: " : status.skipped() ? "not loaded: " : "REJECTED: ").append(status.reason())
                    .append("  modules=[").append(String.join(", ", status.modules())).append("]\n");
        }
        out.append("\nstorage:\n");
        if (storage.isEmpty()) {
            out.append("  (no module of this target opens object storage)\n");
        }
        for (Map<String, Object> entry : storage) {
            out.append("  ").append(entry.get("scope")).append(": backend=").append(entry.get("backend")).append("  ")
                    .append(entry.getOrDefault("provider", "NOT INSTALLED")).append('\n');
        }
        out.append("\nmissing:\n");
        if (resolution.problems().isEmpty()) {
            out.append("  (nothing)\n");
        }
        for (String problem : resolution.problems()) {
            out.append("  ").append(problem).append('\n');
        }
        return out.toString();
    }

    private static Map<String, Object> jpms(ProviderInfo origin) {
        Map<String, Object> jpms = new LinkedHashMap<>();
        jpms.put("module", origin.moduleName());
        jpms.put("version", origin.version());
        jpms.put("layer", origin.layer());
        jpms.put("jar", origin.location());
        return jpms;
    }

    private static Map<String, Object> provider(ProviderInfo info) {
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("name", info.name());
        provider.put("class", info.className());
        provider.putAll(jpms(info));
        return provider;
    }

    private static Map<String, Object> plugin(PluginStatus status) {
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("folder", status.folder());
        plugin.put("style", status.style());
        plugin.put("loaded", status.loaded());
        plugin.put("skipped", status.skipped());
        plugin.put("reason", status.reason());
        plugin.put("modules", status.modules());
        return plugin;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
