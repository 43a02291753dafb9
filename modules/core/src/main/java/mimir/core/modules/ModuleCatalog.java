package mimir.core.modules;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Grafana Mimir's module table (pkg/mimir/modules.go, 3.x): every module name with its direct
 * dependencies and whether users may target it, plus the aggregate targets. Used to tell a user that
 * a target is a Mimir module this image does not carry, and to compute which modules {@code all}
 * includes. The modules an image really runs are defined by providers and by {@code mimir.core}.
 */
public final class ModuleCatalog {
    /** The aggregate targets and their members (DESIGN §1; {@code all} as in Mimir). */
    public static final Map<String, List<String>> AGGREGATES = aggregates();

    /**
     * The images distribution/ builds (DESIGN §4) and the components each carries: one per deployment
     * mode with that mode's components, and mimir-all with every component. A launcher names them
     * when a target is not in its own image; distribution/'s image modules depend on exactly these
     * components (held by it/TestModeImages).
     */
    public static final Map<String, List<String>> IMAGES = images();

    /** Mimir's module dependencies (direct), for modules of any kind. */
    public static final Map<String, List<String>> MIMIR_DEPENDENCIES = dependencies();

    /** Mimir's user-visible (targetable) modules, aggregates excluded. */
    public static final Set<String> MIMIR_USER_VISIBLE = Set.of(
            "alertmanager", "block-builder", "block-builder-scheduler", "compactor", "continuous-test",
            "distributor", "ingester", "memberlist-kv", "overrides-exporter", "querier", "query-frontend",
            "query-scheduler", "ruler", "store-gateway", "usage-tracker");

    private ModuleCatalog() {}

    private static Map<String, List<String>> aggregates() {
        Map<String, List<String>> aggregates = new LinkedHashMap<>();
        aggregates.put("all", List.of("query-frontend", "query-scheduler", "querier", "ingester", "distributor", "store-gateway", "ruler", "compactor"));
        aggregates.put("backend", List.of("query-scheduler", "store-gateway", "compactor", "ruler", "alertmanager", "overrides-exporter"));
        aggregates.put("read", List.of("query-frontend", "querier"));
        aggregates.put("write", List.of("distributor", "ingester"));
        return Map.copyOf(aggregates);
    }

    private static Map<String, List<String>> images() {
        Map<String, List<String>> images = new LinkedHashMap<>();
        Set<String> every = new TreeSet<>();
        for (String mode : List.of("write", "read", "backend")) {
            images.put("mimir-" + mode, AGGREGATES.get(mode));
            every.addAll(AGGREGATES.get(mode));
        }
        images.put("mimir-all", List.copyOf(every));
        return Map.copyOf(images);
    }

    private static Map<String, List<String>> dependencies() {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        deps.put("activity-tracker", List.of());
        deps.put("sanity-check", List.of());
        deps.put("usage-stats", List.of());
        deps.put("vault", List.of());
        deps.put("server", List.of("activity-tracker", "sanity-check", "usage-stats"));
        deps.put("api", List.of("server"));
        deps.put("runtime-config", List.of("api"));
        deps.put("overrides", List.of("runtime-config"));
        deps.put("memberlist-kv", List.of("api", "vault"));
        deps.put("alertmanager", List.of("api", "memberlist-kv", "overrides", "vault"));
        deps.put("block-builder", List.of("api", "overrides"));
        deps.put("block-builder-scheduler", List.of("api"));
        deps.put("compactor", List.of("api", "memberlist-kv", "overrides", "vault"));
        deps.put("continuous-test", List.of("api"));
        deps.put("cost-attribution-service", List.of("api", "overrides"));
        deps.put("distributor", List.of("distributor-service", "api", "active-groups-cleanup-service", "vault", "usage-tracker-instance-ring", "usage-tracker-partition-ring"));
        deps.put("distributor-service", List.of("ingester-ring", "ingester-partitions-ring", "overrides", "vault", "cost-attribution-service"));
        deps.put("active-groups-cleanup-service", List.of());
        deps.put("ingester", List.of("ingester-service", "api", "active-groups-cleanup-service", "vault"));
        deps.put("ingester-partitions-ring", List.of("memberlist-kv", "ingester-ring", "api"));
        deps.put("ingester-ring", List.of("api", "runtime-config", "memberlist-kv", "vault"));
        deps.put("ingester-service", List.of("ingester-ring", "ingester-partitions-ring", "overrides", "runtime-config", "memberlist-kv", "cost-attribution-service"));
        deps.put("overrides-exporter", List.of("overrides", "memberlist-kv", "vault"));
        deps.put("querier", List.of("tenant-federation", "vault", "querier-lifecycler"));
        deps.put("querier-lifecycler", List.of("api", "runtime-config", "memberlist-kv", "vault"));
        deps.put("querier-query-planner", List.of("api", "activity-tracker", "overrides"));
        deps.put("querier-ring", List.of("api", "runtime-config", "memberlist-kv", "vault"));
        deps.put("query-frontend", List.of("query-frontend-tripperware", "memberlist-kv", "vault"));
        deps.put("query-frontend-codec", List.of());
        deps.put("query-frontend-query-planner", List.of("api", "activity-tracker", "overrides", "querier-ring"));
        deps.put("query-frontend-topic-offsets-reader", List.of("ingester-partitions-ring"));
        deps.put("query-frontend-tripperware", List.of("api", "overrides", "query-frontend-codec", "query-frontend-topic-offsets-reader", "query-frontend-query-planner"));
        deps.put("query-scheduler", List.of("api", "overrides", "memberlist-kv", "vault"));
        deps.put("queryable", List.of("overrides", "distributor-service", "ingester-ring", "ingester-partitions-ring", "api", "store-queryable", "memberlist-kv", "querier-query-planner"));
        deps.put("ruler", List.of("distributor-service", "store-queryable", "ruler-storage", "vault", "querier-query-planner"));
        deps.put("ruler-storage", List.of("overrides"));
        deps.put("store-gateway", List.of("api", "overrides", "memberlist-kv", "vault"));
        deps.put("store-queryable", List.of("overrides", "memberlist-kv"));
        deps.put("tenant-federation", List.of("queryable"));
        deps.put("usage-tracker", List.of("api", "overrides", "usage-tracker-instance-ring", "usage-tracker-partition-ring"));
        deps.put("usage-tracker-instance-ring", List.of("memberlist-kv"));
        deps.put("usage-tracker-partition-ring", List.of("memberlist-kv", "usage-tracker-instance-ring"));
        return Map.copyOf(deps);
    }

    /** The images of {@link #IMAGES} that carry every one of {@code components}, sorted by name. */
    public static List<String> imagesWith(Collection<String> components) {
        return IMAGES.entrySet().stream().filter(image -> image.getValue().containsAll(components)).map(Map.Entry::getKey).sorted().toList();
    }

    /**
     * True unless {@code image} is one of {@link #IMAGES} and {@code component} is not among its
     * components (an image not in the table, e.g. one of a single component, or none, runs whatever it carries).
     */
    public static boolean isComponentOf(String image, String component) {
        List<String> components = IMAGES.get(image);
        return components == null || components.contains(component);
    }

    /** True if Mimir has a module (or aggregate target) of this name. */
    public static boolean isMimirModule(String name) {
        return MIMIR_DEPENDENCIES.containsKey(name) || AGGREGATES.containsKey(name);
    }
}
