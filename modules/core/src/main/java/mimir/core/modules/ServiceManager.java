package mimir.core.modules;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;
import mimir.spi.service.ServiceState;

/**
 * Starts services in dependency order and stops them in reverse, tracking each one's state.
 *
 * <p>Every service's {@link Service#prepare} runs at once, each on its own thread; services are then
 * started one after another in the order given (modules already sorted so that dependencies come first),
 * each once its own preparation has finished. If one fails to start, or reports a failure while running, every service
 * that started is stopped in reverse order and {@link #awaitTermination} returns the failure. A stop
 * request (SIGTERM) stops everything in reverse order, each service within the graceful shutdown
 * timeout.
 */
public final class ServiceManager {
    private static final System.Logger LOG = System.getLogger(ServiceManager.class.getName());

    private final List<Managed> services;
    private final Duration stopTimeout;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Object lifecycle = new Object();
    private boolean stopping;

    /** A service with the module it belongs to and its current state. */
    public static final class Managed {
        private final String module;
        private final Service service;
        private volatile ServiceState state = ServiceState.NEW;
        private volatile Throwable failureCause;
        private volatile CompletableFuture<Void> prepared;

        Managed(String module, Service service) {
            this.module = requireNonNull(module, "module is null");
            this.service = requireNonNull(service, "service is null");
        }

        public String module() {
            return module;
        }

        public String name() {
            return service.name();
        }

        public ServiceState state() {
            return state;
        }

        public Throwable failureCause() {
            return failureCause;
        }
    }

    /**
     * @param servicesByModule services per module, modules in start order
     * @param stopTimeout      how long each service may take to stop
     */
    public ServiceManager(Map<String, List<Service>> servicesByModule, Duration stopTimeout) {
        List<Managed> list = new ArrayList<>();
        servicesByModule.forEach((module, services) -> services.forEach(s -> list.add(new Managed(module, s))));
        this.services = List.copyOf(list);
        this.stopTimeout = requireNonNull(stopTimeout, "stopTimeout is null");
    }

    /** The services in start order with their states. */
    public List<Managed> services() {
        return services;
    }

    /** State counts for {@code /ready}. */
    public Map<ServiceState, Integer> stateCounts() {
        Map<ServiceState, Integer> counts = new LinkedHashMap<>();
        for (Managed managed : services) {
            counts.merge(managed.state, 1, Integer::sum);
        }
        return counts;
    }

    /** True when every service is Running. */
    public boolean allRunning() {
        return services.stream().allMatch(m -> m.state == ServiceState.RUNNING);
    }

    /**
     * Starts every service in order.
     *
     * @throws ServiceFailedException if one fails to start; everything started before it has been stopped
     */
    public void startAll() {
        synchronized (lifecycle) {
            if (stopping) {
                return;
            }
            for (Managed managed : services) {
                if (!overridesPrepare(managed.service)) {
                    continue;
                }
                managed.prepared = CompletableFuture.runAsync(() -> {
                    try {
                        managed.service.prepare();
                    }
                    catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, runnable -> Thread.ofPlatform().name("prepare-" + managed.name()).daemon().start(runnable));
            }
        }
        for (Managed managed : services) {
            synchronized (lifecycle) {
                if (stopping) {
                    return;
                }
                managed.state = ServiceState.STARTING;
            }
            LOG.log(Level.DEBUG, "starting service module=" + managed.module + " service=" + managed.name());
            try {
                awaitPrepared(managed);
                managed.service.start(new Context(managed));
            }
            catch (Exception | LinkageError e) {
                managed.state = ServiceState.FAILED;
                managed.failureCause = e;
                failure.compareAndSet(null, e);
                LOG.log(Level.ERROR, "service failed to start module=" + managed.module + " service=" + managed.name(), e);
                stopAll();
                throw new ServiceFailedException(managed.module, managed.name(), e);
            }
            synchronized (lifecycle) {
                if (managed.state == ServiceState.STARTING) {
                    managed.state = ServiceState.RUNNING;
                }
            }
            LOG.log(Level.INFO, "service running module=" + managed.module + " service=" + managed.name());
        }
    }

    /** Only a service that prepares something gets a thread for it (and a stop when never started). */
    private static boolean overridesPrepare(Service service) {
        try {
            return service.getClass().getMethod("prepare").getDeclaringClass() != Service.class;
        }
        catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits for the service's {@link Service#prepare}, if it has one; rethrows what it threw. */
    private static void awaitPrepared(Managed managed) throws Exception {
        if (managed.prepared == null) {
            return;
        }
        try {
            managed.prepared.get();
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Stops every started service in reverse order; safe to call more than once and from any thread. */
    public void stopAll() {
        synchronized (lifecycle) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        try {
            for (int i = services.size() - 1; i >= 0; i--) {
                Managed managed = services.get(i);
                ServiceState state = managed.state;
                if (state == ServiceState.NEW) {
                    CompletableFuture<Void> prepared = managed.prepared;
                    if (prepared == null) {
                        managed.state = ServiceState.TERMINATED;
                        continue;
                    }
                    // Prepared (or preparing) but never started: stop releases what prepare acquired.
                    try {
                        prepared.get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    catch (ExecutionException | TimeoutException e) {
                        // A failed preparation may still hold part of what it opened; stop releases it.
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    managed.state = ServiceState.STOPPING;
                }
                if (state == ServiceState.TERMINATED) {
                    continue;
                }
                if (state != ServiceState.FAILED) {
                    managed.state = ServiceState.STOPPING;
                }
                stopOne(managed);
                if (managed.state != ServiceState.FAILED) {
                    managed.state = ServiceState.TERMINATED;
                }
            }
        }
        finally {
            terminated.countDown();
        }
    }

    private void stopOne(Managed managed) {
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
            try {
                managed.service.stop();
            }
            catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> Thread.ofPlatform().name("stop-" + managed.name()).daemon().start(runnable));
        try {
            stop.get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.log(Level.INFO, "service stopped module=" + managed.module + " service=" + managed.name());
        }
        catch (TimeoutException e) {
            LOG.log(Level.WARNING, "service did not stop within the graceful shutdown timeout module=" + managed.module
                    + " service=" + managed.name() + " timeout=" + stopTimeout);
        }
        catch (ExecutionException e) {
            LOG.log(Level.WARNING, "service failed while stopping module=" + managed.module + " service=" + managed.name(), e.getCause());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until every service has stopped; returns the failure that caused it, if any. */
    public Throwable awaitTermination() throws InterruptedException {
        terminated.await();
        return failure.get();
    }

    private final class Context implements ServiceContext {
        private final Managed managed;

        Context(Managed managed) {
            this.managed = managed;
        }

        @Override
        public void fail(Throwable cause) {
            managed.failureCause = cause;
            managed.state = ServiceState.FAILED;
            if (failure.compareAndSet(null, new ServiceFailedException(managed.module, managed.name(), cause))) {
                LOG.log(Level.ERROR, "service failed module=" + managed.module + " service=" + managed.name(), cause);
                Thread.ofPlatform().name("failure-shutdown").start(ServiceManager.this::stopAll);
            }
        }
    }

    /** A service failed; the process exits non-zero with this message. */
    public static final class ServiceFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ServiceFailedException(String module, String service, Throwable cause) {
            super("module " + module + ": service " + service + " failed: " + cause.getMessage(), cause);
        }
    }
}
