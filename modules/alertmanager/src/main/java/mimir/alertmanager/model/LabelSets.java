package mimir.alertmanager.model;

import java.util.Map;
import java.util.TreeMap;

/** Alertmanager's text forms of label sets, used in group keys. */
public final class LabelSets {
    private LabelSets() {}

    /** {@code {a="1", b="2"}} as Prometheus's {@code model.LabelSet.String()} prints it: sorted, comma and space separated. */
    public static String labelsString(Map<String, String> labels) {
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            out.append(first ? "" : ", ").append(label.getKey()).append("=").append(AmMatcher.quote(label.getValue()));
            first = false;
        }
        return out.append('}').toString();
    }
}
