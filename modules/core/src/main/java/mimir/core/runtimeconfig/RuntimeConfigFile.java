package mimir.core.runtimeconfig;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mimir.core.config.ConfigException;
import mimir.core.config.YamlNodes;
import mimir.model.InvalidTenantIdException;
import mimir.model.TenantIds;
import mimir.spi.limits.InvalidLimitException;
import mimir.spi.limits.Limits;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * One runtime config file, parsed and checked on its own so that every error can name its line: the
 * top-level keys, the tenant IDs, and each tenant's limits against the defaults. Keeps the file's
 * tree (strings, lists, maps) for merging with the other files, and the line of every
 * {@code overrides.<tenant>.<limit>} key for errors found only after merging.
 */
final class RuntimeConfigFile {
    static final String OVERRIDES = "overrides";
    static final Set<String> TOP_LEVEL_KEYS = Set.of(OVERRIDES, "multi_kv_config", "ingester_limits", "distributor_limits");

    private final String source;
    private final Map<String, Object> tree;
    private final Map<List<String>, Integer> lines;

    private RuntimeConfigFile(String source, Map<String, Object> tree, Map<List<String>, Integer> lines) {
        this.source = source;
        this.tree = tree;
        this.lines = lines;
    }

    /**
     * @param source the file as named in errors, e.g. {@code runtime config file /etc/mimir/overrides.yaml}
     * @throws ConfigException naming the source and line of the first problem
     */
    static RuntimeConfigFile parse(String text, String source, Limits defaults) {
        requireNonNull(defaults, "defaults is null");
        Node root = YamlNodes.composeSingleDocument(text, source);
        Map<String, Object> tree = new LinkedHashMap<>();
        Map<List<String>, Integer> lines = new HashMap<>();
        if (YamlNodes.isNull(root)) {
            return new RuntimeConfigFile(source, tree, lines);
        }
        if (!(root instanceof MappingNode mapping)) {
            throw YamlNodes.error(source, root, "expected a mapping at the top level, got " + YamlNodes.describe(root));
        }
        for (Map.Entry<String, NodeTuple> entry : YamlNodes.entries(mapping, source).entrySet()) {
            String key = entry.getKey();
            Node valueNode = entry.getValue().getValueNode();
            if (!TOP_LEVEL_KEYS.contains(key)) {
                throw YamlNodes.error(source, entry.getValue().getKeyNode(), "field " + key + " not found in runtime config");
            }
            if (!YamlNodes.isNull(valueNode) && !(valueNode instanceof MappingNode)) {
                throw YamlNodes.error(source, valueNode, "expected a mapping for " + key + ", got " + YamlNodes.describe(valueNode));
            }
            if (key.equals(OVERRIDES) && valueNode instanceof MappingNode overrides) {
                tree.put(key, parseOverrides(overrides, source, defaults, lines));
            }
            else {
                tree.put(key, YamlNodes.toObject(valueNode, source));
            }
        }
        return new RuntimeConfigFile(source, tree, lines);
    }

    private static Map<String, Object> parseOverrides(MappingNode overrides, String source, Limits defaults, Map<List<String>, Integer> lines) {
        Map<String, Object> tenants = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> entry : YamlNodes.entries(overrides, source).entrySet()) {
            String tenant = entry.getKey();
            Node tenantKey = entry.getValue().getKeyNode();
            Node limitsNode = entry.getValue().getValueNode();
            try {
                TenantIds.validate(tenant);
            }
            catch (InvalidTenantIdException e) {
                throw YamlNodes.error(source, tenantKey, "invalid tenant ID \"" + tenant + "\" in overrides: " + e.getMessage());
            }
            lines.put(List.of(OVERRIDES, tenant), YamlNodes.line(tenantKey));
            if (YamlNodes.isNull(limitsNode)) {
                tenants.put(tenant, null);
                continue;
            }
            if (!(limitsNode instanceof MappingNode limitsMapping)) {
                throw YamlNodes.error(source, limitsNode, "expected a mapping of limits for tenant " + tenant + ", got " + YamlNodes.describe(limitsNode));
            }
            Map<String, Object> limits = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> limit : YamlNodes.entries(limitsMapping, source).entrySet()) {
                lines.put(List.of(OVERRIDES, tenant, limit.getKey()), YamlNodes.line(limit.getValue().getKeyNode()));
                limits.put(limit.getKey(), YamlNodes.toObject(limit.getValue().getValueNode(), source));
            }
            try {
                defaults.withOverrides(limits);
            }
            catch (InvalidLimitException e) {
                Integer line = lines.get(List.of(OVERRIDES, tenant, e.yamlName()));
                throw new ConfigException(source + ": line " + (line != null ? line : YamlNodes.line(limitsNode)) + ": overrides." + tenant + ": " + e.getMessage(), e);
            }
            tenants.put(tenant, Collections.unmodifiableMap(limits));
        }
        return tenants;
    }

    String source() {
        return source;
    }

    /** The file's content as strings, lists and maps, in file order. */
    Map<String, Object> tree() {
        return tree;
    }

    /** The line of a key path such as {@code [overrides, tenant-a, ingestion_rate]}, if this file has it. */
    Integer line(List<String> path) {
        return lines.get(path);
    }
}
