package mimir.kv.etcd;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import mimir.kv.etcd.proto.Compare;
import mimir.kv.etcd.proto.DeleteRangeRequest;
import mimir.kv.etcd.proto.KeyValue;
import mimir.kv.etcd.proto.PutRequest;
import mimir.kv.etcd.proto.RangeRequest;
import mimir.kv.etcd.proto.RangeResponse;
import mimir.kv.etcd.proto.RequestOp;
import mimir.kv.etcd.proto.TxnRequest;
import mimir.kv.etcd.proto.TxnResponse;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;

/**
 * A {@link KvClient} over one {@link EtcdConnection}: keys are UTF-8 etcd keys, values the codec's
 * bytes, as dskit's etcd client stores them.
 *
 * <p>Compare-and-swap is dskit's loop with one change: it compares the key's {@code mod_revision}
 * (0 for a missing key) instead of its {@code version}, which a deletion resets (a key deleted and
 * written again between the read and the write would pass a version check). The transaction puts
 * the new value if the key is unchanged and otherwise reads it back, so a conflict costs one round
 * trip. {@code -etcd.max-retries} bounds the attempts; a conflict or an error etcd may not repeat
 * (unavailable, timeout, too many requests) uses one attempt, any other error fails the call at once.
 * Writers of one key in this process take turns (a lock per key stripe), so they never conflict with
 * each other and the retries are left to writers in other processes.
 */
final class EtcdKvClient<T> implements KvClient<T> {
    private static final System.Logger LOG = System.getLogger(EtcdKvClient.class.getName());
    private static final int LOCK_STRIPES = 16;

    private final EtcdConnection connection;
    private final KvCodec<T> codec;
    private final ReentrantLock[] casLocks = new ReentrantLock[LOCK_STRIPES];
    private final Set<EtcdWatch<T>> watches = ConcurrentHashMap.newKeySet();

    EtcdKvClient(EtcdConnection connection, KvCodec<T> codec) {
        this.connection = requireNonNull(connection, "connection is null");
        this.codec = requireNonNull(codec, "codec is null");
        for (int i = 0; i < LOCK_STRIPES; i++) {
            casLocks[i] = new ReentrantLock();
        }
    }

    @Override
    public T get(String key) throws IOException {
        KeyValue kv = read(requireNonNull(key, "key is null"), "get");
        return kv == null ? null : decode(kv);
    }

    @Override
    public void cas(String key, UnaryOperator<T> update) throws IOException {
        requireNonNull(key, "key is null");
        requireNonNull(update, "update is null");
        EtcdConfig config = connection.config();
        ReentrantLock lock = casLocks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            ByteString etcdKey = ByteString.copyFromUtf8(key);
            KeyValue current = null;
            boolean known = false;
            int conflicts = 0;
            int valueBytes = -1;
            StatusRuntimeException lastError = null;
            for (int attempt = 1; attempt <= config.maxRetries(); attempt++) {
                try {
                    if (!known) {
                        current = first(connection.unary(EtcdGrpc.RANGE, RangeRequest.newBuilder().setKey(etcdKey).build()));
                        known = true;
                    }
                    T next = update.apply(current == null ? null : decode(current));
                    if (next == null) {
                        return;
                    }
                    byte[] bytes = codec.encode(next);
                    valueBytes = bytes.length;
                    long revision = current == null ? 0 : current.getModRevision();
                    TxnResponse response = connection.unary(EtcdGrpc.TXN, TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder().setKey(etcdKey).setTarget(Compare.CompareTarget.MOD)
                                    .setResult(Compare.CompareResult.EQUAL).setModRevision(revision))
                            .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(etcdKey).setValue(ByteString.copyFrom(bytes))))
                            .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(etcdKey)))
                            .build());
                    if (response.getSucceeded()) {
                        return;
                    }
                    conflicts++;
                    current = response.getResponsesCount() == 0 ? null : first(response.getResponses(0).getResponseRange());
                    LOG.log(System.Logger.Level.DEBUG, () -> "etcd cas conflict, retrying key=" + key);
                }
                catch (StatusRuntimeException e) {
                    if (!retryable(e)) {
                        throw failure("cas", key, e, valueBytes);
                    }
                    lastError = e;
                    known = false;
                }
            }
            String last = lastError == null ? "" : "; last error: " + EtcdConnection.describe(lastError);
            throw new IOException("etcd cas of key " + key + " did not succeed in " + config.maxRetries() + " attempts ("
                    + config.flag("max-retries") + "): " + conflicts + " lost to concurrent writers" + last, lastError);
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        requireNonNull(key, "key is null");
        try {
            connection.unary(EtcdGrpc.DELETE_RANGE, DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build());
        }
        catch (StatusRuntimeException e) {
            throw failure("delete", key, e, -1);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        requireNonNull(prefix, "prefix is null");
        RangeRequest.Builder request = RangeRequest.newBuilder().setKeysOnly(true);
        if (prefix.isEmpty()) {
            request.setKey(ByteString.copyFrom(new byte[] {0})).setRangeEnd(ByteString.copyFrom(new byte[] {0}));
        }
        else {
            ByteString start = ByteString.copyFromUtf8(prefix);
            request.setKey(start).setRangeEnd(prefixEnd(start));
        }
        RangeResponse response;
        try {
            response = connection.unary(EtcdGrpc.RANGE, request.build());
        }
        catch (StatusRuntimeException e) {
            throw failure("list", prefix, e, -1);
        }
        List<String> keys = new ArrayList<>(response.getKvsCount());
        for (KeyValue kv : response.getKvsList()) {
            keys.add(kv.getKey().toStringUtf8());
        }
        // etcd orders by bytes; the SPI's order is String's.
        keys.sort(null);
        return keys;
    }

    @Override
    public AutoCloseable watchKey(String key, Consumer<T> listener) {
        EtcdWatch<T> watch = new EtcdWatch<>(connection, requireNonNull(key, "key is null"), this::decodeOrNull, requireNonNull(listener, "listener is null"),
                watches::remove);
        watches.add(watch);
        watch.start();
        return watch;
    }

    @Override
    public void close() {
        for (EtcdWatch<T> watch : List.copyOf(watches)) {
            watch.close();
        }
        connection.close();
    }

    @Override
    public String toString() {
        return "etcd kv client for " + codec.id() + " at " + connection.config().describeEndpoints();
    }

    /** The first key etcd (range end of a prefix): the prefix with its last byte below 0xff incremented, the rest dropped. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0}); // every byte 0xff: all keys from the prefix on
    }

    private KeyValue read(String key, String operation) throws IOException {
        try {
            return first(connection.unary(EtcdGrpc.RANGE, RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()));
        }
        catch (StatusRuntimeException e) {
            throw failure(operation, key, e, -1);
        }
    }

    private static KeyValue first(RangeResponse response) {
        return response.getKvsCount() == 0 ? null : response.getKvs(0);
    }

    private T decode(KeyValue kv) throws IOException {
        try {
            return codec.decode(kv.getValue().toByteArray());
        }
        catch (IOException | RuntimeException e) {
            throw new IOException("etcd key " + kv.getKey().toStringUtf8() + " (" + kv.getValue().size() + " bytes, revision " + kv.getModRevision()
                    + ") does not hold a " + codec.id() + " value: " + e.getMessage(), e);
        }
    }

    /** For watches: a value that does not decode is logged and skipped, as dskit does. */
    private T decodeOrNull(KeyValue kv) {
        try {
            return decode(kv);
        }
        catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "etcd watch skips a value it cannot decode key=" + kv.getKey().toStringUtf8() + " err=\""
                    + e.getMessage() + "\"");
            return null;
        }
    }

    /** Errors worth another attempt: etcd was unreachable, slow or busy; it has not failed the request itself. */
    private static boolean retryable(StatusRuntimeException e) {
        return switch (e.getStatus().getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED -> true;
            case RESOURCE_EXHAUSTED -> !tooLarge(e);
            default -> false;
        };
    }

    private static boolean tooLarge(StatusRuntimeException e) {
        String description = String.valueOf(e.getStatus().getDescription());
        return description.contains("too large") || description.contains("larger than max");
    }

    /** @param valueBytes the size of the value written, or -1 */
    private IOException failure(String operation, String key, StatusRuntimeException e, int valueBytes) {
        String hint = "";
        if (tooLarge(e)) {
            hint = (valueBytes < 0 ? "" : "; the value is " + valueBytes + " bytes")
                    + "; etcd refuses requests larger than its --max-request-bytes (1.5 MiB unless configured)";
        }
        else if (e.getStatus().getCode() == Status.Code.UNAVAILABLE || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
            hint = " (waited " + connection.config().flag("dial-timeout") + "=" + mimir.spi.config.Durations.format(connection.config().dialTimeout())
                    + ")";
        }
        return new IOException("etcd " + operation + " of key " + key + " at " + connection.config().describeEndpoints() + " failed: "
                + EtcdConnection.describe(e) + hint, e);
    }
}
