package mimir.ruler;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import mimir.distributor.client.DistributorClient;
import mimir.querier.client.QuerierClient;
import mimir.ruler.eval.GroupContext;
import mimir.ruler.eval.GroupEvaluator;
import mimir.ruler.eval.Notifier;
import mimir.ruler.eval.RuleTemplates;
import mimir.ruler.rules.RuleGroupDefinition;
import mimir.ruler.store.RuleStore;
import mimir.spi.LocalInstances;
import mimir.spi.Overrides;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The ruler service, in Mimir's internal mode: it evaluates every tenant's rule groups from
 * {@code ruler-storage} with its own query engine over the in-process querier's storage, and writes
 * results through the in-process distributor. Groups are re-read every {@code -ruler.poll-interval}
 * and at once after a change through the config API; a changed group keeps the alert states of its
 * unchanged rules, a deleted group's series are marked stale.
 *
 * <p>With several rulers, each evaluates only the groups it owns in the ruler ring
 * ({@link RulerRing}); every group is re-judged at each poll and promptly after the ring changes. A
 * group this ruler lost stops here without staleness markers, since its new owner goes on writing its
 * series (and restores its alerts' {@code for} state from {@code ALERTS_FOR_STATE}).
 */
@Singleton
public final class Ruler implements Service {
    private static final System.Logger LOG = System.getLogger(Ruler.class.getName());
    /** A sync request for every tenant (tenant IDs are never empty). */
    private static final String ALL_TENANTS = "";

    private final RulerConfig config;
    private final RuleStore store;
    private final LocalInstances localInstances;
    private final Overrides overrides;
    private final Clock clock;
    private final RulerMetrics metrics;
    private final RulerRing ring;
    private final RulerPeers peers;
    private final RuleTemplates templates = new RuleTemplates();
    private final Map<String, Map<String, GroupEvaluator>> tenants = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<String> syncRequests = new LinkedBlockingQueue<>();
    private final Object syncLock = new Object();
    private volatile GroupContext context;
    private volatile Notifier notifier;
    private volatile Thread syncThread;
    private volatile boolean running;

    @Inject
    public Ruler(RulerConfig config, RuleStore store, LocalInstances localInstances, Overrides overrides, Clock clock, RulerMetrics metrics,
            RulerRing ring, RulerPeers peers) {
        this.config = requireNonNull(config, "config is null");
        this.store = requireNonNull(store, "store is null");
        this.localInstances = requireNonNull(localInstances, "localInstances is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.ring = requireNonNull(ring, "ring is null");
        this.peers = requireNonNull(peers, "peers is null");
    }

    @Override
    public String name() {
        return "ruler";
    }

    RuleTemplates templates() {
        return templates;
    }

    RulerRing ring() {
        return ring;
    }

    @Override
    public void start(ServiceContext serviceContext) throws IOException {
        QuerierClient querier = localInstances.find(QuerierClient.class).orElseThrow(() -> new IllegalStateException(
                "ruler: the queryable module is not running in this process; the ruler evaluates rules through it (its jar, mimir.querier, "
                        + "must be in lib/)"));
        DistributorClient distributor = localInstances.find(DistributorClient.class).orElseThrow(() -> new IllegalStateException(
                "ruler: the distributor-service module is not running in this process; the ruler writes recording-rule results through it "
                        + "(its jar, mimir.distributor, must be in lib/)"));
        notifier = new Notifier(config.alertmanagerUrls(), config.notificationQueueCapacity(), config.notificationTimeout(), metrics);
        metrics.notificationQueue(notifier, config.notificationQueueCapacity());
        context = new GroupContext(querier, distributor, notifier, metrics, clock, overrides, templates, config.evaluationInterval(),
                config.resendDelay(), config.outageTolerance(), config.externalUrl(), Map.of());
        running = true;
        ring.join();
        ring.onChange(() -> syncRequests.offer(ALL_TENANTS));
        syncAll();
        syncThread = Thread.ofVirtual().name("ruler-sync").start(this::syncLoop);
        LOG.log(Level.INFO, "ruler started tenants=" + tenants.size() + " alertmanagers=" + config.alertmanagerUrls().size());
    }

    private void syncLoop() {
        long nextFull = clock.millis() + config.pollInterval().toMillis();
        while (running) {
            String tenant;
            try {
                tenant = syncRequests.poll(Math.max(1, nextFull - clock.millis()), TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException e) {
                return;
            }
            try {
                if (ALL_TENANTS.equals(tenant)) {
                    syncAll();
                }
                else if (tenant != null) {
                    syncTenant(tenant);
                }
                else if (clock.millis() >= nextFull) {
                    syncAll();
                    nextFull = clock.millis() + config.pollInterval().toMillis();
                }
            }
            catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "ruler failed to sync rule groups tenant=" + (tenant == null ? "*" : tenant) + " err=\"" + e + "\"");
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Asks for the tenant's groups to be re-read now (after a config API change). */
    void notifySync(String tenant) {
        metrics.configUpdated(tenant);
        syncRequests.offer(tenant);
    }

    /** Re-reads every tenant's groups. */
    void syncAll() throws IOException {
        Set<String> all = new HashSet<>(store.tenants());
        all.addAll(tenants.keySet());
        for (String tenant : all) {
            try {
                syncTenant(tenant);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Re-reads one tenant's groups and starts, replaces or stops evaluators to match. */
    void syncTenant(String tenant) throws IOException, InterruptedException {
        synchronized (syncLock) {
            GroupContext current = context;
            if (current == null || !running) {
                return;
            }
            Map<String, GroupEvaluator> wanted = new LinkedHashMap<>();
            Map<String, GroupEvaluator> runningGroups = tenants.getOrDefault(tenant, Map.of());
            RulerRing.Ownership ownership = ring.ownership();
            Set<String> lost = new HashSet<>();
            for (List<RuleGroupDefinition> groups : store.load(tenant, "").values()) {
                for (RuleGroupDefinition group : groups) {
                    if (!group.sourceTenants().isEmpty() && !config.federationEnabled()) {
                        LOG.log(Level.WARNING, "skipping federated rule group because -tenant-federation.enabled is false user=" + tenant
                                + " namespace=" + group.namespace() + " group=" + group.name());
                        continue;
                    }
                    String key = group.namespace() + "\u0000" + group.name();
                    if (!ownership.owns(tenant, group.namespace(), group.name())) {
                        lost.add(key);
                        continue;
                    }
                    GroupEvaluator existing = runningGroups.get(key);
                    if (existing != null && existing.group().equals(group)) {
                        wanted.put(key, existing);
                        continue;
                    }
                    GroupEvaluator evaluator = new GroupEvaluator(tenant, group, current);
                    if (existing != null) {
                        existing.stop();
                        evaluator.copyStateFrom(existing);
                    }
                    evaluator.start();
                    wanted.put(key, evaluator);
                }
            }
            for (Map.Entry<String, GroupEvaluator> old : runningGroups.entrySet()) {
                if (!wanted.containsKey(old.getKey())) {
                    old.getValue().stop();
                    if (!lost.contains(old.getKey())) {
                        old.getValue().markStale();
                    }
                }
            }
            if (wanted.isEmpty()) {
                tenants.remove(tenant);
            }
            else {
                tenants.put(tenant, Map.copyOf(wanted));
            }
            metrics.managers.set(tenants.size());
        }
    }

    /** The tenant's running groups, for tests that evaluate them directly. */
    List<GroupEvaluator> groups(String tenant) {
        return List.copyOf(tenants.getOrDefault(tenant, Map.of()).values());
    }

    /** The tenant's running groups' states, sorted by namespace then group name. */
    List<GroupEvaluator.GroupStatus> statuses(String tenant) {
        List<GroupEvaluator> groups = new ArrayList<>(tenants.getOrDefault(tenant, Map.of()).values());
        groups.sort(Comparator.comparing((GroupEvaluator g) -> g.group().namespace()).thenComparing(g -> g.group().name()));
        List<GroupEvaluator.GroupStatus> result = new ArrayList<>();
        for (GroupEvaluator group : groups) {
            result.add(group.status());
        }
        return result;
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        Thread sync = syncThread;
        if (sync != null) {
            sync.interrupt();
            sync.join();
        }
        synchronized (syncLock) {
            for (Map<String, GroupEvaluator> groups : tenants.values()) {
                for (GroupEvaluator group : groups.values()) {
                    group.stop();
                }
            }
            tenants.clear();
        }
        peers.close();
        try {
            ring.leave();
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "ruler failed to leave the ring err=\"" + e + "\"");
        }
        Notifier current = notifier;
        if (current != null) {
            current.close();
        }
        try {
            store.close();
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "ruler failed to close the rule store err=\"" + e + "\"");
        }
    }
}
