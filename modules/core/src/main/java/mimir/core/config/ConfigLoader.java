package mimir.core.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.spi.config.Category;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads the command line and the YAML config file into a {@link LoadedConfig}, the way Mimir does:
 * defaults, overridden by the file named by {@code -config.file}, overridden by flags.
 *
 * <p>Flags follow Go's {@code flag} package: {@code -name=value}, {@code --name=value},
 * {@code -name value}, {@code --name value}; a setting with an
 * {@linkplain Setting#implicitValue() implicit value} (every boolean) may be given bare and then
 * never takes the next argument as its value; {@code --} ends the flags. Unknown flags, positional
 * arguments and values that do not parse are errors, with Go's messages where Go has one
 * ({@code flag provided but not defined: -foo}).
 *
 * <p>The YAML file is strict: every key path must be a registered YAML path or lead to one, each
 * file holds one document, keys are unique. Errors name the file, the line and the key. A YAML null
 * leaves a scalar setting at its default and empties a list, as Go's YAML decoder does.
 */
public final class ConfigLoader {
    /** {@code -config.file}: the YAML file to load; flag-only. */
    public static final Setting<String> CONFIG_FILE = new Setting<>(
            "config.file", "", ValueTypes.STRING, "", "Configuration file to load.", Category.BASIC, null);

    /** {@code -config.expand-env}: expand environment variables in the file before parsing it; flag-only. */
    public static final Setting<Boolean> CONFIG_EXPAND_ENV = new Setting<>(
            "config.expand-env", "", ValueTypes.BOOLEAN, false,
            "Expands ${var} or $var in config according to the values of the environment variables.", Category.BASIC, "true");

    private ConfigLoader() {}

    /** Registers {@link #CONFIG_FILE} and {@link #CONFIG_EXPAND_ENV}. */
    public static void registerCommon(ConfigRegistry registry) {
        registry.register(CONFIG_FILE);
        registry.register(CONFIG_EXPAND_ENV);
    }

    /**
     * Loads the configuration. Registers the common settings first if they are not registered yet.
     * Settings registered after this call are not part of the result.
     *
     * @param args     the command-line arguments, without the program name
     * @param registry every setting of every installed module
     * @param env      the environment, for {@code -config.expand-env}
     * @throws ConfigException if a flag, the file or a value is wrong
     */
    public static LoadedConfig load(List<String> args, ConfigRegistryImpl registry, Map<String, String> env) {
        return load(args, registry, env, ComponentSettings.none(), new ArrayList<>());
    }

    /**
     * Loads the configuration like {@link #load(List, ConfigRegistryImpl, Map)}, except that a flag or
     * YAML key that is not registered but belongs to a component of {@code elsewhere} (one this image
     * does not carry) is skipped and described in {@code ignored} instead of refused.
     */
    public static LoadedConfig load(List<String> args, ConfigRegistryImpl registry, Map<String, String> env, ComponentSettings elsewhere,
            List<String> ignored) {
        requireNonNull(args, "args is null");
        requireNonNull(elsewhere, "elsewhere is null");
        requireNonNull(ignored, "ignored is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(env, "env is null");
        if (!registry.isRegistered(CONFIG_FILE)) {
            registerCommon(registry);
        }

        // Flags are parsed first so that a bad command line is reported before the file is read, and
        // so that -config.file is known; they are applied last so that they win over the file.
        Map<Setting<?>, Object> flagValues = parseFlags(args, registry, elsewhere, ignored);

        LoadedConfig.Builder builder = new LoadedConfig.Builder(registry.settings());
        String configFile = (String) flagValues.getOrDefault(CONFIG_FILE, CONFIG_FILE.defaultValue());
        boolean expandEnv = (Boolean) flagValues.getOrDefault(CONFIG_EXPAND_ENV, CONFIG_EXPAND_ENV.defaultValue());
        if (!configFile.isEmpty()) {
            loadFile(configFile, expandEnv, env, registry, builder, elsewhere, ignored);
        }
        flagValues.forEach(builder::set);
        return builder.build();
    }

    private static Map<Setting<?>, Object> parseFlags(List<String> args, ConfigRegistryImpl registry, ComponentSettings elsewhere, List<String> ignored) {
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.length() < 2 || arg.charAt(0) != '-') {
                throw new ConfigException("unexpected argument \"" + arg + "\": only flags are accepted");
            }
            int dashes = arg.charAt(1) == '-' ? 2 : 1;
            if (dashes == 2 && arg.length() == 2) {
                if (i + 1 < args.size()) {
                    throw new ConfigException("unexpected argument \"" + args.get(i + 1) + "\" after --: only flags are accepted");
                }
                break;
            }
            String name = arg.substring(dashes);
            if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
                throw new ConfigException("bad flag syntax: " + arg);
            }
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            String flag = name;
            Optional<Setting<?>> registered = registry.byFlag(flag);
            if (registered.isEmpty()) {
                Optional<ComponentSettings.Entry> foreign = elsewhere.byFlag(flag);
                if (foreign.isEmpty()) {
                    throw new ConfigException("flag provided but not defined: -" + flag);
                }
                if (value == null && !foreign.get().flagTakesNoValue() && i + 1 < args.size()) {
                    i++;
                }
                ignored.add("-" + flag + " (" + foreign.get().component() + ")");
                continue;
            }
            Setting<?> setting = registered.get();
            if (value == null) {
                if (setting.implicitValue() != null) {
                    value = setting.implicitValue();
                }
                else if (i + 1 < args.size()) {
                    value = args.get(++i);
                }
                else {
                    throw new ConfigException("flag needs an argument: -" + flag);
                }
            }
            try {
                values.put(setting, requireNonNull(setting.type().parse(value), "parsed value is null"));
            }
            catch (IllegalArgumentException e) {
                throw new ConfigException("invalid value \"" + value + "\" for flag -" + flag + ": " + e.getMessage(), e);
            }
        }
        return values;
    }

    private static void loadFile(String configFile, boolean expandEnv, Map<String, String> env, ConfigRegistryImpl registry, LoadedConfig.Builder builder,
            ComponentSettings elsewhere, List<String> ignored) {
        String source = "config file " + configFile;
        String text;
        try {
            text = Files.readString(Path.of(configFile), StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException e) {
            throw new ConfigException(source + ": no such file", e);
        }
        catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
        }
        if (expandEnv) {
            text = EnvExpander.expand(text, env);
        }
        Node root = YamlNodes.composeSingleDocument(text, source);
        if (YamlNodes.isNull(root)) {
            return;
        }
        if (!(root instanceof MappingNode mapping)) {
            throw YamlNodes.error(source, root, "expected a mapping at the top level, got " + YamlNodes.describe(root));
        }
        walk(mapping, "", source, registry, builder, elsewhere, ignored);
    }

    private static void walk(MappingNode mapping, String parentPath, String source, ConfigRegistryImpl registry, LoadedConfig.Builder builder,
            ComponentSettings elsewhere, List<String> ignored) {
        for (Map.Entry<String, NodeTuple> entry : YamlNodes.entries(mapping, source).entrySet()) {
            String key = entry.getKey();
            Node keyNode = entry.getValue().getKeyNode();
            Node valueNode = entry.getValue().getValueNode();
            String path = parentPath.isEmpty() ? key : parentPath + "." + key;
            // A key with a dot would otherwise match a nested path ("server.http_listen_port: 80").
            boolean plainKey = !key.isEmpty() && key.indexOf('.') < 0;
            Setting<?> setting = plainKey ? registry.byYamlPath(path).orElse(null) : null;
            if (setting != null) {
                apply(setting, valueNode, path, source, builder);
            }
            else if (plainKey && registry.isYamlPrefix(path)) {
                if (valueNode instanceof MappingNode nested) {
                    walk(nested, path, source, registry, builder, elsewhere, ignored);
                }
                else if (!YamlNodes.isNull(valueNode)) {
                    throw YamlNodes.error(source, valueNode, "expected a mapping for " + path + ", got " + YamlNodes.describe(valueNode));
                }
            }
            else if (plainKey && elsewhere.byYamlPathOrPrefix(path).isPresent()) {
                // A whole setting of another image's component is skipped; below one of its sections every key
                // is still checked, so a typo there is an error in every image.
                if (valueNode instanceof MappingNode nested && !elsewhere.isYamlPath(path)) {
                    walk(nested, path, source, registry, builder, elsewhere, ignored);
                }
                else {
                    ignored.add(path + " (" + elsewhere.byYamlPathOrPrefix(path).get().component() + ")");
                }
            }
            else {
                throw YamlNodes.error(source, keyNode, "field " + key + " not found " + (parentPath.isEmpty() ? "at the top level" : "in " + parentPath));
            }
        }
    }

    private static void apply(Setting<?> setting, Node valueNode, String path, String source, LoadedConfig.Builder builder) {
        Object node = YamlNodes.toObject(valueNode, source);
        if (node == null && !(setting.defaultValue() instanceof Collection<?> || setting.defaultValue() instanceof Map<?, ?>)) {
            return;
        }
        try {
            builder.set(setting, requireNonNull(setting.type().fromYaml(node), "converted value is null"));
        }
        catch (IllegalArgumentException e) {
            throw YamlNodes.error(source, valueNode, "invalid value for " + path + ": " + e.getMessage());
        }
    }
}
