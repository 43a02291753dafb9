package mimir.spi.service;

/**
 * A long-running part of a module: a server, a reload loop, an exporter.
 *
 * <p>The module manager drives every service through Guava-style states (New, Starting, Running,
 * Stopping, Terminated, or Failed): {@link #prepare} is called once, as soon as the process starts its
 * services and concurrently with the others; {@link #start} is called once, after every service of the
 * modules this one depends on is Running and this one's {@code prepare} has returned; {@link #stop} is
 * called once, after every dependent service has stopped, also when {@code start} failed part-way or
 * was never reached after a {@code prepare} this service overrides. A service that fails while running
 * reports it through {@link ServiceContext#fail}; the process then stops all services and exits non-zero.
 */
public interface Service {
    /** A short name shown on {@code /services}, e.g. {@code overrides-exporter}. */
    String name();

    /**
     * Work that needs no other service and may overlap their start, e.g. opening local state from disk
     * (an ingester loading its heads while the servers bind). Runs on its own thread; throwing fails the
     * service as {@link #start} would. Nothing is served yet: readiness still waits for {@code start}.
     */
    default void prepare() throws Exception {
    }

    /**
     * Brings the service to Running and returns; blocking work belongs on the service's own threads.
     * Throwing fails the service, which stops the process with the exception's message.
     */
    void start(ServiceContext context) throws Exception;

    /**
     * Releases everything {@link #prepare} and {@link #start} acquired; must return within the graceful
     * shutdown timeout.
     */
    void stop() throws Exception;
}
