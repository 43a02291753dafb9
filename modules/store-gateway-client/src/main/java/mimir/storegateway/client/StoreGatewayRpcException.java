package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

/**
 * A call to a store-gateway in another process that failed: the store-gateway was unreachable, timed
 * out, failed, refused the request, or sent something that is not a valid answer. The message names
 * the store-gateway's address and the call.
 */
public final class StoreGatewayRpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String address;
    private final boolean invalidRequest;

    /**
     * @param invalidRequest whether the store-gateway refused the request itself ({@code INVALID_ARGUMENT}):
     *                       another replica would refuse it as well
     */
    public StoreGatewayRpcException(String address, String message, boolean invalidRequest, Throwable cause) {
        super("store-gateway " + requireNonNull(address, "address is null") + ": " + message, cause);
        this.address = address;
        this.invalidRequest = invalidRequest;
    }

    /** The store-gateway's {@code host:port}. */
    public String address() {
        return address;
    }

    /** Whether the request itself was refused as invalid, so that retrying it elsewhere is pointless. */
    public boolean invalidRequest() {
        return invalidRequest;
    }
}
