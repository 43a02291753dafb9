package mimir.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import mimir.yaml.YamlComposer;
import mimir.yaml.YamlSettings;

/**
 * Strict YAML reading on snakeyaml-engine's node API, which keeps line numbers: one document per
 * file, unique mapping keys, scalar keys only, plain scalars as the YAML 1.2 core schema reads them
 * ({@link YamlSettings#forNodes()}). Errors are {@link ConfigException}s reading
 * {@code <source>: line <n>: <problem>}, where the source names the file
 * ({@code config file mimir.yaml}).
 *
 * <p>Values are handed to settings in the shape {@link mimir.spi.config.ValueType#fromYaml} expects:
 * scalars as their source text ({@link String}), sequences as {@link List}, mappings as
 * {@link LinkedHashMap} in file order, and YAML nulls as {@code null}.
 */
public final class YamlNodes {
    private YamlNodes() {}

    /**
     * Parses a whole file into its single document.
     *
     * @return the document's root node, or null if the file holds no document (empty or comments only)
     * @throws ConfigException on a syntax error or a second document
     */
    public static Node composeSingleDocument(String text, String source) {
        // The engine's default cap is 3 MB; runtime config files with many tenants are larger, and the
        // text is already in memory anyway.
        LoadSettings settings = YamlSettings.forNodes().setCodePointLimit(Integer.MAX_VALUE).build();
        try {
            Iterator<Node> documents = YamlComposer.composeAll(settings, text);
            if (!documents.hasNext()) {
                return null;
            }
            Node root = documents.next();
            if (documents.hasNext()) {
                Node second = documents.next();
                throw error(source, second, "the file contains multiple YAML documents; only one is allowed");
            }
            return root;
        }
        catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new ConfigException(source + ": " + mark.map(m -> "line " + (m.getLine() + 1) + ": ").orElse("") + "invalid YAML: " + problem, e);
        }
        catch (YamlEngineException e) {
            throw new ConfigException(source + ": invalid YAML: " + e.getMessage(), e);
        }
    }

    /** The 1-based line a node starts on. */
    public static int line(Node node) {
        return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    }

    /** True for a YAML null ({@code ~}, {@code null} or nothing). */
    public static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode && node.getTag().equals(Tag.NULL));
    }

    /**
     * The entries of a mapping node in file order, keyed by their scalar key nodes' text.
     *
     * @throws ConfigException if a key is not a scalar or appears twice
     */
    public static LinkedHashMap<String, NodeTuple> entries(MappingNode mapping, String source) {
        LinkedHashMap<String, NodeTuple> out = new LinkedHashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar) || isNull(keyNode)) {
                throw error(source, keyNode, "mapping keys must be strings");
            }
            String key = scalar.getValue();
            Integer previous = lines.putIfAbsent(key, line(keyNode));
            if (previous != null) {
                throw error(source, keyNode, "mapping key \"" + key + "\" already defined at line " + previous);
            }
            out.put(key, tuple);
        }
        return out;
    }

    /** Converts a node to strings, lists, maps and nulls, checking every mapping strictly. */
    public static Object toObject(Node node, String source) {
        if (isNull(node)) {
            return null;
        }
        return switch (node) {
            case ScalarNode scalar -> scalar.getValue();
            case SequenceNode sequence -> {
                List<Object> list = new ArrayList<>(sequence.getValue().size());
                for (Node element : sequence.getValue()) {
                    list.add(toObject(element, source));
                }
                yield Collections.unmodifiableList(list);
            }
            case MappingNode mapping -> {
                LinkedHashMap<String, Object> map = new LinkedHashMap<>();
                entries(mapping, source).forEach((key, tuple) -> map.put(key, toObject(tuple.getValueNode(), source)));
                yield Collections.unmodifiableMap(map);
            }
            default -> throw error(source, node, "unsupported YAML node " + node.getNodeType());
        };
    }

    /** What kind of node this is, for messages: {@code a mapping}, {@code a sequence}, {@code a scalar}. */
    public static String describe(Node node) {
        if (isNull(node)) {
            return "null";
        }
        return switch (node) {
            case MappingNode ignored -> "a mapping";
            case SequenceNode ignored -> "a sequence";
            default -> "a scalar";
        };
    }

    /** An error at a node's line. */
    public static ConfigException error(String source, Node node, String message) {
        return new ConfigException(source + ": line " + line(node) + ": " + message);
    }
}
