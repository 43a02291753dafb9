package mimir.yaml;

import java.util.Map;

import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.DumpSettingsBuilder;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.LoadSettingsBuilder;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.NonPrintableStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Where every YAML reader and writer starts: builders preset so that reading follows the YAML 1.2
 * core schema, as Go's {@code gopkg.in/yaml.v3} does, and writing quotes every string that a YAML 1.1
 * reader would take for something else, as Go's encoder does. Callers add their own options (indent,
 * size limits) and build.
 *
 * <p>What a plain scalar is when read: {@code ~}, {@code null}, {@code Null}, {@code NULL} and nothing
 * are null; {@code true}/{@code false} (in three casings) are booleans; {@code yes}, {@code no},
 * {@code on}, {@code off}, {@code 1:30} and dates are strings. The node readers look at a scalar's
 * text, not its resolved type, except for null.
 */
public final class YamlSettings {
    /**
     * The name marks give the input in error messages ({@code in 'reader', line 2, column 8:}),
     * SnakeYAML's name for a {@link java.io.Reader}, kept so that errors read as they always have.
     */
    private static final String LABEL = "'reader'";

    private static final Schema YAML_1_1_QUOTING = new Schema() {
        private final ScalarResolver resolver = new Yaml11ScalarResolver();

        @Override
        public ScalarResolver getScalarResolver() {
            return resolver;
        }

        @Override
        public Map<Tag, ConstructNode> getSchemaTagConstructors() {
            return Map.of();    // only used to write, never to construct
        }
    };

    private YamlSettings() {}

    /**
     * For composing nodes that the caller checks itself ({@link YamlComposer}): the YAML 1.2 core schema
     * with {@code <<} an ordinary key, not a merge (the strict readers name it as an unknown field), and
     * non-scalar keys handed to the caller, which refuses them naming the line, instead of failing
     * without one. Duplicate keys are the caller's to find: composing does not check them.
     */
    public static LoadSettingsBuilder forNodes() {
        return reading().setSchema(new CoreSchemaWithoutMerge());
    }

    /**
     * For loading plain values ({@code Load}: maps in file order, lists, strings, numbers, booleans,
     * nulls): the YAML 1.2 core schema with merge keys, duplicate keys refused, at most 50 aliases;
     * a non-scalar key is loaded as a list or map, for the caller to refuse by name.
     */
    public static LoadSettingsBuilder forValues() {
        return reading()
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(50);
    }

    private static LoadSettingsBuilder reading() {
        return LoadSettings.builder()
                .setLabel(LABEL)
                .setAllowNonScalarKeys(true)
                .setVersionFunction(version -> {
                    if (version.getMajor() != 1) {
                        // The engine's own message is the bare version ("Version{major=2, minor=0}").
                        throw new YamlEngineException("found incompatible YAML document (version 1.* is required)");
                    }
                    return version;
                });
    }

    /**
     * For writing block-style YAML ({@code Dump}): no line folding; a string is quoted when a YAML 1.1
     * reader would resolve it as a boolean ({@code 'yes'}, {@code 'off'}), number ({@code '1:30'},
     * {@code '017'}), null, timestamp ({@code '2024-01-01'}) or merge key ({@code '<<'}) — Go's encoder
     * quotes these too, and PyYAML and Go's yaml.v2 still read 1.1; a string with characters YAML cannot
     * print is written as {@code !!binary}.
     */
    public static DumpSettingsBuilder forWriting() {
        return DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setSplitLines(false)
                .setNonPrintableStyle(NonPrintableStyle.BINARY)
                .setSchema(YAML_1_1_QUOTING);
    }

    private static final class CoreSchemaWithoutMerge extends CoreSchema {
        @Override
        public ScalarResolver getScalarResolver() {
            return new CoreScalarResolver(false);
        }
    }
}
