package mimir.queryscheduler.client;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import mimir.proto.schedulerpb.Next;
import mimir.proto.schedulerpb.NotifyQuerierShutdownRequest;
import mimir.proto.schedulerpb.QuerierRequest;
import mimir.proto.schedulerpb.QuerierToScheduler;
import mimir.proto.schedulerpb.SchedulerToQuerier;
import mimir.queryscheduler.client.grpc.SchedulerGrpc;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * The querier workers' {@link SchedulerForQuerier} for a query-scheduler in another process
 * ({@code -querier.scheduler-address}). Each {@code schedulerpb.SchedulerForQuerier/QuerierLoop} stream
 * carries one request at a time, as in Mimir: {@link #next} takes an idle stream (or opens one), sends
 * NEXT with its timeout and waits for the scheduler's request or "none"; the stream is busy until the
 * worker completes or fails the request, whose outcome goes back on it. So there are as many streams as
 * workers, and the scheduler only dequeues a request for a worker that is waiting.
 *
 * <p>When a stream breaks, a request being worked on is cancelled here (the scheduler has already failed
 * it towards the frontend) and {@code next} throws, naming the scheduler; the worker's loop asks again and
 * a new stream opens after a {@link ReconnectBackoff} delay. A scheduler that is stopping, or that was
 * told this querier is shutting down, answers "none, shutting down": the stream ends and the next one
 * waits for the backoff too, so a worker that keeps asking does not spin.
 */
public final class GrpcSchedulerForQuerier implements SchedulerForQuerier, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GrpcSchedulerForQuerier.class.getName());
    /** How much longer than its timeout a NEXT waits for the scheduler's answer before the stream counts as broken. */
    static final Duration REPLY_GRACE = Duration.ofSeconds(10);
    static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(5);

    private final String address;
    private final ManagedChannel channel;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private final Map<String, ConcurrentLinkedDeque<QuerierStream>> idle = new ConcurrentHashMap<>();
    private final Set<QuerierStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param address         the scheduler's {@code host:port} (or any gRPC target)
     * @param maxReceiveBytes the largest request this client accepts ({@code -querier.frontend-client.grpc-max-recv-msg-size})
     */
    public GrpcSchedulerForQuerier(String address, int maxReceiveBytes) {
        this.address = requireNonNull(address, "address is null");
        if (maxReceiveBytes <= 0) {
            throw new IllegalArgumentException("maxReceiveBytes must be positive: " + maxReceiveBytes);
        }
        this.channel = NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .maxInboundMessageSize(maxReceiveBytes)
                .build();
    }

    /** The scheduler's address as given. */
    public String address() {
        return address;
    }

    /**
     * @throws IllegalStateException when the stream to the scheduler broke or could not be opened; the
     *                               message names the scheduler and the cause
     */
    @Override
    public Optional<ScheduledRequest> next(String querierId, Duration timeout) throws InterruptedException {
        requireNonNull(querierId, "querierId is null");
        requireNonNull(timeout, "timeout is null");
        if (closed) {
            return Optional.empty();
        }
        QuerierStream stream = idleStream(querierId);
        if (stream == null) {
            backoff.await();
            stream = new QuerierStream(querierId);
            open.add(stream);
            stream.start();
        }
        return stream.next(timeout);
    }

    private QuerierStream idleStream(String querierId) {
        ConcurrentLinkedDeque<QuerierStream> streams = idle.get(querierId);
        if (streams == null) {
            return null;
        }
        for (QuerierStream stream = streams.pollFirst(); stream != null; stream = streams.pollFirst()) {
            if (stream.alive()) {
                return stream;
            }
        }
        return null;
    }

    /** Tells the scheduler; a failure is logged, since the querier stops either way. */
    @Override
    public void notifyQuerierShutdown(String querierId) {
        requireNonNull(querierId, "querierId is null");
        try {
            ClientCalls.blockingUnaryCall(channel, SchedulerGrpc.NOTIFY_QUERIER_SHUTDOWN, CallOptions.DEFAULT.withDeadlineAfter(NOTIFY_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS), NotifyQuerierShutdownRequest.newBuilder().setQuerierId(querierId).build());
        }
        catch (StatusRuntimeException e) {
            LOG.log(Level.WARNING, "cannot tell the query-scheduler that the querier shuts down scheduler=" + address + " querier_id=" + querierId
                    + " err=\"" + e.getStatus() + "\"");
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        for (QuerierStream stream : List.copyOf(open)) {
            stream.cancel("the querier is stopping");
        }
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** One QuerierLoop call: idle, waiting for the answer to a NEXT, or busy with one request. */
    private final class QuerierStream implements ClientResponseObserver<QuerierToScheduler, SchedulerToQuerier> {
        private final String querierId;
        private ClientCallStreamObserver<QuerierToScheduler> requests;
        private volatile CompletableFuture<SchedulerToQuerier> answer;
        private volatile RemoteRequest current;
        private volatile String brokenReason;
        private volatile boolean cancelledHere;

        QuerierStream(String querierId) {
            this.querierId = querierId;
        }

        void start() {
            ClientCalls.asyncBidiStreamingCall(channel.newCall(SchedulerGrpc.QUERIER_LOOP, CallOptions.DEFAULT), this);
            send(QuerierToScheduler.newBuilder().setQuerierId(querierId).build());
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<QuerierToScheduler> requestStream) {
            this.requests = requestStream;
        }

        boolean alive() {
            return brokenReason == null;
        }

        Optional<ScheduledRequest> next(Duration timeout) throws InterruptedException {
            CompletableFuture<SchedulerToQuerier> pending = new CompletableFuture<>();
            answer = pending;
            if (!send(QuerierToScheduler.newBuilder().setNext(Next.newBuilder().setWaitMillis(timeout.toMillis())).build())) {
                throw broken();
            }
            SchedulerToQuerier message;
            try {
                message = pending.get(timeout.plus(REPLY_GRACE).toNanos(), TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException e) {
                throw broken();
            }
            catch (TimeoutException e) {
                cancel("no answer to NEXT within " + timeout.plus(REPLY_GRACE).toSeconds() + "s");
                throw broken();
            }
            catch (InterruptedException e) {
                // The answer may still bring a request nobody takes: end the stream, the scheduler fails it.
                cancel("the querier worker was interrupted");
                throw e;
            }
            backoff.succeeded();
            if (message.getMessageCase() == SchedulerToQuerier.MessageCase.REQUEST) {
                QuerierRequest request = message.getRequest();
                RemoteRequest scheduled = new RemoteRequest(this, message.getQueryId(), request.getTenant(),
                        SchedulerGrpc.fromProto(request.getHttpRequest(), request.getTenant()), Duration.ofNanos(request.getQueueTimeNanos()));
                current = scheduled;
                return Optional.of(scheduled);
            }
            if (message.getNoRequest().getShuttingDown()) {
                backoff.failed();
                finish();
            }
            else {
                release();
            }
            return Optional.empty();
        }

        private IllegalStateException broken() {
            return new IllegalStateException("the stream to the query-scheduler " + address + " (-querier.scheduler-address) broke: " + brokenReason);
        }

        /** Sends the outcome of the current request and makes the stream idle again. */
        void answer(QuerierToScheduler message) {
            current = null;
            if (send(message)) {
                release();
            }
        }

        private void release() {
            if (alive() && !closed) {
                idle.computeIfAbsent(querierId, id -> new ConcurrentLinkedDeque<>()).addLast(this);
            }
        }

        /** Sends a message; false if the stream is gone. */
        private boolean send(QuerierToScheduler message) {
            synchronized (this) {
                if (brokenReason != null) {
                    return false;
                }
                try {
                    requests.onNext(message);
                    return true;
                }
                catch (RuntimeException e) {
                    brokenReason = e.toString();
                    return false;
                }
            }
        }

        /** Ends the stream from our side, cleanly. */
        private void finish() {
            synchronized (this) {
                if (brokenReason == null) {
                    brokenReason = "the query-scheduler is shutting down or this querier was shut down";
                    cancelledHere = true;
                    requests.onCompleted();
                }
            }
            open.remove(this);
        }

        void cancel(String reason) {
            cancelledHere = true;
            requests.cancel(reason, null);
        }

        @Override
        public void onNext(SchedulerToQuerier message) {
            switch (message.getMessageCase()) {
                case REQUEST, NO_REQUEST -> {
                    CompletableFuture<SchedulerToQuerier> pending = answer;
                    if (pending != null) {
                        pending.complete(message);
                    }
                }
                case CANCEL -> {
                    RemoteRequest request = current;
                    if (request != null && request.queryId == message.getQueryId()) {
                        request.cancel();
                    }
                }
                case MESSAGE_NOT_SET -> LOG.log(Level.DEBUG, "query-scheduler sent an empty message scheduler=" + address);
            }
        }

        @Override
        public void onError(Throwable failure) {
            ended(cancelledHere ? Status.fromThrowable(failure).getDescription() : "the stream broke: " + Status.fromThrowable(failure));
        }

        @Override
        public void onCompleted() {
            ended("the query-scheduler ended the stream");
        }

        private void ended(String reason) {
            boolean unexpected;
            synchronized (this) {
                unexpected = brokenReason == null && !cancelledHere;
                if (brokenReason == null) {
                    brokenReason = reason == null ? "the stream was cancelled" : reason;
                }
            }
            open.remove(this);
            RemoteRequest request = current;
            if (unexpected && !closed) {
                backoff.failed();
                // Without a request at stake, a waiting worker's next call throws with the reason and the querier logs that.
                LOG.log(request != null ? Level.WARNING : Level.DEBUG, "query-scheduler stream ended scheduler=" + address + " querier_id=" + querierId
                        + (request != null ? " lost_query_id=" + request.queryId : "") + " err=\"" + brokenReason + "\"");
            }
            CompletableFuture<SchedulerToQuerier> pending = answer;
            if (pending != null) {
                pending.completeExceptionally(new IllegalStateException(brokenReason));
            }
            if (request != null) {
                // The scheduler has failed it towards the frontend already: stop the work.
                request.cancel();
            }
        }
    }

    /** A request delivered on a stream; its outcome goes back on that stream, once. */
    private static final class RemoteRequest implements ScheduledRequest {
        private final QuerierStream stream;
        private final long queryId;
        private final String tenant;
        private final HttpRequest request;
        private final Duration queueTime;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final List<Runnable> cancelActions = new ArrayList<>();
        private boolean cancelled; // guarded by cancelActions

        RemoteRequest(QuerierStream stream, long queryId, String tenant, HttpRequest request, Duration queueTime) {
            this.stream = stream;
            this.queryId = queryId;
            this.tenant = tenant;
            this.request = request;
            this.queueTime = queueTime;
        }

        @Override
        public String tenant() {
            return tenant;
        }

        @Override
        public HttpRequest request() {
            return request;
        }

        @Override
        public Duration queueTime() {
            return queueTime;
        }

        @Override
        public boolean cancelled() {
            synchronized (cancelActions) {
                return cancelled;
            }
        }

        @Override
        public void onCancel(Runnable action) {
            requireNonNull(action, "action is null");
            synchronized (cancelActions) {
                if (!cancelled) {
                    cancelActions.add(action);
                    return;
                }
            }
            run(action);
        }

        void cancel() {
            List<Runnable> actions;
            synchronized (cancelActions) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                actions = List.copyOf(cancelActions);
                cancelActions.clear();
            }
            actions.forEach(RemoteRequest::run);
        }

        private static void run(Runnable action) {
            try {
                action.run();
            }
            catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cancel action of a query request failed err=\"" + e + "\"");
            }
        }

        @Override
        public void complete(HttpResponse response) {
            requireNonNull(response, "response is null");
            if (answered.compareAndSet(false, true)) {
                stream.answer(QuerierToScheduler.newBuilder().setQueryId(queryId).setResult(SchedulerGrpc.toProto(response)).build());
            }
        }

        @Override
        public void fail(Throwable failure) {
            requireNonNull(failure, "failure is null");
            if (answered.compareAndSet(false, true)) {
                stream.answer(QuerierToScheduler.newBuilder().setQueryId(queryId).setFailure(SchedulerGrpc.toProto(failure)).build());
            }
        }
    }
}
