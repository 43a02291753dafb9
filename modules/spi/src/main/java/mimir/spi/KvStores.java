package mimir.spi;

import java.io.IOException;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;

/** Opens the KV store configured for a scope ({@code -ingester.ring.store}, ...). */
public interface KvStores {
    /**
     * A client of the store that {@code -<scope>.store} names, for keys under {@code -<scope>.prefix}.
     * The caller closes it.
     *
     * @throws IllegalArgumentException if the backend is not installed in this image (the message says
     *                                  which are) or its configuration is invalid
     * @throws IOException if the store cannot be reached
     */
    <T> KvClient<T> open(KvScope scope, KvCodec<T> codec) throws IOException;
}
