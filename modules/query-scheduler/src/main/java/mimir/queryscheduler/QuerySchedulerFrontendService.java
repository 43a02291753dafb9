package mimir.queryscheduler;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import mimir.proto.schedulerpb.FrontendToScheduler;
import mimir.proto.schedulerpb.FrontendToSchedulerType;
import mimir.proto.schedulerpb.QueryFailure;
import mimir.proto.schedulerpb.Reply;
import mimir.proto.schedulerpb.SchedulerToFrontend;
import mimir.proto.schedulerpb.SchedulerToFrontendStatus;
import mimir.queryscheduler.client.grpc.SchedulerGrpc;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpResponse;

/**
 * {@code schedulerpb.SchedulerForFrontend}: query-frontends in other processes enqueue into the
 * {@link QueryScheduler} over a {@code FrontendLoop} stream each. Every INIT, ENQUEUE and CANCEL gets a
 * reply with its query ID; an accepted request's result or failure follows on the same stream when the
 * querier answers (the frontend needs no gRPC server of its own; see {@code scheduler.proto}).
 *
 * <p>A request lives in the stream's pending map from its OK until its outcome is sent, the frontend
 * cancels it, or the stream ends; a stream that ends (the frontend went away) cancels all of its pending
 * requests, which stops the queriers working on them. Bytes that are not a message, or a message out of
 * order, end that stream with {@code INVALID_ARGUMENT}. When the scheduler stops, requests still pending
 * fail with 503 and every stream is completed.
 *
 * <p>Locking: no lock is held while calling the scheduler or completing a future (cancel actions reach
 * the querier loops, which complete futures that reach back here); sends are serialized on the response
 * observer, which nothing else locks.
 */
final class QuerySchedulerFrontendService implements BindableService {
    private static final System.Logger LOG = System.getLogger(QuerySchedulerFrontendService.class.getName());

    private final QueryScheduler scheduler;
    private final Set<FrontendLoop> loops = ConcurrentHashMap.newKeySet();

    QuerySchedulerFrontendService(QueryScheduler scheduler) {
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(SchedulerGrpc.FRONTEND_SERVICE)
                .addMethod(SchedulerGrpc.bytesIn(SchedulerGrpc.FRONTEND_LOOP), ServerCalls.asyncBidiStreamingCall(this::frontendLoop))
                .build();
    }

    private StreamObserver<byte[]> frontendLoop(StreamObserver<SchedulerToFrontend> responses) {
        FrontendLoop loop = new FrontendLoop((ServerCallStreamObserver<SchedulerToFrontend>) responses);
        loops.add(loop);
        return loop;
    }

    /** The scheduler stopped: what is still pending fails with 503, and every stream completes. */
    void shutdown() {
        for (FrontendLoop loop : List.copyOf(loops)) {
            loop.shutdown();
        }
    }

    /** Open streams, for tests. */
    int openStreams() {
        return loops.size();
    }

    private static SchedulerToFrontend reply(long queryId, SchedulerToFrontendStatus status, String error) {
        return SchedulerToFrontend.newBuilder().setQueryId(queryId).setReply(Reply.newBuilder().setStatus(status).setError(error)).build();
    }

    private static SchedulerToFrontend failure(long queryId, QueryFailure failure) {
        return SchedulerToFrontend.newBuilder().setQueryId(queryId).setFailure(failure).build();
    }

    private static SchedulerToFrontend failure(long queryId, int status, String message) {
        return failure(queryId, QueryFailure.newBuilder().setStatus(status).setMessage(message).build());
    }

    /** One frontend's stream. {@code onNext} calls arrive one at a time; outcomes arrive on querier threads. */
    private final class FrontendLoop implements StreamObserver<byte[]> {
        private final ServerCallStreamObserver<SchedulerToFrontend> responses;
        private final Map<Long, CompletableFuture<HttpResponse>> pending = new ConcurrentHashMap<>();
        private volatile String frontendId;
        private volatile int maxResultBytes;
        private volatile boolean ended;
        private boolean responsesClosed; // guarded by responses

        FrontendLoop(ServerCallStreamObserver<SchedulerToFrontend> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(byte[] bytes) {
            if (ended) {
                return;
            }
            FrontendToScheduler message;
            try {
                message = FrontendToScheduler.parseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e) {
                reject("malformed FrontendToScheduler message: " + e.getMessage());
                return;
            }
            if (frontendId == null && message.getType() != FrontendToSchedulerType.INIT) {
                reject("the first message on a FrontendLoop stream must be INIT, got " + message.getType());
                return;
            }
            switch (message.getType()) {
                case INIT -> init(message);
                case ENQUEUE -> enqueue(message);
                case CANCEL -> cancel(message.getQueryId());
                case UNRECOGNIZED -> reject("unknown FrontendToScheduler type " + message.getTypeValue());
            }
        }

        private void init(FrontendToScheduler message) {
            if (frontendId != null) {
                reject("a second INIT on the FrontendLoop stream of frontend " + frontendId);
                return;
            }
            frontendId = message.getFrontendId().isEmpty() ? "unnamed" : message.getFrontendId();
            maxResultBytes = Math.max(0, message.getMaxResultBytes());
            boolean stopping = scheduler.stopping();
            send(stopping ? reply(0, SchedulerToFrontendStatus.SHUTTING_DOWN, QueryScheduler.SHUTTING_DOWN) : reply(0, SchedulerToFrontendStatus.OK, ""));
            LOG.log(Level.DEBUG, () -> "frontend connected frontend=" + frontendId);
        }

        private void enqueue(FrontendToScheduler message) {
            long queryId = message.getQueryId();
            String tenant = message.getTenant();
            if (tenant.isEmpty() || !message.hasHttpRequest()) {
                send(reply(queryId, SchedulerToFrontendStatus.ERROR, "an ENQUEUE needs a tenant and an HTTP request"));
                return;
            }
            if (pending.containsKey(queryId)) {
                send(reply(queryId, SchedulerToFrontendStatus.ERROR, "query ID " + queryId + " is already in use on this stream"));
                return;
            }
            CompletableFuture<HttpResponse> future;
            try {
                future = scheduler.enqueue(tenant, SchedulerGrpc.fromProto(message.getHttpRequest(), tenant));
            }
            catch (HttpException e) {
                SchedulerToFrontendStatus status = switch (e.status()) {
                    case 429 -> SchedulerToFrontendStatus.TOO_MANY_REQUESTS_PER_TENANT;
                    case 503 -> SchedulerToFrontendStatus.SHUTTING_DOWN;
                    default -> SchedulerToFrontendStatus.ERROR;
                };
                send(reply(queryId, status, e.getMessage()));
                return;
            }
            pending.put(queryId, future);
            send(reply(queryId, SchedulerToFrontendStatus.OK, ""));
            // Registered after the OK, so the outcome never overtakes it.
            future.whenComplete((response, failure) -> completed(queryId, future, response, failure));
            if (ended && pending.remove(queryId, future)) {
                future.cancel(true); // the stream ended while we enqueued
            }
        }

        private void completed(long queryId, CompletableFuture<HttpResponse> future, HttpResponse response, Throwable failure) {
            if (!pending.remove(queryId, future) || future.isCancelled()) {
                return; // cancelled by the frontend, or the stream ended
            }
            if (failure != null) {
                send(failure(queryId, SchedulerGrpc.toProto(failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure)));
                return;
            }
            SchedulerToFrontend result = SchedulerToFrontend.newBuilder().setQueryId(queryId).setResult(SchedulerGrpc.toProto(response)).build();
            int size = result.getSerializedSize();
            int max = maxResultBytes;
            if (max > 0 && size > max) {
                result = failure(queryId, 500, "the querier's response is larger than the query-frontend accepts (" + size + " vs " + max
                        + " bytes, -query-frontend.grpc-client-config.grpc-max-recv-msg-size)");
            }
            send(result);
        }

        private void cancel(long queryId) {
            CompletableFuture<HttpResponse> future = pending.remove(queryId);
            if (future != null) {
                future.cancel(true);
            }
            send(reply(queryId, SchedulerToFrontendStatus.OK, ""));
        }

        private void send(SchedulerToFrontend message) {
            synchronized (responses) {
                if (responsesClosed) {
                    return;
                }
                try {
                    responses.onNext(message);
                }
                catch (RuntimeException e) {
                    // The call is gone (the frontend cancelled it); onError ends the loop.
                    responsesClosed = true;
                }
            }
        }

        /** Ends the loop: cancels what is pending (the queriers working on it stop). */
        private void end() {
            ended = true;
            loops.remove(this);
            for (Long queryId : List.copyOf(pending.keySet())) {
                CompletableFuture<HttpResponse> future = pending.remove(queryId);
                if (future != null) {
                    future.cancel(true);
                }
            }
        }

        private void close(Runnable how) {
            synchronized (responses) {
                if (responsesClosed) {
                    return;
                }
                responsesClosed = true;
                try {
                    how.run();
                }
                catch (RuntimeException e) {
                    // Already closed by the transport.
                }
            }
        }

        private void reject(String reason) {
            LOG.log(Level.WARNING, "frontend stream rejected frontend=" + (frontendId == null ? "unknown" : frontendId) + " err=\"" + reason + "\"");
            end();
            close(() -> responses.onError(Status.INVALID_ARGUMENT.withDescription(reason).asException()));
        }

        void shutdown() {
            ended = true;
            loops.remove(this);
            for (Long queryId : List.copyOf(pending.keySet())) {
                CompletableFuture<HttpResponse> future = pending.remove(queryId);
                if (future != null) {
                    future.cancel(true);
                    send(failure(queryId, 503, QueryScheduler.SHUTTING_DOWN));
                }
            }
            close(responses::onCompleted);
        }

        @Override
        public void onError(Throwable failure) {
            LOG.log(Level.DEBUG, () -> "frontend stream ended frontend=" + frontendId + " err=\"" + Status.fromThrowable(failure) + "\"");
            synchronized (responses) {
                responsesClosed = true;
            }
            end();
        }

        @Override
        public void onCompleted() {
            end();
            close(responses::onCompleted);
        }
    }
}
