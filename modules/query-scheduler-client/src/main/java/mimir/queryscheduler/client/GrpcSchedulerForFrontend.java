package mimir.queryscheduler.client;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import mimir.proto.schedulerpb.FrontendToScheduler;
import mimir.proto.schedulerpb.FrontendToSchedulerType;
import mimir.proto.schedulerpb.Reply;
import mimir.proto.schedulerpb.SchedulerToFrontend;
import mimir.proto.schedulerpb.SchedulerToFrontendStatus;
import mimir.queryscheduler.client.grpc.SchedulerGrpc;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * The query-frontend's {@link SchedulerForFrontend} for a query-scheduler in another process
 * ({@code -query-frontend.scheduler-address}): one {@code schedulerpb.SchedulerForFrontend/FrontendLoop}
 * stream carries every enqueue, cancel and result, each request named by a query ID of this client.
 *
 * <p>{@link #enqueue} waits for the scheduler's reply: 429 and 503 are thrown as the in-process scheduler
 * throws them. When the stream breaks before the reply, the enqueue is retried once on a new stream (as
 * Mimir's frontend does); when it breaks after, the request's future fails with a 503 naming the
 * scheduler, and the query-frontend's retries decide. A new stream opens on the next enqueue after a
 * {@link ReconnectBackoff} delay. Cancelling a future sends CANCEL, which reaches the querier working on
 * the request. Results larger than {@code maxReceiveBytes} fail with a 500 naming the limit at the
 * scheduler, so that one oversized result does not break the stream of all others.
 */
public final class GrpcSchedulerForFrontend implements SchedulerForFrontend, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GrpcSchedulerForFrontend.class.getName());
    /** How long an enqueue waits for the scheduler's reply before it counts the stream as broken. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    private final String address;
    private final String frontendId;
    private final int maxReceiveBytes;
    private final ManagedChannel channel;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private final AtomicLong queryIds = new AtomicLong();
    private final ReentrantLock streamLock = new ReentrantLock();
    private FrontendStream stream; // guarded by streamLock
    private volatile boolean closed;

    /**
     * @param address         the scheduler's {@code host:port} (or any gRPC target)
     * @param frontendId      who this frontend is, for the scheduler's logs
     * @param maxReceiveBytes the largest message this client accepts
     *                        ({@code -query-frontend.grpc-client-config.grpc-max-recv-msg-size})
     */
    public GrpcSchedulerForFrontend(String address, String frontendId, int maxReceiveBytes) {
        this.address = requireNonNull(address, "address is null");
        this.frontendId = requireNonNull(frontendId, "frontendId is null");
        if (maxReceiveBytes <= 0) {
            throw new IllegalArgumentException("maxReceiveBytes must be positive: " + maxReceiveBytes);
        }
        this.maxReceiveBytes = maxReceiveBytes;
        this.channel = NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .maxInboundMessageSize(maxReceiveBytes)
                .build();
    }

    /** The scheduler's address as given. */
    public String address() {
        return address;
    }

    @Override
    public CompletableFuture<HttpResponse> enqueue(String tenant, HttpRequest request) {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(request, "request is null");
        if (closed) {
            throw new HttpException(503, "the query-frontend's client of the query-scheduler " + address + " is closed");
        }
        FrontendToScheduler.Builder message = FrontendToScheduler.newBuilder()
                .setType(FrontendToSchedulerType.ENQUEUE)
                .setTenant(tenant)
                .setHttpRequest(SchedulerGrpc.toProto(request));
        StreamBrokenException broken = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return stream().enqueue(message.setQueryId(queryIds.incrementAndGet()).build());
            }
            catch (StreamBrokenException e) {
                broken = e;
            }
            catch (InterruptedException e) {
                // The client went away while we waited to reconnect: the caller sees a cancelled request.
                Thread.currentThread().interrupt();
                CompletableFuture<HttpResponse> cancelled = new CompletableFuture<>();
                cancelled.cancel(false);
                return cancelled;
            }
        }
        throw new HttpException(503, "cannot enqueue the request at the query-scheduler " + address + " (-query-frontend.scheduler-address): "
                + broken.getMessage());
    }

    /** The open stream, or a new one once the backoff allows. */
    private FrontendStream stream() throws InterruptedException {
        streamLock.lockInterruptibly();
        try {
            if (stream == null || !stream.alive()) {
                backoff.await();
                stream = new FrontendStream();
                stream.start();
            }
            return stream;
        }
        finally {
            streamLock.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        streamLock.lock();
        try {
            if (stream != null) {
                stream.cancel("the query-frontend is stopping");
            }
        }
        finally {
            streamLock.unlock();
        }
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** The stream broke (or the scheduler gave no reply in time) before an enqueue was answered. */
    private static final class StreamBrokenException extends Exception {
        private static final long serialVersionUID = 1L;

        StreamBrokenException(String message) {
            super(message, null, false, false);
        }
    }

    /** A request of this stream: the scheduler's reply to its ENQUEUE, then its result. */
    private record Pending(long queryId, CompletableFuture<Reply> reply, CompletableFuture<HttpResponse> result) {
        Pending(long queryId) {
            this(queryId, new CompletableFuture<>(), new CompletableFuture<>());
        }
    }

    /** One FrontendLoop call. Its requests are keyed by query ID; messages from the scheduler arrive in order on one gRPC thread. */
    private final class FrontendStream implements ClientResponseObserver<FrontendToScheduler, SchedulerToFrontend> {
        private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
        private ClientCallStreamObserver<FrontendToScheduler> requests;
        private volatile String brokenReason;
        private volatile boolean cancelledHere;

        void start() {
            ClientCalls.asyncBidiStreamingCall(channel.newCall(SchedulerGrpc.FRONTEND_LOOP, CallOptions.DEFAULT), this);
            try {
                send(FrontendToScheduler.newBuilder().setType(FrontendToSchedulerType.INIT).setFrontendId(frontendId).setMaxResultBytes(maxReceiveBytes).build());
            }
            catch (StreamBrokenException e) {
                // Broken at once: the first enqueue on it says why and is retried.
            }
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<FrontendToScheduler> requestStream) {
            this.requests = requestStream;
        }

        boolean alive() {
            return brokenReason == null;
        }

        CompletableFuture<HttpResponse> enqueue(FrontendToScheduler message) throws StreamBrokenException {
            long queryId = message.getQueryId();
            Pending request = new Pending(queryId);
            pending.put(queryId, request);
            Reply reply;
            try {
                send(message);
                reply = request.reply().get(REPLY_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException e) {
                pending.remove(queryId);
                throw e.getCause() instanceof StreamBrokenException broken ? broken : new StreamBrokenException(e.getCause().toString());
            }
            catch (TimeoutException e) {
                pending.remove(queryId);
                String reason = "no reply to an enqueue within " + REPLY_TIMEOUT.toSeconds() + "s";
                cancel(reason);
                throw new StreamBrokenException(reason);
            }
            catch (StreamBrokenException e) {
                pending.remove(queryId);
                throw e;
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                request.result().cancel(false);
                cancelRequest(queryId);
                return request.result();
            }
            return switch (reply.getStatus()) {
                case OK -> {
                    request.result().whenComplete((response, failure) -> {
                        if (request.result().isCancelled()) {
                            cancelRequest(queryId);
                        }
                    });
                    yield request.result();
                }
                case TOO_MANY_REQUESTS_PER_TENANT -> {
                    pending.remove(queryId);
                    throw new HttpException(429, reply.getError());
                }
                case SHUTTING_DOWN -> {
                    pending.remove(queryId);
                    cancel("the query-scheduler is shutting down");
                    throw new HttpException(503, "the query-scheduler " + address + " is shutting down");
                }
                case ERROR, UNRECOGNIZED -> {
                    pending.remove(queryId);
                    throw new HttpException(500, "the query-scheduler " + address + " refused the request: " + reply.getError());
                }
            };
        }

        /** Forgets a request and tells the scheduler, which stops the querier working on it. */
        private void cancelRequest(long queryId) {
            if (pending.remove(queryId) != null && alive()) {
                try {
                    send(FrontendToScheduler.newBuilder().setType(FrontendToSchedulerType.CANCEL).setQueryId(queryId).build());
                }
                catch (StreamBrokenException e) {
                    // The stream is gone; the scheduler cancels the stream's requests itself.
                }
            }
        }

        private void send(FrontendToScheduler message) throws StreamBrokenException {
            synchronized (this) {
                String reason = brokenReason;
                if (reason != null) {
                    throw new StreamBrokenException(reason);
                }
                try {
                    requests.onNext(message);
                }
                catch (RuntimeException e) {
                    // The call was closed under us (cancelled, or ended by the server).
                    throw new StreamBrokenException(e.toString());
                }
            }
        }

        void cancel(String reason) {
            cancelledHere = true;
            requests.cancel(reason, null);
        }

        @Override
        public void onNext(SchedulerToFrontend message) {
            long queryId = message.getQueryId();
            switch (message.getMessageCase()) {
                case REPLY -> {
                    if (queryId == 0) {
                        initReply(message.getReply());
                        return;
                    }
                    Pending request = pending.get(queryId);
                    if (request != null) {
                        request.reply().complete(message.getReply());
                    }
                }
                case RESULT -> {
                    Pending request = pending.remove(queryId);
                    if (request != null) {
                        request.result().complete(SchedulerGrpc.fromProto(message.getResult()));
                    }
                }
                case FAILURE -> {
                    Pending request = pending.remove(queryId);
                    if (request != null) {
                        request.result().completeExceptionally(SchedulerGrpc.fromProto(message.getFailure()));
                    }
                }
                case MESSAGE_NOT_SET -> LOG.log(Level.DEBUG, "query-scheduler sent an empty message scheduler=" + address);
            }
        }

        private void initReply(Reply reply) {
            if (reply.getStatus() == SchedulerToFrontendStatus.OK) {
                backoff.succeeded();
                return;
            }
            LOG.log(Level.WARNING, "query-scheduler refused the frontend scheduler=" + address + " status=" + reply.getStatus() + " err=\"" + reply.getError() + "\"");
            cancel(reply.getStatus() == SchedulerToFrontendStatus.SHUTTING_DOWN ? "the query-scheduler is shutting down"
                    : "the query-scheduler refused the stream: " + reply.getError());
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
            synchronized (this) {
                brokenReason = reason == null ? "the stream was cancelled" : reason;
            }
            if (!closed) {
                backoff.failed();
                if (!cancelledHere) {
                    LOG.log(Level.WARNING, "query-scheduler stream ended scheduler=" + address + " err=\"" + brokenReason + "\"");
                }
            }
            List<Pending> requests = new ArrayList<>(pending.values());
            pending.clear();
            for (Pending request : requests) {
                if (!request.reply().isDone()) {
                    request.reply().completeExceptionally(new StreamBrokenException(brokenReason));
                }
                else {
                    request.result().completeExceptionally(new HttpException(503, "the stream to the query-scheduler " + address
                            + " ended while the request was in flight: " + brokenReason));
                }
            }
        }
    }
}
