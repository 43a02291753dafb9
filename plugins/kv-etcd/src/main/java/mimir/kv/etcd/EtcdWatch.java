package mimir.kv.etcd;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import mimir.kv.etcd.proto.Event;
import mimir.kv.etcd.proto.KeyValue;
import mimir.kv.etcd.proto.RangeRequest;
import mimir.kv.etcd.proto.RangeResponse;
import mimir.kv.etcd.proto.WatchCreateRequest;
import mimir.kv.etcd.proto.WatchRequest;
import mimir.kv.etcd.proto.WatchResponse;

/**
 * One {@link mimir.spi.kv.KvClient#watchKey}: reads the key, hands its value to the listener, and
 * watches it from the next revision on its own etcd Watch stream. Whenever the stream ends (etcd
 * restarted, the connection broke, the watch was canceled because its revision was compacted) it
 * starts over after a backoff of 1 s doubling to 1 min (dskit's), reset once etcd accepts a watch:
 * it reads the key again, hands the value on if it changed meanwhile, and watches from there, so no
 * change is missed and none is delivered twice. Every step runs on the connection's scheduler thread,
 * which also calls the listener; deletions are not delivered (the SPI has no value for them).
 */
final class EtcdWatch<T> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EtcdWatch.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final EtcdConnection connection;
    private final String key;
    private final ByteString etcdKey;
    private final Function<KeyValue, T> decode;
    private final Consumer<T> listener;
    private final Consumer<EtcdWatch<T>> onClose;
    private volatile boolean closed;
    private volatile ClientCallStreamObserver<WatchRequest> stream;
    // Scheduler thread only:
    private long generation;
    private long deliveredRevision;
    private Duration backoff = MIN_BACKOFF;

    /** @param decode the value of a key, or null if it does not decode (the watch skips it) */
    EtcdWatch(EtcdConnection connection, String key, Function<KeyValue, T> decode, Consumer<T> listener, Consumer<EtcdWatch<T>> onClose) {
        this.connection = requireNonNull(connection, "connection is null");
        this.key = requireNonNull(key, "key is null");
        this.etcdKey = ByteString.copyFromUtf8(key);
        this.decode = requireNonNull(decode, "decode is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.onClose = requireNonNull(onClose, "onClose is null");
    }

    void start() {
        run(this::sync);
    }

    /** Reads the key, delivers it if new, then watches from the revision after the read. */
    private void sync() {
        if (closed) {
            return;
        }
        long current = ++generation;
        connection.unaryAsync(EtcdGrpc.RANGE, RangeRequest.newBuilder().setKey(etcdKey).build(), new StreamObserver<>() {
            @Override
            public void onNext(RangeResponse response) {
                run(() -> synced(current, response));
            }

            @Override
            public void onError(Throwable error) {
                run(() -> failed(current, "read", error));
            }

            @Override
            public void onCompleted() {}
        });
    }

    private void synced(long current, RangeResponse response) {
        if (closed || current != generation) {
            return;
        }
        if (response.getKvsCount() > 0) {
            deliver(response.getKvs(0));
        }
        WatchObserver observer = new WatchObserver(current);
        ClientCallStreamObserver<WatchRequest> requests = (ClientCallStreamObserver<WatchRequest>) connection.bidiStream(EtcdGrpc.WATCH, observer);
        stream = requests;
        requests.onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder().setKey(etcdKey).setStartRevision(response.getHeader().getRevision() + 1))
                .build());
        if (closed) {
            requests.cancel("watch closed", null);
        }
    }

    private void received(long current, WatchResponse response) {
        if (closed || current != generation) {
            return;
        }
        if (response.getCreated()) {
            backoff = MIN_BACKOFF;
        }
        if (response.getCanceled()) {
            String reason = response.getCompactRevision() > 0 ? "revision compacted to " + response.getCompactRevision() : response.getCancelReason();
            endStream(current, "etcd canceled the watch: " + reason);
            return;
        }
        // Several changes in one response: only the newest value matters to the listener.
        KeyValue newest = null;
        for (Event event : response.getEventsList()) {
            if (event.getType() == Event.EventType.PUT) {
                newest = event.getKv();
            }
            else {
                deliveredRevision = Math.max(deliveredRevision, event.getKv().getModRevision());
            }
        }
        if (newest != null) {
            deliver(newest);
        }
    }

    private void deliver(KeyValue kv) {
        if (kv.getModRevision() <= deliveredRevision) {
            return;
        }
        deliveredRevision = kv.getModRevision();
        T value = decode.apply(kv);
        if (value == null || closed) {
            return;
        }
        try {
            listener.accept(value);
        }
        catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "etcd watch listener failed key=" + key, e);
        }
    }

    private void failed(long current, String step, Throwable error) {
        if (closed || current != generation) {
            return;
        }
        String message = error instanceof StatusRuntimeException s ? EtcdConnection.describe(s) : String.valueOf(error);
        if (error instanceof StatusRuntimeException s && connection.tokenExpired(s)) {
            try {
                connection.authenticate();
            }
            catch (StatusRuntimeException e) {
                message += "; authenticating again failed: " + EtcdConnection.describe(e);
            }
        }
        endStream(current, "etcd watch " + step + " failed: " + message);
    }

    /** Drops the stream of {@code current} and starts over after the backoff. */
    private void endStream(long current, String why) {
        if (closed || current != generation) {
            return;
        }
        ClientCallStreamObserver<WatchRequest> ended = stream;
        stream = null;
        generation++; // late messages of the old stream are ignored
        if (ended != null) {
            ended.cancel("restarting watch", null);
        }
        Duration delay = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        LOG.log(System.Logger.Level.WARNING, () -> why + "; watching again key=" + key + " in=" + delay.toMillis() + "ms endpoints="
                + connection.config().describeEndpoints());
        try {
            connection.scheduler().schedule(() -> {
                connection.reconnectNow();
                sync();
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException e) {
            // The client is closing.
        }
    }

    private void run(Runnable step) {
        try {
            connection.scheduler().execute(step);
        }
        catch (RejectedExecutionException e) {
            // The client is closing.
        }
    }

    /** Ends the watch: the listener is not called again once this returns (unless from inside the listener). */
    @Override
    public void close() {
        closed = true;
        ClientCallStreamObserver<WatchRequest> current = stream;
        if (current != null) {
            current.cancel("watch closed", null);
        }
        onClose.accept(this);
    }

    /** Hands the stream's messages to the scheduler thread, tagged with the generation they belong to. */
    private final class WatchObserver implements StreamObserver<WatchResponse> {
        private final long current;

        WatchObserver(long current) {
            this.current = current;
        }

        @Override
        public void onNext(WatchResponse response) {
            run(() -> received(current, response));
        }

        @Override
        public void onError(Throwable error) {
            run(() -> failed(current, "stream", error));
        }

        @Override
        public void onCompleted() {
            run(() -> endStream(current, "etcd ended the watch stream"));
        }
    }
}
