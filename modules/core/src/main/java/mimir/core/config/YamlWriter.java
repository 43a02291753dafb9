package mimir.core.config;

import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Writes configuration trees (maps of strings, numbers, booleans, lists and maps, in insertion order)
 * as block-style YAML the way Mimir's Go YAML encoder prints them: whole-valued floats without a
 * fraction ({@code ingestion_rate: 10000}), empty strings as {@code ""}, no line folding.
 */
public final class YamlWriter {
    private YamlWriter() {}

    /** The YAML text of a tree; an empty tree is {@code {}}. */
    public static String write(Map<String, ?> tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setSplitLines(false);
        options.setWidth(Integer.MAX_VALUE);
        // Shared instances (every empty List.of()) would otherwise print as anchors and aliases.
        options.setDereferenceAliases(true);
        return new Yaml(new GoStyleRepresenter(options), options).dump(tree);
    }

    private static final class GoStyleRepresenter extends Representer {
        GoStyleRepresenter(DumperOptions options) {
            super(options);
            Represent plainString = representers.get(String.class);
            representers.put(String.class, data -> ((String) data).isEmpty()
                    ? representScalar(Tag.STR, "", DumperOptions.ScalarStyle.DOUBLE_QUOTED)
                    : plainString.representData(data));
            representers.put(Double.class, this::representDouble);
            representers.put(Float.class, data -> representDouble(((Float) data).doubleValue()));
        }

        private Node representDouble(Object data) {
            double value = (Double) data;
            if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
                return representScalar(Tag.INT, Long.toString((long) value));
            }
            if (Double.isNaN(value)) {
                return representScalar(Tag.FLOAT, ".nan");
            }
            if (Double.isInfinite(value)) {
                return representScalar(Tag.FLOAT, value > 0 ? "+.inf" : "-.inf");
            }
            return representScalar(Tag.FLOAT, Double.toString(value));
        }
    }
}
