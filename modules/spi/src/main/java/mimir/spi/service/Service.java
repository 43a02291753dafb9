package mimir.spi.service;

/**
 * A long-running part of a module: a server, a reload loop, an exporter.
 *
 * <p>The module manager drives every service through Guava-style states (New, Starting, Running,
 * Stopping, Terminated, or Failed): {@link #start} is called once, after every service of the modules
 * this one depends on is Running; {@link #stop} is called once, after every dependent service has
 * stopped, also when {@code start} failed part-way. A service that fails while running reports it
 * through {@link ServiceContext#fail}; the process then stops all services and exits non-zero.
 */
public interface Service {
    /** A short name shown on {@code /services}, e.g. {@code overrides-exporter}. */
    String name();

    /**
     * Brings the service to Running and returns; blocking work belongs on the service's own threads.
     * Throwing fails the service, which stops the process with the exception's message.
     */
    void start(ServiceContext context) throws Exception;

    /** Releases everything {@link #start} acquired; must return within the graceful shutdown timeout. */
    void stop() throws Exception;
}
