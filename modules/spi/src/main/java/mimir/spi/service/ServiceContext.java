package mimir.spi.service;

/** Given to a service when it starts: how it reports a failure that happens while it runs. */
public interface ServiceContext {
    /** Marks the service Failed; the process stops every service in reverse order and exits non-zero. */
    void fail(Throwable cause);
}
