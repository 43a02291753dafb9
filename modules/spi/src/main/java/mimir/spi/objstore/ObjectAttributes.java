package mimir.spi.objstore;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a store knows about an object without reading it.
 *
 * @param size         length in bytes
 * @param lastModified when the object was last written
 */
public record ObjectAttributes(long size, Instant lastModified) {
    public ObjectAttributes {
        if (size < 0) {
            throw new IllegalArgumentException("size is negative");
        }
        requireNonNull(lastModified, "lastModified is null");
    }
}
