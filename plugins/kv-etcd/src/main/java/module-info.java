/**
 * The etcd KV store backend ({@code -<scope>.store=etcd} for the rings and the HA tracker), with
 * Mimir's {@code -<scope>.etcd.*} flags: a small client of etcd's v3 gRPC API (KV Range, Put,
 * DeleteRange, Txn; Watch; Auth.Authenticate) on the grpc-java and protobuf-java every image's
 * {@code lib/} already has. Loaded from {@code plugins/etcd/} into its own module layer; the folder is
 * this module's jar alone. Why a hand-written client rather than jetcd: {@code mimir.kv.etcd}'s package
 * documentation.
 */
module mimir.kv.etcd {
    requires com.google.protobuf;
    requires io.grpc;
    requires io.grpc.netty;
    requires io.netty.handler;
    requires io.grpc.protobuf;
    requires io.grpc.stub;
    requires mimir.spi;

    // protobuf-java reads generated messages reflectively (toString, field accessors); nobody else uses them.
    exports mimir.kv.etcd.proto to com.google.protobuf;

    provides mimir.spi.kv.KvStoreProvider with mimir.kv.etcd.EtcdKvStoreProvider;
}
