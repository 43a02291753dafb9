package mimir.core.config;

import java.util.Map;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.RepresentToNode;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

import mimir.yaml.YamlSettings;

/**
 * Writes configuration trees (maps of strings, numbers, booleans, lists and maps, in insertion order)
 * as block-style YAML the way Mimir's Go YAML encoder prints them: whole-valued floats without a
 * fraction ({@code ingestion_rate: 10000}), empty strings as {@code ""}, no line folding.
 */
public final class YamlWriter {
    private YamlWriter() {}

    /** The YAML text of a tree; an empty tree is {@code {}}. */
    public static String write(Map<String, ?> tree) {
        DumpSettings settings = YamlSettings.forWriting()
                .setIndent(2)
                .setWidth(Integer.MAX_VALUE)
                // Shared instances (every empty List.of()) would otherwise print as anchors and aliases.
                .setDereferenceAliases(true)
                .build();
        return new Dump(settings, new GoStyleRepresenter(settings)).dumpToString(tree);
    }

    private static final class GoStyleRepresenter extends StandardRepresenter {
        GoStyleRepresenter(DumpSettings settings) {
            super(settings);
            RepresentToNode plainString = representers.get(String.class);
            representers.put(String.class, data -> ((String) data).isEmpty()
                    ? representScalar(Tag.STR, "", ScalarStyle.DOUBLE_QUOTED)
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
