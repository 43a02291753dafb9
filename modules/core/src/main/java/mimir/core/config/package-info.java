/**
 * Flags, the YAML config file, {@code -help} and {@code /config}.
 *
 * <p>Every module registers its {@link mimir.spi.config.Setting}s in one
 * {@link mimir.core.config.ConfigRegistryImpl} before anything is parsed;
 * {@link mimir.core.config.ConfigLoader} then applies defaults, the file and flags, in that order of
 * increasing precedence, and returns an immutable {@link mimir.core.config.LoadedConfig}. A setting is
 * bound to Mimir's flag and YAML path explicitly; nothing is derived by reflection or naming rules,
 * so a wrong name is a compile-time-visible string next to its help text.
 *
 * <p>YAML is read through snakeyaml-engine's node API ({@link mimir.core.config.YamlNodes}) so that
 * every error can name the file and line, and written back by {@link mimir.core.config.YamlWriter} in
 * the shape Mimir's Go encoder produces. Both are shared with {@code mimir.core.runtimeconfig}.
 */
package mimir.core.config;
