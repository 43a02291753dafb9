package mimir.ruler;

import static java.util.Objects.requireNonNull;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import mimir.grpccommon.GrpcClientPool;
import mimir.grpccommon.TenantChannel;
import mimir.ring.InstanceDesc;
import mimir.ring.RingException;

/**
 * Asks the other rulers of the ring for their groups of a tenant over {@link RulerGrpc#RULES}, all at
 * once, as Mimir's {@code getShardedRules} does. As in Mimir (lookups with replication factor 1, no
 * failure tolerated), a ruler that is unhealthy in the ring or does not answer fails the whole
 * listing: the API answers 500 naming it, never a silently partial list.
 */
final class RulerPeers implements AutoCloseable {
    /** The most a peer's answer may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_MESSAGE_BYTES = 100 << 20;

    private final RulerRing ring;
    private final GrpcClientPool<TenantChannel> clients = new GrpcClientPool<>("ruler",
            address -> new TenantChannel(address, MAX_MESSAGE_BYTES, RulerGrpc.TENANT_HEADER), TenantChannel::close);

    RulerPeers(RulerRing ring) {
        this.ring = requireNonNull(ring, "ring is null");
    }

    /** A listing that could not be completed; its message names the ruler and the reason. */
    static final class PeerException extends Exception {
        PeerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The groups the other rulers run for {@code tenant}, in no particular order. */
    List<RulerGrpc.RenderedGroup> groups(String tenant, RulerGrpc.Request request) throws PeerException, InterruptedException {
        List<InstanceDesc> peers;
        try {
            peers = ring.peers();
        }
        catch (RingException e) {
            throw new PeerException("unable to list the rules of every ruler: " + e.getMessage(), e);
        }
        if (peers.isEmpty()) {
            return List.of();
        }
        List<Future<RulerGrpc.Response>> answers = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            // Cancelled before the executor closes, so that one failure does not wait for the other answers.
            try {
                for (InstanceDesc peer : peers) {
                    answers.add(executor.submit(() -> ClientCalls.blockingUnaryCall(clients.get(peer.addr()).channel(), RulerGrpc.RULES,
                            TenantChannel.options(tenant).withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), request)));
                }
                List<RulerGrpc.RenderedGroup> groups = new ArrayList<>();
                for (int i = 0; i < peers.size(); i++) {
                    try {
                        groups.addAll(answers.get(i).get().groups());
                    }
                    catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        String reason = cause instanceof StatusRuntimeException status ? TenantChannel.describe(status.getStatus()) : String.valueOf(cause);
                        throw new PeerException("unable to retrieve rules from ruler " + peers.get(i).id() + " at " + peers.get(i).addr() + ": "
                                + reason, cause);
                    }
                }
                return groups;
            }
            finally {
                for (Future<RulerGrpc.Response> answer : answers) {
                    answer.cancel(true);
                }
            }
        }
    }

    @Override
    public void close() {
        clients.close();
    }
}
