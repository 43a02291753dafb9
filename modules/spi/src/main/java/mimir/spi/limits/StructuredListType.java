package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import mimir.spi.config.ValueType;

/**
 * The value type of a YAML-only limit that holds a sequence of mappings ({@code blocked_queries},
 * {@code metric_relabel_configs}, ...). Such limits have no flag, so {@link #parse} only accepts the
 * empty string.
 *
 * @param <E> the element record
 */
final class StructuredListType<E> implements ValueType<List<E>> {
    private final String name;
    private final String yamlName;
    private final BiFunction<Object, String, E> elementReader;
    private final Function<E, Map<String, Object>> elementWriter;

    /**
     * @param yamlName      the limit's YAML key, used to name elements in errors ({@code blocked_queries[1]})
     * @param elementReader reads one element node; the second argument is the element's name for errors
     * @param elementWriter writes one element back as a mapping in Mimir's key order
     */
    StructuredListType(String name, String yamlName, BiFunction<Object, String, E> elementReader, Function<E, Map<String, Object>> elementWriter) {
        this.name = requireNonNull(name, "name is null");
        this.yamlName = requireNonNull(yamlName, "yamlName is null");
        this.elementReader = requireNonNull(elementReader, "elementReader is null");
        this.elementWriter = requireNonNull(elementWriter, "elementWriter is null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<E> parse(String text) {
        if (text.isBlank()) {
            return List.of();
        }
        throw new IllegalArgumentException("expected a sequence of mappings, got \"" + text + "\"");
    }

    @Override
    public List<E> fromYaml(Object node) {
        if (node == null) {
            return List.of();
        }
        if (node instanceof String text) {
            return parse(text);
        }
        if (!(node instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a sequence of mappings, got " + YamlFields.describe(node));
        }
        List<E> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(elementReader.apply(list.get(i), yamlName + "[" + i + "]"));
        }
        return List.copyOf(out);
    }

    @Override
    public String format(List<E> value) {
        return String.valueOf(toYaml(value));
    }

    @Override
    public Object toYaml(List<E> value) {
        return value.stream().map(elementWriter).toList();
    }
}
