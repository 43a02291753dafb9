package mimir.spi.objstore;

import java.io.IOException;

/** The object with the given key does not exist. */
public class NoSuchObjectException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public NoSuchObjectException(String key) {
        super("object not found: " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
