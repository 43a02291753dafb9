package mimir.model;

/** A tenant ID that breaks Mimir's rules; requests carrying one get a 400. */
public class InvalidTenantIdException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidTenantIdException(String message) {
        super(message);
    }
}
