package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import mimir.spi.config.Durations;
import mimir.spi.config.ValueTypes;

/**
 * Reads one YAML mapping of a structured limit (an element of {@code blocked_queries},
 * {@code metric_relabel_configs}, ...) strictly: unknown keys are errors, as Mimir decodes the
 * runtime config with known-fields checking. Nodes arrive as the config loader produces them:
 * {@link String} scalars, {@link List} sequences, {@link Map} mappings, or null.
 */
final class YamlFields {
    private final String context;
    private final Map<?, ?> mapping;

    private YamlFields(String context, Map<?, ?> mapping) {
        this.context = context;
        this.mapping = mapping;
    }

    /**
     * @param context what the mapping is, for error messages, e.g. {@code blocked_queries[2]}
     * @throws IllegalArgumentException if the node is not a mapping or has a key outside {@code allowed}
     */
    static YamlFields of(Object node, String context, Set<String> allowed) {
        requireNonNull(context, "context is null");
        if (!(node instanceof Map<?, ?> mapping)) {
            throw new IllegalArgumentException(context + ": expected a mapping, got " + describe(node));
        }
        for (Object key : mapping.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                throw new IllegalArgumentException(context + ": field " + key + " not found");
            }
        }
        return new YamlFields(context, mapping);
    }

    String string(String key, String defaultValue) {
        return parsed(key, defaultValue, text -> text);
    }

    boolean bool(String key, boolean defaultValue) {
        return parsed(key, defaultValue, ValueTypes.BOOLEAN::parse);
    }

    long integer(String key, long defaultValue) {
        return parsed(key, defaultValue, ValueTypes.LONG::parse);
    }

    Duration duration(String key, Duration defaultValue) {
        return parsed(key, defaultValue, Durations::parse);
    }

    private <T> T parsed(String key, T defaultValue, Function<String, T> parser) {
        Object node = mapping.get(key);
        if (node == null) {
            return defaultValue;
        }
        try {
            return parser.apply(scalar(key, node));
        }
        catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(context)) {
                throw e;
            }
            throw new IllegalArgumentException(context + "." + key + ": " + e.getMessage(), e);
        }
    }

    List<String> strings(String key) {
        Object node = mapping.get(key);
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> list)) {
            throw new IllegalArgumentException(context + "." + key + ": expected a sequence of strings, got " + describe(node));
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object element : list) {
            out.add(scalar(key, element));
        }
        return List.copyOf(out);
    }

    /** A nested mapping with string keys, kept in file order; empty if absent. */
    Map<String, Object> mapping(String key) {
        Object node = mapping.get(key);
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?> nested)) {
            throw new IllegalArgumentException(context + "." + key + ": expected a mapping, got " + describe(node));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        nested.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    String context(String key) {
        return context + "." + key;
    }

    private String scalar(String key, Object node) {
        if (node instanceof String s) {
            return s;
        }
        if (node instanceof Number || node instanceof Boolean) {
            return String.valueOf(node);
        }
        throw new IllegalArgumentException(context + "." + key + ": expected a scalar, got " + describe(node));
    }

    static String describe(Object node) {
        if (node == null) {
            return "null";
        }
        if (node instanceof List) {
            return "a sequence";
        }
        if (node instanceof Map) {
            return "a mapping";
        }
        return "\"" + node + "\"";
    }
}
