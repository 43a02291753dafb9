package mimir.tsdb.encoding;

import java.io.IOException;

/**
 * On-disk data does not match its format: bad magic, checksum mismatch, truncated section or value
 * out of range. The message names what was being read and where.
 */
public class CorruptionException extends IOException {
    public CorruptionException(String message) {
        super(message);
    }

    public CorruptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
