package mimir.alertmanager;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import mimir.alertmanager.config.AmConfig;
import mimir.alertmanager.config.AmConfigParser;
import mimir.alertmanager.config.AmConfigParser.InvalidConfigException;
import mimir.spi.Overrides;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * Mimir's multi-tenant Alertmanager: one {@link TenantAlertmanager} per tenant with a configuration
 * in {@code alertmanager-storage} (or, with {@code -alertmanager.configs.fallback}, per tenant that
 * uses the API), configurations re-read every {@code -alertmanager.configs.poll-interval} and applied
 * at once after a change through the API, state (silences, notification log) loaded at start and
 * stored within a second of a change, every {@code -alertmanager.persist-interval} and at shutdown.
 */
@Singleton
public final class MultitenantAlertmanager implements Service {
    private static final System.Logger LOG = System.getLogger(MultitenantAlertmanager.class.getName());
    private static final long TICK_MILLIS = 100;

    private final AlertmanagerConfig config;
    private final AlertStore store;
    private final Clock clock;
    private final AlertmanagerMetrics metrics;
    private final Map<String, TenantAlertmanager> tenants = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Object syncLock = new Object();
    private volatile Optional<AlertStore.UserConfig> fallback = Optional.empty();
    private volatile boolean running;
    private Thread ticker;
    private Thread poller;

    private final Overrides overrides;

    @Inject
    MultitenantAlertmanager(AlertmanagerConfig config, AlertStore store, Clock clock, AlertmanagerMetrics metrics, Overrides overrides) {
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.config = requireNonNull(config, "config is null");
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    @Override
    public String name() {
        return "alertmanager";
    }

    AlertmanagerConfig config() {
        return config;
    }

    @Override
    public void start(ServiceContext context) throws IOException {
        if (!config.fallbackConfigFile().isEmpty()) {
            String text = Files.readString(Path.of(config.fallbackConfigFile()));
            try {
                AmConfigParser.parse(text);
            }
            catch (InvalidConfigException e) {
                throw new IllegalArgumentException("-alertmanager.configs.fallback=" + config.fallbackConfigFile() + ": invalid configuration: "
                        + e.getMessage(), e);
            }
            fallback = Optional.of(new AlertStore.UserConfig(text, Map.of()));
        }
        running = true;
        syncAll();
        ticker = Thread.ofVirtual().name("alertmanager-dispatch").start(this::tickLoop);
        poller = Thread.ofVirtual().name("alertmanager-sync").start(this::pollLoop);
        LOG.log(Level.INFO, "alertmanager started tenants=" + tenants.size() + " fallback=" + fallback.isPresent());
    }

    private void tickLoop() {
        long lastPersist = clock.millis();
        while (running) {
            for (TenantAlertmanager tenant : tenants.values()) {
                try {
                    tenant.tick();
                }
                catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "alertmanager dispatch failed user=" + tenant.tenant() + " err=\"" + e + "\"");
                }
            }
            long now = clock.millis();
            if (now - lastPersist >= 1000) {
                persist(now - lastPersist >= config.persistInterval().toMillis() ? Set.copyOf(tenants.keySet()) : Set.copyOf(dirty));
                lastPersist = now;
            }
            try {
                Thread.sleep(TICK_MILLIS);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pollLoop() {
        while (running) {
            try {
                Thread.sleep(config.pollInterval());
                syncAll();
            }
            catch (InterruptedException e) {
                return;
            }
            catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "alertmanager failed to sync configurations err=\"" + e + "\"");
            }
        }
    }

    private void persist(Set<String> which) {
        for (String tenant : which) {
            TenantAlertmanager alertmanager = tenants.get(tenant);
            dirty.remove(tenant);
            if (alertmanager == null) {
                continue;
            }
            try {
                store.putState(tenant, alertmanager.stateBytes());
            }
            catch (IOException | RuntimeException e) {
                dirty.add(tenant);
                LOG.log(Level.WARNING, "alertmanager failed to store state user=" + tenant + " err=\"" + e + "\"");
            }
        }
    }

    /** Re-reads every tenant's configuration; tenants whose configuration is gone stop (unless the fallback serves them). */
    void syncAll() throws IOException {
        Set<String> configured = new HashSet<>(store.tenants());
        for (String tenant : configured) {
            sync(tenant);
        }
        for (String tenant : Set.copyOf(tenants.keySet())) {
            if (!configured.contains(tenant) && fallback.isEmpty()) {
                stop(tenant);
            }
        }
    }

    /** Re-reads one tenant's configuration and applies it. */
    void sync(String tenant) throws IOException {
        synchronized (syncLock) {
            Optional<AlertStore.UserConfig> stored = store.config(tenant);
            if (stored.isEmpty()) {
                if (fallback.isEmpty()) {
                    stop(tenant);
                }
                return;
            }
            apply(tenant, stored.get());
        }
    }

    private void apply(String tenant, AlertStore.UserConfig userConfig) throws IOException {
        AlertmanagerConfigApi.Validated validated;
        try {
            validated = AlertmanagerConfigApi.validate(userConfig);
        }
        catch (InvalidConfigException e) {
            metrics.configReloaded(tenant, false);
            LOG.log(Level.WARNING, "alertmanager configuration is invalid user=" + tenant + " err=\"" + e.getMessage() + "\"");
            return;
        }
        AmConfig parsed = validated.config();
        TenantAlertmanager existing = tenants.get(tenant);
        if (existing != null) {
            if (!existing.config().original().equals(parsed.original()) || !userConfig.templates().equals(existing.templateFiles())) {
                existing.applyConfig(parsed, validated.templates(), userConfig.templates());
            }
        }
        else {
            State state = new State();
            Optional<byte[]> bytes = store.state(tenant);
            if (bytes.isPresent()) {
                state = State.fromBytes(bytes.get());
            }
            tenants.put(tenant, new TenantAlertmanager(tenant, parsed, validated.templates(), userConfig.templates(), state, clock, config.retention().toMillis(), config.externalUrl(),
                    new TenantAlertmanager.Callbacks() {
                        @Override
                        public void stateChanged(TenantAlertmanager alertmanager) {
                            dirty.add(alertmanager.tenant());
                        }

                        @Override
                        public void notified(String user, String integration, boolean failed) {
                            metrics.notification(user, integration, failed);
                        }

                        @Override
                        public double notificationRateLimit(String user) {
                            return overrides.forTenant(user).alertmanagerNotificationRateLimit();
                        }

                        @Override
                        public void rateLimited(String user, String integration) {
                            metrics.rateLimited(user, integration);
                        }
                    }));
        }
        metrics.configReloaded(tenant, true);
        metrics.tenants.set(tenants.size());
    }

    private void stop(String tenant) {
        TenantAlertmanager removed = tenants.remove(tenant);
        if (removed != null) {
            try {
                store.putState(tenant, removed.stateBytes());
            }
            catch (IOException e) {
                LOG.log(Level.WARNING, "alertmanager failed to store state user=" + tenant + " err=\"" + e + "\"");
            }
            metrics.tenants.set(tenants.size());
        }
    }

    /**
     * The tenant's Alertmanager; with a fallback configuration one is started for a tenant that has
     * none. Empty if the tenant has no configuration and there is no fallback.
     */
    Optional<TenantAlertmanager> forTenant(String tenant) throws IOException {
        TenantAlertmanager existing = tenants.get(tenant);
        if (existing != null || fallback.isEmpty()) {
            return Optional.ofNullable(existing);
        }
        synchronized (syncLock) {
            if (!tenants.containsKey(tenant)) {
                apply(tenant, fallback.get());
            }
        }
        return Optional.ofNullable(tenants.get(tenant));
    }

    AlertStore store() {
        return store;
    }

    /** The tenant's Alertmanager configuration was replaced through the API. */
    void configured(String tenant) throws IOException {
        sync(tenant);
    }

    /** The tenant's configuration was deleted through the API. */
    void deconfigured(String tenant) {
        synchronized (syncLock) {
            stop(tenant);
        }
    }

    @Override
    public void stop() throws InterruptedException, IOException {
        running = false;
        for (Thread thread : new Thread[] {ticker, poller}) {
            if (thread != null) {
                thread.interrupt();
                thread.join();
            }
        }
        persist(Set.copyOf(tenants.keySet()));
        store.close();
    }
}
