package mimir.distributor.remotewrite;

/** A request body that is not a valid protobuf message of the announced type: a 400 for the client. */
public final class MalformedRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedRequestException(String message) {
        super(message);
    }
}
