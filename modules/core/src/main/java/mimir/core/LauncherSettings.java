package mimir.core;

import java.util.List;

import mimir.spi.config.Category;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/** The launcher's own flags: what to run and the one-shot commands that print and exit. */
final class LauncherSettings {
    static final Setting<List<String>> TARGET = Setting.basic("target", "target", ValueTypes.STRING_LIST, List.of("all"),
            "Comma-separated list of components to include in the instantiated process. The default value 'all' includes all components "
                    + "that are required to form a functional Grafana Mimir instance in single-binary mode. Use the '-modules' command line flag "
                    + "to get a list of available components, and to see which components are included with 'all'.");
    static final Setting<Boolean> HELP = flagOnly("help", ValueTypes.BOOLEAN, false, "Print basic help.");
    static final Setting<Boolean> HELP_ALL = flagOnly("help-all", ValueTypes.BOOLEAN, false, "Print help, also including advanced and experimental parameters.");
    static final Setting<Boolean> VERSION = flagOnly("version", ValueTypes.BOOLEAN, false, "Print application version and exit.");
    static final Setting<Boolean> MODULES = flagOnly("modules", ValueTypes.BOOLEAN, false, "List available modules that can be used as target and exit.");
    static final Setting<String> MODULES_GRAPH = flagOnly("modules.graph", ValueTypes.oneOf("text", "dot", "json"), "",
            "Print the resolved module graph of -target (modules, dependencies, the JPMS module, layer and jar behind each, providers, plugins, "
                    + "and what is missing) as text, dot or json, and exit.")
            .withImplicitValue("text");

    private LauncherSettings() {}

    private static <T> Setting<T> flagOnly(String flag, mimir.spi.config.ValueType<T> type, T defaultValue, String help) {
        return flagOnly(flag, type, defaultValue, help, Category.BASIC);
    }

    /** A setting with a flag and no YAML key, as the one-shot commands have. */
    static <T> Setting<T> flagOnly(String flag, mimir.spi.config.ValueType<T> type, T defaultValue, String help, Category category) {
        return Setting.of(flag, "", type, defaultValue, help, category);
    }

    static void register(ConfigRegistry registry) {
        for (Setting<?> setting : List.of(TARGET, HELP, HELP_ALL, VERSION, MODULES, MODULES_GRAPH)) {
            registry.register(setting);
        }
    }
}
