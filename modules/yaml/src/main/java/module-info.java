/**
 * The snakeyaml-engine settings that every YAML reader and writer starts from (the config file and
 * runtime config in {@code mimir.core}, rule groups in {@code mimir.ruler}, Alertmanager
 * configurations in {@code mimir.alertmanager}), so that they agree on what a plain scalar means
 * and on how output is quoted. See {@link mimir.yaml.YamlSettings}.
 *
 * <p>On snakeyaml-engine, not SnakeYAML: SnakeYAML's bean introspection ({@code java.beans}) makes
 * jdeps and jlink pull {@code java.desktop} into every image, and nothing here maps YAML to beans;
 * the engine's module requires {@code java.base} only.
 */
module mimir.yaml {
    requires transitive org.snakeyaml.engine;

    exports mimir.yaml;
}
