package mimir.core.local;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.spi.LocalInstances;

/** The process's {@link LocalInstances}: one instance per type, and the resolved module set. */
public final class LocalInstanceRegistry implements LocalInstances {
    private final ConcurrentMap<Class<?>, Object> instances = new ConcurrentHashMap<>();
    private volatile Set<String> modules = Set.of();

    @Override
    public <T> void register(Class<T> type, T instance) {
        requireNonNull(type, "type is null");
        requireNonNull(instance, "instance is null");
        if (!type.isInstance(instance)) {
            throw new IllegalArgumentException(instance.getClass().getName() + " is not a " + type.getName());
        }
        Object previous = instances.putIfAbsent(type, instance);
        if (previous != null) {
            throw new IllegalStateException("an instance of " + type.getName() + " is already registered: " + previous.getClass().getName());
        }
    }

    @Override
    public <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(type.cast(instances.get(type)));
    }

    @Override
    public Set<String> modules() {
        return modules;
    }

    /** Sets the resolved module set; called by the launcher before any module is created. */
    public void setModules(Set<String> resolved) {
        this.modules = Set.copyOf(resolved);
    }
}
