package mimir.promql.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.promql.parser.PositionRange;

/**
 * Warnings and infos collected during one query. As in Prometheus, an annotation is kept once per
 * message (the first position wins) and rendered with the {@code line:column} of its sub-expression.
 */
final class Annotations {
    private final Map<String, PositionRange> warnings = new LinkedHashMap<>();
    private final Map<String, PositionRange> infos = new LinkedHashMap<>();

    void warn(String message, PositionRange position) {
        warnings.putIfAbsent("PromQL warning: " + message, position);
    }

    void info(String message, PositionRange position) {
        infos.putIfAbsent("PromQL info: " + message, position);
    }

    List<String> warnings(String query) {
        return render(warnings, query);
    }

    List<String> infos(String query) {
        return render(infos, query);
    }

    private static List<String> render(Map<String, PositionRange> annotations, String query) {
        List<String> out = new ArrayList<>(annotations.size());
        annotations.forEach((message, position) -> out.add(message + " (" + position.startPosition(query) + ")"));
        return out;
    }
}
