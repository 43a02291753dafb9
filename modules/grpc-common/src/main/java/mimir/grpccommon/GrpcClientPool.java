package mimir.grpccommon;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The gRPC clients of the servers of one component, one per address, created on first use.
 * {@link #remove} closes the client of a server that left the ring; {@link #close} closes them all.
 * Thread-safe.
 *
 * @param <C> the client type
 */
public final class GrpcClientPool<C> implements AutoCloseable {
    private final String component;
    private final Function<String, ? extends C> create;
    private final Consumer<? super C> close;
    private final ConcurrentMap<String, C> clients = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * A pool of the clients {@code create} makes from an address and {@code close} closes;
     * {@code component} names the servers in the message of {@link #get} on a closed pool.
     */
    public GrpcClientPool(String component, Function<String, ? extends C> create, Consumer<? super C> close) {
        this.component = requireNonNull(component, "component is null");
        this.create = requireNonNull(create, "create is null");
        this.close = requireNonNull(close, "close is null");
    }

    /**
     * The client of the server at {@code address} ({@code host:port}), created if there is none.
     *
     * @throws IllegalStateException once the pool is closed
     */
    public C get(String address) {
        requireNonNull(address, "address is null");
        checkOpen();
        C client = clients.computeIfAbsent(address, a -> {
            checkOpen();
            return create.apply(a);
        });
        if (closed) {
            // Created while close() ran: close() may have missed it.
            remove(address);
            checkOpen();
        }
        return client;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(component + " client pool is closed");
        }
    }

    /** Closes and forgets the client of {@code address}, if any; a later {@link #get} creates a new one. */
    public void remove(String address) {
        C client = clients.remove(requireNonNull(address, "address is null"));
        if (client != null) {
            close.accept(client);
        }
    }

    /** The addresses with a client, sorted. */
    public Set<String> addresses() {
        return new TreeSet<>(clients.keySet());
    }

    /** Closes every client; the pool refuses {@link #get} from now on. */
    @Override
    public void close() {
        closed = true;
        for (String address : List.copyOf(clients.keySet())) {
            remove(address);
        }
    }
}
