package mimir.kv.etcd;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

import mimir.kv.etcd.proto.AuthenticateRequest;
import mimir.kv.etcd.proto.AuthenticateResponse;
import mimir.kv.etcd.proto.DeleteRangeRequest;
import mimir.kv.etcd.proto.DeleteRangeResponse;
import mimir.kv.etcd.proto.RangeRequest;
import mimir.kv.etcd.proto.RangeResponse;
import mimir.kv.etcd.proto.TxnRequest;
import mimir.kv.etcd.proto.TxnResponse;
import mimir.kv.etcd.proto.WatchRequest;
import mimir.kv.etcd.proto.WatchResponse;

/**
 * The etcd v3 gRPC methods this client calls, by their full names in etcd's {@code rpc.proto}
 * (services {@code etcdserverpb.KV}, {@code etcdserverpb.Watch}, {@code etcdserverpb.Auth}), with
 * protobuf marshallers of the generated messages: what protoc's gRPC plugin would generate, for five
 * methods.
 */
final class EtcdGrpc {
    private EtcdGrpc() {}

    /** The header etcd reads the token of {@link #AUTHENTICATE} from. */
    static final io.grpc.Metadata.Key<String> TOKEN_HEADER = io.grpc.Metadata.Key.of("token", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    static final MethodDescriptor<RangeRequest, RangeResponse> RANGE = unary("etcdserverpb.KV", "Range", RangeRequest.getDefaultInstance(),
            RangeResponse.getDefaultInstance());
    static final MethodDescriptor<DeleteRangeRequest, DeleteRangeResponse> DELETE_RANGE = unary("etcdserverpb.KV", "DeleteRange",
            DeleteRangeRequest.getDefaultInstance(), DeleteRangeResponse.getDefaultInstance());
    static final MethodDescriptor<TxnRequest, TxnResponse> TXN = unary("etcdserverpb.KV", "Txn", TxnRequest.getDefaultInstance(),
            TxnResponse.getDefaultInstance());
    static final MethodDescriptor<AuthenticateRequest, AuthenticateResponse> AUTHENTICATE = unary("etcdserverpb.Auth", "Authenticate",
            AuthenticateRequest.getDefaultInstance(), AuthenticateResponse.getDefaultInstance());

    /** One stream carries create requests and the events of the watches they create. */
    static final MethodDescriptor<WatchRequest, WatchResponse> WATCH = MethodDescriptor.<WatchRequest, WatchResponse>newBuilder(
                    ProtoUtils.marshaller(WatchRequest.getDefaultInstance()), ProtoUtils.marshaller(WatchResponse.getDefaultInstance()))
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("etcdserverpb.Watch", "Watch"))
            .build();

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(String service, String method, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder(ProtoUtils.marshaller(request), ProtoUtils.marshaller(response))
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
                .build();
    }
}
