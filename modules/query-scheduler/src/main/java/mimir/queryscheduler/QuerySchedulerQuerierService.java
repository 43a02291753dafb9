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
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import mimir.proto.schedulerpb.Cancel;
import mimir.proto.schedulerpb.NoRequest;
import mimir.proto.schedulerpb.NotifyQuerierShutdownRequest;
import mimir.proto.schedulerpb.NotifyQuerierShutdownResponse;
import mimir.proto.schedulerpb.QuerierRequest;
import mimir.proto.schedulerpb.QuerierToScheduler;
import mimir.proto.schedulerpb.SchedulerToQuerier;
import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.grpc.SchedulerGrpc;
import mimir.spi.http.HttpException;

/**
 * {@code schedulerpb.SchedulerForQuerier}: querier workers in other processes take requests from the
 * {@link QueryScheduler}, one {@code QuerierLoop} stream per worker and one request at a time on it. A
 * NEXT is served on a virtual thread that waits in {@link QueryScheduler#next} for at most the NEXT's
 * wait, so a request leaves the queue only for a worker that is waiting; the result or failure the
 * querier sends back completes the request, and a cancel by the frontend is forwarded as {@code cancel}.
 *
 * <p>A stream that breaks while its request is being worked on fails that request with 500 naming the
 * querier. Mimir does the same (its scheduler reports the error to the frontend and does not re-enqueue);
 * the query-frontend's retries ({@code -query-frontend.max-retries-per-request}) send it again, most
 * likely to another querier. When the last stream of a querier ends, the scheduler forgets the querier
 * (Mimir with {@code -query-scheduler.querier-forget-delay=0}), so shuffle sharding no longer counts it.
 * {@code NotifyQuerierShutdown} makes the querier's open streams answer "none, shutting down" from then on.
 *
 * <p>Locking: a loop's state is guarded by the loop; no lock is held while calling into the scheduler's
 * queue or completing a request (completion reaches the frontend streams). Sends are serialized on the
 * response observer.
 */
final class QuerySchedulerQuerierService implements BindableService {
    private static final System.Logger LOG = System.getLogger(QuerySchedulerQuerierService.class.getName());
    /** The longest a NEXT may wait for a request. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final QueryScheduler scheduler;
    private final Map<String, Set<QuerierLoop>> loopsByQuerier = new HashMap<>(); // guarded by itself
    private final Set<QuerierLoop> loops = ConcurrentHashMap.newKeySet();

    QuerySchedulerQuerierService(QueryScheduler scheduler) {
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(SchedulerGrpc.QUERIER_SERVICE)
                .addMethod(SchedulerGrpc.bytesIn(SchedulerGrpc.QUERIER_LOOP), ServerCalls.asyncBidiStreamingCall(this::querierLoop))
                .addMethod(SchedulerGrpc.bytesIn(SchedulerGrpc.NOTIFY_QUERIER_SHUTDOWN), ServerCalls.asyncUnaryCall(this::notifyQuerierShutdown))
                .build();
    }

    private StreamObserver<byte[]> querierLoop(StreamObserver<SchedulerToQuerier> responses) {
        QuerierLoop loop = new QuerierLoop((ServerCallStreamObserver<SchedulerToQuerier>) responses);
        loops.add(loop);
        return loop;
    }

    private void notifyQuerierShutdown(byte[] bytes, StreamObserver<NotifyQuerierShutdownResponse> response) {
        String querierId;
        try {
            querierId = NotifyQuerierShutdownRequest.parseFrom(bytes).getQuerierId();
        }
        catch (InvalidProtocolBufferException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("malformed NotifyQuerierShutdownRequest: " + e.getMessage()).asException());
            return;
        }
        if (querierId.isEmpty()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("NotifyQuerierShutdown needs a querier_id").asException());
            return;
        }
        // Marked first, so that NEXTs waiting in the queue answer "shutting down" when it wakes them.
        loopsOf(querierId).forEach(QuerierLoop::markShutdown);
        scheduler.notifyQuerierShutdown(querierId);
        response.onNext(NotifyQuerierShutdownResponse.getDefaultInstance());
        response.onCompleted();
    }

    private List<QuerierLoop> loopsOf(String querierId) {
        synchronized (loopsByQuerier) {
            return List.copyOf(loopsByQuerier.getOrDefault(querierId, Set.of()));
        }
    }

    private void register(QuerierLoop loop, String querierId) {
        synchronized (loopsByQuerier) {
            loopsByQuerier.computeIfAbsent(querierId, id -> new HashSet<>()).add(loop);
        }
    }

    /** Removes the loop; true if it was the querier's last. */
    private boolean deregister(QuerierLoop loop, String querierId) {
        synchronized (loopsByQuerier) {
            Set<QuerierLoop> querierLoops = loopsByQuerier.get(querierId);
            if (querierLoops == null || !querierLoops.remove(loop)) {
                return false;
            }
            if (querierLoops.isEmpty()) {
                loopsByQuerier.remove(querierId);
                return true;
            }
            return false;
        }
    }

    /** The scheduler stopped: requests being worked on fail with 503, every stream completes. */
    void shutdown() {
        for (QuerierLoop loop : List.copyOf(loops)) {
            loop.end(new HttpException(503, QueryScheduler.SHUTTING_DOWN), responses -> responses.onCompleted());
        }
    }

    /** Open streams, for tests. */
    int openStreams() {
        return loops.size();
    }

    private enum State { IDLE, WAITING, RUNNING, ENDED }

    /** One worker's stream. {@code onNext} calls arrive one at a time; a NEXT is served on its own thread. */
    private final class QuerierLoop implements StreamObserver<byte[]> {
        private final ServerCallStreamObserver<SchedulerToQuerier> responses;
        // Guarded by this:
        private String querierId;
        private State state = State.IDLE;
        private Thread waiter;
        private ScheduledRequest current;
        private long currentId;
        private long lastId;
        private boolean shutdown;
        private boolean responsesClosed; // guarded by responses

        QuerierLoop(ServerCallStreamObserver<SchedulerToQuerier> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(byte[] bytes) {
            QuerierToScheduler message;
            try {
                message = QuerierToScheduler.parseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e) {
                reject("malformed QuerierToScheduler message: " + e.getMessage());
                return;
            }
            switch (message.getMessageCase()) {
                case QUERIER_ID -> hello(message.getQuerierId());
                case NEXT -> next(message.getNext().getWaitMillis());
                case RESULT -> answered(message.getQueryId(), request -> request.complete(SchedulerGrpc.fromProto(message.getResult())));
                case FAILURE -> answered(message.getQueryId(), request -> request.fail(SchedulerGrpc.fromProto(message.getFailure())));
                case MESSAGE_NOT_SET -> reject("an empty QuerierToScheduler message");
            }
        }

        private void hello(String id) {
            String problem = null;
            synchronized (this) {
                if (state == State.ENDED) {
                    return;
                }
                if (querierId != null) {
                    problem = "a second querier_id on the QuerierLoop stream of querier " + querierId;
                }
                else if (id.isEmpty()) {
                    problem = "the querier_id is empty";
                }
                else {
                    querierId = id;
                    register(this, id); // under the loop's lock, so that end() cannot miss it
                }
            }
            if (problem != null) {
                reject(problem);
            }
        }

        private void next(long waitMillis) {
            String problem = null;
            boolean shuttingDown = false;
            synchronized (this) {
                if (state == State.ENDED) {
                    return;
                }
                if (querierId == null) {
                    problem = "the first message on a QuerierLoop stream must be the querier_id";
                }
                else if (state != State.IDLE) {
                    problem = "NEXT while " + (state == State.WAITING ? "a NEXT is being served" : "request " + currentId + " is being worked on");
                }
                else if (shutdown || scheduler.stopping()) {
                    shuttingDown = true;
                }
                else {
                    state = State.WAITING;
                    Duration wait = Duration.ofMillis(Math.clamp(waitMillis, 0, MAX_WAIT.toMillis()));
                    String id = querierId;
                    waiter = Thread.ofVirtual().name("query-scheduler-next-" + id).start(() -> serveNext(id, wait));
                }
            }
            if (problem != null) {
                reject(problem);
            }
            else if (shuttingDown) {
                send(noRequest(true));
            }
        }

        private void serveNext(String id, Duration wait) {
            Optional<ScheduledRequest> next;
            try {
                next = scheduler.next(id, wait);
            }
            catch (InterruptedException e) {
                next = Optional.empty(); // the stream ended
            }
            ScheduledRequest request = next.orElse(null);
            long queryId = 0;
            boolean ended;
            boolean shuttingDown = false;
            synchronized (this) {
                waiter = null;
                ended = state != State.WAITING;
                if (!ended && request == null) {
                    state = State.IDLE;
                    shuttingDown = shutdown || scheduler.stopping();
                }
                else if (!ended) {
                    state = State.RUNNING;
                    current = request;
                    queryId = ++lastId;
                    currentId = queryId;
                }
            }
            if (ended) {
                if (request != null) {
                    request.fail(new HttpException(500, "querier " + id + " went away before the request could be sent to it"));
                }
                return;
            }
            if (request == null) {
                send(noRequest(shuttingDown));
                return;
            }
            send(SchedulerToQuerier.newBuilder().setQueryId(queryId).setRequest(QuerierRequest.newBuilder()
                    .setTenant(request.tenant())
                    .setHttpRequest(SchedulerGrpc.toProto(request.request()))
                    .setQueueTimeNanos(request.queueTime().toNanos())).build());
            long sentId = queryId;
            request.onCancel(() -> cancelled(request, sentId));
        }

        private void cancelled(ScheduledRequest request, long queryId) {
            synchronized (this) {
                if (current != request) {
                    return;
                }
            }
            send(SchedulerToQuerier.newBuilder().setQueryId(queryId).setCancel(Cancel.getDefaultInstance()).build());
        }

        private void answered(long queryId, Consumer<ScheduledRequest> outcome) {
            ScheduledRequest request;
            synchronized (this) {
                if (state != State.RUNNING || queryId != currentId) {
                    if (state != State.ENDED) {
                        LOG.log(Level.WARNING, "querier answered a request it does not have querier=" + querierId + " query_id=" + queryId);
                    }
                    return;
                }
                request = current;
                current = null;
                state = State.IDLE;
            }
            outcome.accept(request);
        }

        synchronized void markShutdown() {
            shutdown = true;
        }

        private SchedulerToQuerier noRequest(boolean shuttingDown) {
            return SchedulerToQuerier.newBuilder().setNoRequest(NoRequest.newBuilder().setShuttingDown(shuttingDown)).build();
        }

        private void send(SchedulerToQuerier message) {
            synchronized (responses) {
                if (responsesClosed) {
                    return;
                }
                try {
                    responses.onNext(message);
                }
                catch (RuntimeException e) {
                    responsesClosed = true; // the call is gone; onError ends the loop
                }
            }
        }

        /**
         * Ends the loop: a waiting NEXT is interrupted, a request being worked on fails with
         * {@code failure}, and {@code close} (if any) ends the call.
         */
        void end(HttpException failure, Consumer<ServerCallStreamObserver<SchedulerToQuerier>> close) {
            String id;
            ScheduledRequest running;
            Thread waiting;
            synchronized (this) {
                if (state == State.ENDED) {
                    return;
                }
                state = State.ENDED;
                id = querierId;
                running = current;
                current = null;
                waiting = waiter;
            }
            loops.remove(this);
            if (waiting != null) {
                waiting.interrupt();
            }
            if (running != null) {
                running.fail(failure);
            }
            if (id != null && deregister(this, id)) {
                // The querier's last stream: forget it, so that shuffle sharding stops counting it.
                scheduler.notifyQuerierShutdown(id);
            }
            synchronized (responses) {
                if (close != null && !responsesClosed) {
                    try {
                        close.accept(responses);
                    }
                    catch (RuntimeException e) {
                        // Already closed by the transport.
                    }
                }
                responsesClosed = true;
            }
        }

        private void reject(String reason) {
            LOG.log(Level.WARNING, "querier stream rejected querier=" + querierIdOrUnknown() + " err=\"" + reason + "\"");
            end(new HttpException(500, "querier " + querierIdOrUnknown() + " broke the protocol: " + reason),
                    responses -> responses.onError(Status.INVALID_ARGUMENT.withDescription(reason).asException()));
        }

        private synchronized String querierIdOrUnknown() {
            return querierId == null ? "unknown" : querierId;
        }

        @Override
        public void onError(Throwable failure) {
            String id = querierIdOrUnknown();
            LOG.log(Level.DEBUG, () -> "querier stream ended querier=" + id + " err=\"" + Status.fromThrowable(failure) + "\"");
            end(new HttpException(500, "querier " + id + " disconnected while executing the request: " + Status.fromThrowable(failure)), null);
        }

        @Override
        public void onCompleted() {
            String id = querierIdOrUnknown();
            end(new HttpException(500, "querier " + id + " closed its stream while executing the request"), responses -> responses.onCompleted());
        }
    }
}
