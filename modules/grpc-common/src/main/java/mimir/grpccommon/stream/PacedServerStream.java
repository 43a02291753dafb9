package mimir.grpccommon.stream;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * The writing of one server-streaming call, paced by flow control: a message is built only while the
 * call {@linkplain ServerCallStreamObserver#isReady() is ready}, and writing resumes from the on-ready
 * callback, so a slow reader holds at most about two messages in this process. gRPC runs the handler,
 * the on-ready and the on-cancel callbacks of a call one at a time, so a subclass's state needs no
 * lock. A cancelled call (client gone, deadline) stops after the message being built; {@link #release}
 * runs exactly once however the call ends.
 *
 * @param <Resp> the call's message type
 */
public abstract class PacedServerStream<Resp> {
    private final ServerCallStreamObserver<Resp> call;
    /** The call's context, cancelled at once when the client cancels (the on-cancel callback waits for its turn). */
    private final Context context = Context.current();
    private boolean finished;

    protected PacedServerStream(ServerCallStreamObserver<Resp> call) {
        this.call = requireNonNull(call, "call is null");
    }

    /**
     * Builds and {@linkplain #send sends} at most one message; false once there is nothing more to
     * send, after which the call is completed.
     */
    protected abstract boolean writeNext();

    /** Lets go of what the stream reads from (its querier); called once, at the end, on failure or on cancel. */
    protected abstract void release();

    /** What the call fails with when writing fails with {@code failure}. */
    protected abstract Throwable status(RuntimeException failure);

    /** Sets the callbacks; called from the call's handler, which is where gRPC allows setting them. */
    protected final void listen() {
        call.setOnCancelHandler(this::finish);
        call.setOnReadyHandler(this::drain);
    }

    /** Writes messages while the call is ready; the on-ready callback calls it again. */
    protected final void drain() {
        if (finished) {
            return;
        }
        try {
            while (call.isReady() && !context.isCancelled()) {
                if (!writeNext()) {
                    finish();
                    call.onCompleted();
                    return;
                }
            }
        }
        catch (RuntimeException e) {
            fail(e);
        }
    }

    protected final void send(Resp message) {
        call.onNext(message);
    }

    /** Ends the call with {@code failure}, unless it was cancelled already. */
    protected final void fail(RuntimeException failure) {
        boolean cancelled = finished;
        finish();
        if (!cancelled) {
            call.onError(status(failure));
        }
    }

    /** Ends reading, at the end, on failure or on cancel; idempotent. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        release();
    }
}
