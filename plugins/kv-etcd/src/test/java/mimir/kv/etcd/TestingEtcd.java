package mimir.kv.etcd;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;

import mimir.kv.etcd.proto.DeleteRangeRequest;
import mimir.kv.etcd.proto.PutRequest;
import mimir.kv.etcd.proto.RequestOp;
import mimir.kv.etcd.proto.TxnRequest;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.testing.TestingConfigValues;

/** Clients of a test's etcd through the provider, as the launcher opens them, and raw writes that bypass the codec. */
final class TestingEtcd {
    static final KvScope SCOPE = KvScope.INGESTER_RING;

    private TestingEtcd() {}

    /** The ingester ring scope's settings with their defaults and {@code -ingester.ring.etcd.endpoints=<endpoint>}. */
    static TestingConfigValues config(EtcdKvStoreProvider provider, String endpoint) {
        return TestingConfigValues.defaults(provider.settings(SCOPE)).withFlag(SCOPE.flag("etcd.endpoints"), endpoint);
    }

    static <T> KvClient<T> open(EtcdServer server, KvCodec<T> codec) throws IOException {
        EtcdKvStoreProvider provider = new EtcdKvStoreProvider();
        return provider.open(SCOPE, codec, config(provider, server.endpoint()), new SimpleMeterRegistry());
    }

    /** A connection for raw requests. */
    static EtcdConnection connection(EtcdServer server) throws IOException {
        EtcdKvStoreProvider provider = new EtcdKvStoreProvider();
        return EtcdConnection.open(provider.settingsOf(SCOPE).read(config(provider, server.endpoint())));
    }

    /** Writes {@code value} as it is, whatever the codec of the key. */
    static void put(EtcdConnection connection, String key, byte[] value) {
        connection.unary(EtcdGrpc.TXN, TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFrom(value))))
                .build());
    }

    /** Removes every key. */
    static void deleteAll(EtcdConnection connection) {
        ByteString zero = ByteString.copyFrom(new byte[] {0});
        connection.unary(EtcdGrpc.DELETE_RANGE, DeleteRangeRequest.newBuilder().setKey(zero).setRangeEnd(zero).build());
    }

    /** Values that are their bytes. */
    static final KvCodec<byte[]> BYTES = new KvCodec<>() {
        @Override
        public String id() {
            return "bytes";
        }

        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] data) {
            return data;
        }

        @Override
        public byte[] merge(byte[] current, byte[] incoming) {
            return incoming;
        }
    };
}
