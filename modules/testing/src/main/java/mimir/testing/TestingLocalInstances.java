package mimir.testing;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.spi.LocalInstances;

/** In-process instances with a module set the test chooses. */
public final class TestingLocalInstances implements LocalInstances {
    private final ConcurrentMap<Class<?>, Object> instances = new ConcurrentHashMap<>();
    private volatile Set<String> modules;

    public TestingLocalInstances(Set<String> modules) {
        this.modules = Set.copyOf(modules);
    }

    @Override
    public <T> void register(Class<T> type, T instance) {
        if (instances.putIfAbsent(type, requireNonNull(instance, "instance is null")) != null) {
            throw new IllegalStateException("an instance of " + type.getName() + " is already registered");
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

    public void setModules(Set<String> modules) {
        this.modules = Set.copyOf(modules);
    }
}
