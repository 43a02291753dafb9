package mimir.ruler.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import mimir.model.LabelNames;
import mimir.promql.parser.ParseException;
import mimir.promql.parser.PromDurations;
import mimir.promql.parser.PromQLParser;
import mimir.yaml.YamlComposer;
import mimir.yaml.YamlSettings;

/**
 * Rule groups in Prometheus's rule file format with Mimir's extensions ({@code source_tenants},
 * {@code query_offset}, {@code evaluation_delay}, {@code align_evaluation_time_on_interval}): parsing
 * with validation, and writing back.
 *
 * <p>Parsing is strict, as {@code promtool check rules} is: an unknown field, a duplicate key or group
 * name, a recording rule with {@code for}, an invalid metric or label name, a PromQL or template syntax
 * error are all refused with promtool's wording ({@code group "g", rule 1, "name": ...}).
 */
public final class RuleGroupYaml {
    private static final Set<String> GROUP_FIELDS = Set.of("name", "interval", "limit", "query_offset", "evaluation_delay", "source_tenants",
            "align_evaluation_time_on_interval", "rules");
    private static final Set<String> RULE_FIELDS = Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations");

    private final TemplateChecker templates;

    /** Checks that an alerting rule's label or annotation value parses as a template. */
    @FunctionalInterface
    public interface TemplateChecker {
        /** @return the parse error, or null */
        String check(String alertName, String template);
    }

    public RuleGroupYaml(TemplateChecker templates) {
        this.templates = templates;
    }

    /**
     * Parses a config API body: one rule group (Mimir's API), or a Prometheus rule file
     * ({@code groups:} with several groups, which must have distinct names).
     *
     * @param namespace the namespace the groups go into
     * @throws RuleGroupException listing every problem found
     */
    public List<RuleGroupDefinition> parse(String namespace, String yaml) throws RuleGroupException {
        Node root;
        try {
            root = YamlComposer.composeOne(YamlSettings.forNodes().build(), yaml).orElse(null);
        }
        catch (YamlEngineException e) {
            // stripLeading: the engine starts a message that has no context with an empty line.
            throw new RuleGroupException("unable to decode rule group: " + e.getMessage().stripLeading().replace('\n', ' '));
        }
        if (root == null) {
            throw new RuleGroupException("invalid rules configuration: rule group name must not be empty");
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new RuleGroupException("unable to decode rule group: " + where(root) + "cannot unmarshal " + kind(root) + " into rulefmt.RuleGroup");
        }
        List<String> errors = new ArrayList<>();
        List<RuleGroupDefinition> groups = new ArrayList<>();
        Map<String, Node> top = fields(mapping, Set.of(), "", errors);
        if (top.containsKey("groups") && top.size() == 1) {
            Node list = top.get("groups");
            if (!(list instanceof SequenceNode sequence)) {
                throw new RuleGroupException("unable to decode rule group: " + where(list) + "cannot unmarshal " + kind(list) + " into []rulefmt.RuleGroup");
            }
            Set<String> names = new HashSet<>();
            for (Node groupNode : sequence.getValue()) {
                RuleGroupDefinition group = group(namespace, groupNode, errors);
                if (group != null && !names.add(group.name())) {
                    errors.add(where(groupNode) + "groupname: \"" + group.name() + "\" is repeated in the same file");
                }
                if (group != null) {
                    groups.add(group);
                }
            }
        }
        else {
            RuleGroupDefinition group = group(namespace, mapping, errors);
            if (group != null) {
                groups.add(group);
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleGroupException(errors);
        }
        return groups;
    }

    private static String where(Node node) {
        return "line " + (node.getStartMark().orElseThrow().getLine() + 1) + ": ";
    }

    private static String kind(Node node) {
        return switch (node) {
            case MappingNode m -> "!!map";
            case SequenceNode s -> "!!seq";
            case ScalarNode s -> "!!str `" + s.getValue() + "`";
            default -> "!!node";
        };
    }

    /** The mapping's fields by key; unknown keys become errors naming {@code type}. */
    private static Map<String, Node> fields(MappingNode mapping, Set<String> known, String type, List<String> errors) {
        Map<String, Node> result = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "";
            if (!known.isEmpty() && !known.contains(key)) {
                errors.add(where(tuple.getKeyNode()) + "field " + key + " not found in type " + type);
                continue;
            }
            result.put(key, tuple.getValueNode());
        }
        return result;
    }

    private static String scalar(Node node, String type, List<String> errors) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue().equals("null") || scalar.getValue().equals("~") ? "" : scalar.getValue();
        }
        errors.add(where(node) + "cannot unmarshal " + kind(node) + " into " + type);
        return "";
    }

    private static Duration duration(Node node, List<String> errors) {
        if (node == null) {
            return Duration.ZERO;
        }
        String text = scalar(node, "model.Duration", errors);
        if (text.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            return Duration.ofMillis(PromDurations.parseMillis(text));
        }
        catch (RuntimeException e) {
            errors.add(where(node) + "not a valid duration string: \"" + text + "\"");
            return Duration.ZERO;
        }
    }

    private static Map<String, String> stringMap(Node node, String type, List<String> errors) {
        Map<String, String> result = new LinkedHashMap<>();
        if (node == null || (node instanceof ScalarNode scalar && (scalar.getValue().isEmpty() || scalar.getValue().equals("null")))) {
            return result;
        }
        if (!(node instanceof MappingNode mapping)) {
            errors.add(where(node) + "cannot unmarshal " + kind(node) + " into " + type);
            return result;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            result.put(scalar(tuple.getKeyNode(), "string", errors), scalar(tuple.getValueNode(), "string", errors));
        }
        return result;
    }

    private RuleGroupDefinition group(String namespace, Node node, List<String> errors) {
        if (!(node instanceof MappingNode mapping)) {
            errors.add(where(node) + "cannot unmarshal " + kind(node) + " into rulefmt.RuleGroup");
            return null;
        }
        int before = errors.size();
        Map<String, Node> fields = fields(mapping, GROUP_FIELDS, "rulefmt.RuleGroup", errors);
        String name = fields.containsKey("name") ? scalar(fields.get("name"), "string", errors) : "";
        Duration interval = duration(fields.get("interval"), errors);
        long limit = 0;
        if (fields.containsKey("limit")) {
            String text = scalar(fields.get("limit"), "int", errors);
            try {
                limit = text.isEmpty() ? 0 : Long.parseLong(text);
            }
            catch (NumberFormatException e) {
                errors.add(where(fields.get("limit")) + "cannot unmarshal !!str `" + text + "` into int");
            }
        }
        Duration queryOffset = fields.containsKey("query_offset") ? duration(fields.get("query_offset"), errors)
                : fields.containsKey("evaluation_delay") ? duration(fields.get("evaluation_delay"), errors) : null;
        List<String> sourceTenants = new ArrayList<>();
        Node tenants = fields.get("source_tenants");
        if (tenants instanceof SequenceNode sequence) {
            for (Node tenant : sequence.getValue()) {
                sourceTenants.add(scalar(tenant, "string", errors));
            }
        }
        else if (tenants != null && !(tenants instanceof ScalarNode scalar && scalar.getValue().equals("null"))) {
            errors.add(where(tenants) + "cannot unmarshal " + kind(tenants) + " into []string");
        }
        boolean align = false;
        if (fields.containsKey("align_evaluation_time_on_interval")) {
            String text = scalar(fields.get("align_evaluation_time_on_interval"), "bool", errors);
            align = text.equals("true");
            if (!align && !text.equals("false") && !text.isEmpty()) {
                errors.add(where(fields.get("align_evaluation_time_on_interval")) + "cannot unmarshal !!str `" + text + "` into bool");
            }
        }
        List<RuleDefinition> rules = new ArrayList<>();
        Node rulesNode = fields.get("rules");
        List<Node> ruleNodes = new ArrayList<>();
        if (rulesNode instanceof SequenceNode sequence) {
            ruleNodes.addAll(sequence.getValue());
        }
        else if (rulesNode != null && !(rulesNode instanceof ScalarNode scalar && scalar.getValue().equals("null"))) {
            errors.add(where(rulesNode) + "cannot unmarshal " + kind(rulesNode) + " into []rulefmt.RuleNode");
        }
        if (errors.size() > before) {
            return null;
        }
        if (name.isEmpty()) {
            errors.add("invalid rules configuration: rule group name must not be empty");
            return null;
        }
        if (ruleNodes.isEmpty()) {
            errors.add("invalid rules configuration: rule group '" + name + "' has no rules");
            return null;
        }
        for (int i = 0; i < ruleNodes.size(); i++) {
            RuleDefinition rule = rule(name, i + 1, ruleNodes.get(i), errors);
            if (rule != null) {
                rules.add(rule);
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new RuleGroupDefinition(namespace, name, interval, limit, queryOffset, sourceTenants, align, rules);
    }

    private RuleDefinition rule(String group, int index, Node node, List<String> errors) {
        if (!(node instanceof MappingNode mapping)) {
            errors.add(where(node) + "cannot unmarshal " + kind(node) + " into rulefmt.RuleNode");
            return null;
        }
        int before = errors.size();
        Map<String, Node> fields = fields(mapping, RULE_FIELDS, "rulefmt.RuleNode", errors);
        String record = fields.containsKey("record") ? scalar(fields.get("record"), "string", errors) : "";
        String alert = fields.containsKey("alert") ? scalar(fields.get("alert"), "string", errors) : "";
        String expr = fields.containsKey("expr") ? scalar(fields.get("expr"), "string", errors) : "";
        Duration forDuration = duration(fields.get("for"), errors);
        Duration keepFiringFor = duration(fields.get("keep_firing_for"), errors);
        Map<String, String> labels = stringMap(fields.get("labels"), "map[string]string", errors);
        Map<String, String> annotations = stringMap(fields.get("annotations"), "map[string]string", errors);
        if (errors.size() > before) {
            return null;
        }
        String prefix = "group \"" + group + "\", rule " + index + ", \"" + (alert.isEmpty() ? record : alert) + "\": ";
        List<String> problems = new ArrayList<>();
        if (record.isEmpty() && alert.isEmpty()) {
            problems.add("one of 'record' or 'alert' must be set");
        }
        if (!record.isEmpty() && !alert.isEmpty()) {
            problems.add("only one of 'record' and 'alert' must be set");
        }
        if (expr.isEmpty()) {
            problems.add("field 'expr' must be set in rule");
        }
        else {
            try {
                PromQLParser.parse(expr);
            }
            catch (ParseException e) {
                problems.add("could not parse expression: " + e.getMessage());
            }
        }
        if (!record.isEmpty()) {
            if (fields.containsKey("annotations") && !annotations.isEmpty()) {
                problems.add("invalid field 'annotations' in recording rule");
            }
            if (fields.containsKey("for") && !forDuration.isZero()) {
                problems.add("invalid field 'for' in recording rule");
            }
            if (fields.containsKey("keep_firing_for") && !keepFiringFor.isZero()) {
                problems.add("invalid field 'keep_firing_for' in recording rule");
            }
            if (!LabelNames.isValidMetricName(record)) {
                problems.add("invalid recording rule name: " + record);
            }
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!LabelNames.isValidLabelName(label.getKey()) || label.getKey().equals("__name__")) {
                problems.add("invalid label name: " + label.getKey());
            }
        }
        for (String annotation : annotations.keySet()) {
            if (!LabelNames.isValidLabelName(annotation)) {
                problems.add("invalid annotation name: " + annotation);
            }
        }
        if (!alert.isEmpty()) {
            for (Map.Entry<String, String> label : labels.entrySet()) {
                String error = templates.check(alert, label.getValue());
                if (error != null) {
                    problems.add("label \"" + label.getKey() + "\": " + error);
                }
            }
            for (Map.Entry<String, String> annotation : annotations.entrySet()) {
                String error = templates.check(alert, annotation.getValue());
                if (error != null) {
                    problems.add("annotation \"" + annotation.getKey() + "\": " + error);
                }
            }
        }
        for (String problem : problems) {
            errors.add(prefix + problem);
        }
        return problems.isEmpty() ? new RuleDefinition(record, alert, expr, forDuration, keepFiringFor, labels, annotations) : null;
    }

    /** One group as YAML, in the shape {@code GET /prometheus/config/v1/rules/{namespace}/{group}} answers. */
    public static String format(RuleGroupDefinition group) {
        return yaml().dumpToString(groupMap(group));
    }

    /** Namespaces with their groups, the shape of {@code GET /prometheus/config/v1/rules[/{namespace}]}. */
    public static String formatNamespaces(Map<String, List<RuleGroupDefinition>> namespaces) {
        if (namespaces.isEmpty()) {
            return "{}\n";
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<RuleGroupDefinition>> namespace : namespaces.entrySet()) {
            List<Object> groups = new ArrayList<>();
            for (RuleGroupDefinition group : namespace.getValue()) {
                groups.add(groupMap(group));
            }
            out.put(namespace.getKey(), groups);
        }
        return yaml().dumpToString(out);
    }

    private static Dump yaml() {
        return new Dump(YamlSettings.forWriting()
                .setIndent(4)
                .setIndicatorIndent(2)
                .setIndentWithIndicator(true)
                .build());
    }

    private static Map<String, Object> groupMap(RuleGroupDefinition group) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", group.name());
        if (!group.interval().isZero()) {
            out.put("interval", PromDurations.format(group.interval().toMillis()));
        }
        if (group.queryOffset() != null) {
            out.put("query_offset", PromDurations.format(group.queryOffset().toMillis()));
        }
        if (group.limit() != 0) {
            out.put("limit", group.limit());
        }
        if (!group.sourceTenants().isEmpty()) {
            out.put("source_tenants", group.sourceTenants());
        }
        if (group.alignEvaluationTimeOnInterval()) {
            out.put("align_evaluation_time_on_interval", true);
        }
        List<Object> rules = new ArrayList<>();
        for (RuleDefinition rule : group.rules()) {
            Map<String, Object> r = new LinkedHashMap<>();
            if (rule.isAlerting()) {
                r.put("alert", rule.alert());
            }
            else {
                r.put("record", rule.record());
            }
            r.put("expr", rule.expr());
            if (!rule.forDuration().isZero()) {
                r.put("for", PromDurations.format(rule.forDuration().toMillis()));
            }
            if (!rule.keepFiringFor().isZero()) {
                r.put("keep_firing_for", PromDurations.format(rule.keepFiringFor().toMillis()));
            }
            if (!rule.labels().isEmpty()) {
                r.put("labels", new LinkedHashMap<>(rule.labels()));
            }
            if (!rule.annotations().isEmpty()) {
                r.put("annotations", new LinkedHashMap<>(rule.annotations()));
            }
            rules.add(r);
        }
        out.put("rules", rules);
        return out;
    }
}
