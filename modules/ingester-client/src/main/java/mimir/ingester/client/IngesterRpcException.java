package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

/**
 * A read from an ingester in another process that failed: the ingester was unreachable, timed out,
 * refused the call, or sent something that is not a valid answer. The message names the ingester's
 * address and the call. (A failed push is an {@link IngesterException} instead.)
 */
public final class IngesterRpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String address;

    public IngesterRpcException(String address, String message, Throwable cause) {
        super("ingester " + requireNonNull(address, "address is null") + ": " + message, cause);
        this.address = address;
    }

    /** The ingester's {@code host:port}. */
    public String address() {
        return address;
    }
}
