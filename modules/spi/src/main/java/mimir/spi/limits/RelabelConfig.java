package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * One Prometheus relabeling rule of the {@code metric_relabel_configs} limit, with Prometheus's
 * defaults ({@code separator: ;}, {@code regex: (.*)}, {@code replacement: $1},
 * {@code action: replace}). The regular expression is fully anchored, as in Prometheus.
 *
 * @param sourceLabels labels whose values are joined with {@code separator} and matched
 * @param separator    joins the source label values
 * @param regex        the expression matched against the joined value, as written (unanchored)
 * @param modulus      the modulus of the {@code hashmod} action
 * @param targetLabel  the label written by {@code replace}, {@code hashmod}, {@code lowercase}, ...
 * @param replacement  the value written, with {@code $1}-style references to regex groups
 * @param action       one of {@link #ACTIONS}
 */
public record RelabelConfig(
        List<String> sourceLabels,
        String separator,
        String regex,
        long modulus,
        String targetLabel,
        String replacement,
        String action) {

    /** The actions Prometheus supports. */
    public static final Set<String> ACTIONS = Set.of(
            "replace", "keep", "drop", "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase");

    /** Prometheus's defaults. */
    public static final String DEFAULT_SEPARATOR = ";";
    public static final String DEFAULT_REGEX = "(.*)";
    public static final String DEFAULT_REPLACEMENT = "$1";
    public static final String DEFAULT_ACTION = "replace";

    private static final Set<String> FIELDS = Set.of(
            "source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action");
    private static final Set<String> NEED_TARGET_LABEL = Set.of("replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal");

    public RelabelConfig {
        sourceLabels = List.copyOf(requireNonNull(sourceLabels, "sourceLabels is null"));
        requireNonNull(separator, "separator is null");
        requireNonNull(regex, "regex is null");
        requireNonNull(targetLabel, "targetLabel is null");
        requireNonNull(replacement, "replacement is null");
        requireNonNull(action, "action is null");
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("unknown relabel action \"" + action + "\"");
        }
        if (action.equals("hashmod") && modulus == 0) {
            throw new IllegalArgumentException("relabel configuration for hashmod requires non-zero modulus");
        }
        if (NEED_TARGET_LABEL.contains(action) && targetLabel.isEmpty()) {
            throw new IllegalArgumentException("relabel configuration for " + action + " action requires 'target_label' value");
        }
        try {
            anchored(regex);
        }
        catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex \"" + regex + "\": " + e.getDescription(), e);
        }
    }

    /** The compiled, fully anchored expression. */
    public Pattern pattern() {
        return anchored(regex);
    }

    private static Pattern anchored(String regex) {
        return Pattern.compile("^(?s:" + regex + ")$");
    }

    static RelabelConfig fromYaml(Object node, String context) {
        YamlFields fields = YamlFields.of(node, context, FIELDS);
        try {
            return new RelabelConfig(
                    fields.strings("source_labels"),
                    fields.string("separator", DEFAULT_SEPARATOR),
                    fields.string("regex", DEFAULT_REGEX),
                    fields.integer("modulus", 0),
                    fields.string("target_label", ""),
                    fields.string("replacement", DEFAULT_REPLACEMENT),
                    fields.string("action", DEFAULT_ACTION));
        }
        catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(context)) {
                throw e;
            }
            throw new IllegalArgumentException(context + ": " + e.getMessage(), e);
        }
    }

    Map<String, Object> toYaml() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!sourceLabels.isEmpty()) {
            out.put("source_labels", sourceLabels);
        }
        out.put("separator", separator);
        out.put("regex", regex);
        if (modulus != 0) {
            out.put("modulus", modulus);
        }
        if (!targetLabel.isEmpty()) {
            out.put("target_label", targetLabel);
        }
        out.put("replacement", replacement);
        out.put("action", action);
        return out;
    }
}
