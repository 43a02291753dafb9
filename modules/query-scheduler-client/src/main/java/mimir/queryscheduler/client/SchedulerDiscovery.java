package mimir.queryscheduler.client;

import mimir.ring.RingSettings;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.kv.KvScope;

/**
 * How query-frontends and querier workers find the query-schedulers: Mimir's
 * {@code -query-scheduler.service-discovery-mode}. In {@code dns} mode (the default) they use the one
 * address of {@code -query-frontend.scheduler-address} / {@code -querier.scheduler-address} (or the
 * scheduler of their own process); in {@code ring} mode every query-scheduler registers in the
 * query-scheduler ring ({@code -query-scheduler.ring.*}) and frontends and queriers use every healthy
 * one of it, which is how the read-write deployment finds the backend's schedulers without an address.
 * The scheduler, the frontend and the querier all register these same settings.
 */
public final class SchedulerDiscovery {
    /** {@code -query-scheduler.service-discovery-mode}. */
    public static final Setting<String> MODE = Setting.advanced("query-scheduler.service-discovery-mode", "query_scheduler.service_discovery_mode",
            ValueTypes.oneOf("dns", "ring"), "dns",
            "Service discovery mode that query-frontends and queriers use to find query-scheduler instances. When query-scheduler ring-based "
                    + "service discovery is enabled, this option needs be set on query-schedulers, query-frontends and queriers. Supported values: dns, ring.");

    /** {@code -query-scheduler.ring.*}: the schedulers register in ring mode; one token each, as in Mimir. */
    public static final RingSettings RING = RingSettings.of(KvScope.QUERY_SCHEDULER_RING, "query_scheduler.ring", "query-scheduler", null, null, 10);

    private SchedulerDiscovery() {}

    /** Registers the mode and the ring's settings. */
    public static void register(ConfigRegistry registry) {
        registry.register(MODE);
        RING.register(registry);
    }

    /** True in ring mode. */
    public static boolean ringMode(ConfigValues values) {
        return values.get(MODE).equals("ring");
    }
}
