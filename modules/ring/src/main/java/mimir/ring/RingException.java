package mimir.ring;

/** The ring cannot serve an operation: empty, or too few healthy instances. The message says which. */
public final class RingException extends Exception {
    private static final long serialVersionUID = 1L;

    public RingException(String message) {
        super(message);
    }
}
