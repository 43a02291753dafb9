package mimir.ruler.store;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import mimir.proto.rulespb.LabelPair;
import mimir.proto.rulespb.RuleDesc;
import mimir.proto.rulespb.RuleGroupDesc;
import mimir.ruler.rules.RuleDefinition;
import mimir.ruler.rules.RuleGroupDefinition;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStore.ListMode;

/**
 * The tenants' rule groups in {@code ruler-storage}, in Mimir's layout and encoding: one object per
 * group at {@code rules/<tenant>/<base64url(namespace)>/<base64url(group)>} holding the protobuf
 * {@code rules.RuleGroupDesc}, so a bucket written by Mimir's ruler is read here and the other way
 * round. Objects whose key does not decode are skipped (as Mimir does), not fatal.
 */
public final class RuleStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RuleStore.class.getName());
    static final String PREFIX = "rules/";

    private final ObjectStore store;

    public RuleStore(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    static String encode(String name) {
        return Base64.getUrlEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> decode(String segment) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
            return decoded.isEmpty() ? Optional.empty() : Optional.of(decoded);
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String key(String tenant, String namespace, String group) {
        return PREFIX + tenant + "/" + encode(namespace) + "/" + encode(group);
    }

    /** The tenants that have at least one object under {@code rules/}. */
    public List<String> tenants() throws IOException {
        List<String> tenants = new ArrayList<>();
        store.list(PREFIX, ListMode.DELIMITED, key -> {
            if (key.endsWith("/")) {
                tenants.add(key.substring(PREFIX.length(), key.length() - 1));
            }
        });
        return tenants;
    }

    /** A tenant's group names by namespace (namespace empty: all), sorted by namespace then group. */
    public Map<String, List<String>> list(String tenant, String namespace) throws IOException {
        String prefix = PREFIX + tenant + "/" + (namespace.isEmpty() ? "" : encode(namespace) + "/");
        Map<String, List<String>> result = new TreeMap<>();
        store.list(prefix, ListMode.RECURSIVE, key -> {
            String[] parts = key.substring(PREFIX.length() + tenant.length() + 1).split("/");
            Optional<String> ns = parts.length == 2 ? decode(parts[0]) : Optional.empty();
            Optional<String> group = parts.length == 2 ? decode(parts[1]) : Optional.empty();
            if (ns.isEmpty() || group.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "invalid rule group object key found while listing rule groups user=" + tenant + " key=" + key);
                return;
            }
            result.computeIfAbsent(ns.get(), n -> new ArrayList<>()).add(group.get());
        });
        for (List<String> groups : result.values()) {
            groups.sort(null);
        }
        return result;
    }

    /** A tenant's groups (namespace empty: all), loaded, by namespace. */
    public Map<String, List<RuleGroupDefinition>> load(String tenant, String namespace) throws IOException {
        Map<String, List<RuleGroupDefinition>> result = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : list(tenant, namespace).entrySet()) {
            List<RuleGroupDefinition> groups = new ArrayList<>();
            for (String group : entry.getValue()) {
                get(tenant, entry.getKey(), group).ifPresent(groups::add);
            }
            if (!groups.isEmpty()) {
                result.put(entry.getKey(), groups);
            }
        }
        return result;
    }

    /** One group, if stored. */
    public Optional<RuleGroupDefinition> get(String tenant, String namespace, String group) throws IOException {
        byte[] bytes;
        try (InputStream in = store.get(key(tenant, namespace, group))) {
            bytes = in.readAllBytes();
        }
        catch (NoSuchObjectException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromProto(RuleGroupDesc.parseFrom(bytes)));
        }
        catch (InvalidProtocolBufferException e) {
            throw new IOException("failed to unmarshal rule group " + key(tenant, namespace, group) + ": " + e.getMessage(), e);
        }
    }

    public void put(String tenant, RuleGroupDefinition group) throws IOException {
        store.put(key(tenant, group.namespace(), group.name()), toProto(tenant, group).toByteArray());
    }

    /** @return false if the group did not exist */
    public boolean delete(String tenant, String namespace, String group) throws IOException {
        String key = key(tenant, namespace, group);
        if (!store.exists(key)) {
            return false;
        }
        store.delete(key);
        return true;
    }

    /** @return false if the namespace had no group */
    public boolean deleteNamespace(String tenant, String namespace) throws IOException {
        List<String> groups = list(tenant, namespace).getOrDefault(namespace, List.of());
        for (String group : groups) {
            store.delete(key(tenant, namespace, group));
        }
        return !groups.isEmpty();
    }

    /** Deletes every group of the tenant ({@code POST /ruler/delete_tenant_config}). */
    public void deleteTenant(String tenant) throws IOException {
        List<String> keys = new ArrayList<>();
        store.list(PREFIX + tenant + "/", ListMode.RECURSIVE, keys::add);
        for (String key : keys) {
            store.delete(key);
        }
    }

    static RuleGroupDesc toProto(String tenant, RuleGroupDefinition group) {
        RuleGroupDesc.Builder builder = RuleGroupDesc.newBuilder()
                .setName(group.name())
                .setNamespace(group.namespace())
                .setUser(tenant)
                .setInterval(duration(group.interval()))
                .addAllSourceTenants(group.sourceTenants())
                .setAlignEvaluationTimeOnInterval(group.alignEvaluationTimeOnInterval())
                .setLimit(group.limit());
        if (group.queryOffset() != null) {
            builder.setQueryOffset(duration(group.queryOffset()));
        }
        for (RuleDefinition rule : group.rules()) {
            RuleDesc.Builder r = RuleDesc.newBuilder().setExpr(rule.expr()).setRecord(rule.record()).setAlert(rule.alert())
                    .setFor(duration(rule.forDuration())).setKeepFiringFor(duration(rule.keepFiringFor()));
            rule.labels().forEach((name, value) -> r.addLabels(pair(name, value)));
            rule.annotations().forEach((name, value) -> r.addAnnotations(pair(name, value)));
            builder.addRules(r);
        }
        return builder.build();
    }

    static RuleGroupDefinition fromProto(RuleGroupDesc desc) {
        List<RuleDefinition> rules = new ArrayList<>();
        for (RuleDesc r : desc.getRulesList()) {
            rules.add(new RuleDefinition(r.getRecord(), r.getAlert(), r.getExpr(), duration(r.getFor()), duration(r.getKeepFiringFor()),
                    pairs(r.getLabelsList()), pairs(r.getAnnotationsList())));
        }
        Duration queryOffset = desc.hasQueryOffset() ? duration(desc.getQueryOffset())
                : desc.hasEvaluationDelay() && !duration(desc.getEvaluationDelay()).isZero() ? duration(desc.getEvaluationDelay()) : null;
        return new RuleGroupDefinition(desc.getNamespace(), desc.getName(), duration(desc.getInterval()), desc.getLimit(), queryOffset,
                desc.getSourceTenantsList(), desc.getAlignEvaluationTimeOnInterval(), rules);
    }

    private static com.google.protobuf.Duration duration(Duration duration) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
    }

    private static Duration duration(com.google.protobuf.Duration duration) {
        return Duration.ofSeconds(duration.getSeconds(), duration.getNanos());
    }

    private static LabelPair pair(String name, String value) {
        return LabelPair.newBuilder().setName(com.google.protobuf.ByteString.copyFromUtf8(name))
                .setValue(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    private static Map<String, String> pairs(List<LabelPair> pairs) {
        Map<String, String> result = new LinkedHashMap<>();
        for (LabelPair pair : pairs) {
            result.put(pair.getName().toStringUtf8(), pair.getValue().toStringUtf8());
        }
        return result;
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
