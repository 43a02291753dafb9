package mimir.snappy;

import java.io.IOException;

/** Snappy input that is not a valid block: the message says what is wrong, prefixed {@code snappy:}. */
public class SnappyException extends IOException {
    private static final long serialVersionUID = 1L;

    public SnappyException(String message) {
        super(message);
    }
}
