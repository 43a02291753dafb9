package mimir.testing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import mimir.spi.Overrides;
import mimir.spi.limits.Limits;

/** Overrides a test sets directly; {@link #set} notifies listeners like a runtime config reload. */
public final class TestingOverrides implements Overrides {
    private final Limits defaults;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, Limits> tenants = Map.of();

    public TestingOverrides(Limits defaults) {
        this.defaults = requireNonNull(defaults, "defaults is null");
    }

    /** Replaces every tenant's overrides and notifies the listeners. */
    public void set(Map<String, Limits> overrides) {
        tenants = Map.copyOf(overrides);
        listeners.forEach(Runnable::run);
    }

    @Override
    public Limits defaults() {
        return defaults;
    }

    @Override
    public Limits forTenant(String tenant) {
        return tenants.getOrDefault(tenant, defaults);
    }

    @Override
    public Map<String, Limits> tenantOverrides() {
        return tenants;
    }

    @Override
    public void addChangeListener(Runnable listener) {
        listeners.add(listener);
    }
}
