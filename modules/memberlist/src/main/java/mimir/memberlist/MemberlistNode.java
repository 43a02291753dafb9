package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import mimir.memberlist.MemberlistMessages.InvalidMessageException;
import mimir.memberlist.MemberlistMessages.KeyValue;
import mimir.memberlist.MemberlistMessages.Message;
import mimir.memberlist.MemberlistMessages.Type;
import mimir.spi.config.Durations;
import mimir.spi.kv.KvCodec;

/**
 * The process's gossip node: its copy of the store, its view of the members, the transport, and the
 * periodic work that keeps them in step with the cluster.
 *
 * <ul>
 *   <li>Every {@code -memberlist.gossip-interval}: the changes waiting in {@link MemberlistBroadcasts}
 *       go to up to {@code -memberlist.gossip-nodes} random live members, with the member list; every
 *       {@link MemberlistConfig#HEARTBEAT_TICKS} intervals the heartbeat advances and the member list
 *       goes out even without changes. A local change does not wait for the tick: it is sent at once.</li>
 *   <li>Every {@code -memberlist.pullpush-interval}: a full push-pull (both sides send everything and
 *       merge) with one random live member, and with one dead member if any, so that it can refute.</li>
 *   <li>Joining is a push-pull with members of {@code -memberlist.join}, at start and then in the
 *       background with backoff whenever the node has never joined or has no live member left, and
 *       every {@code -memberlist.rejoin-interval} if set.</li>
 * </ul>
 *
 * <p>The periodic work runs on one daemon thread, {@code memberlist-gossip}, which never blocks; every
 * network operation runs on a virtual thread, at most {@link #MAX_OUTBOUND} at once.
 */
final class MemberlistNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemberlistNode.class.getName());

    /** How many outbound connections may be in flight; more gossip is dropped (push-pull repairs). */
    static final int MAX_OUTBOUND = 32;
    // One reachable member is enough to learn the cluster; a few guard against a split seed list.
    private static final int JOIN_ENOUGH = 3;

    private final MemberlistConfig config;
    private final MemberlistMetrics metrics;
    private final String name;
    private final MemberlistStore store = new MemberlistStore();
    private final MemberlistBroadcasts broadcasts = new MemberlistBroadcasts();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("memberlist-gossip").factory());
    private final ExecutorService network = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("memberlist-io-", 0).factory());
    private final Semaphore outbound = new Semaphore(MAX_OUTBOUND);
    private final MemberlistTransport transport;
    private final MemberlistLogLimiter badValues = new MemberlistLogLimiter(LOG, System::nanoTime);
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean joinRunning = new AtomicBoolean();
    private volatile MemberlistMembers members;
    private volatile boolean stopping;
    private volatile boolean joined;
    private volatile boolean onlySelfAnswered;
    private volatile boolean reportedAlone;
    private volatile long nextJoinNanos;
    private volatile long joinBackoffNanos;
    private volatile long nextRejoinNanos;
    // Only touched on the scheduler thread.
    private long ticks;

    MemberlistNode(MemberlistConfig config, MemberlistMetrics metrics) {
        this.config = requireNonNull(config, "config is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.name = MemberlistIdentity.nodeName(config);
        this.transport = new MemberlistTransport(config.bindAddresses(), config.bindPort(), config.streamTimeout(), config.packetDialTimeout(),
                config.packetWriteTimeout(), this::handle, scheduler, metrics);
    }

    /**
     * Listens, starts gossiping and joins the cluster: at most once when joining may fail, else up to
     * {@code -memberlist.max-join-retries} times with backoff.
     *
     * @throws IOException if the port cannot be bound, or joining failed and
     *         {@code -memberlist.abort-if-join-fails} is set
     */
    void start() throws IOException {
        transport.start();
        String advertiseHost = MemberlistIdentity.advertiseHost(config);
        int advertisePort = config.advertiseAddress().isEmpty() ? transport.port() : config.advertisePort();
        MemberlistMember self = new MemberlistMember(name, advertiseHost, advertisePort, System.currentTimeMillis(), 0, false);
        members = new MemberlistMembers(self, config.deadTimeout(), config.gossipToDeadNodesTime(), System::nanoTime);
        LOG.log(Level.INFO, "memberlist node started name=" + name + " advertise=" + self.address() + " port=" + transport.port() + " cluster_label="
                + config.clusterLabel());
        long gossipMillis = config.gossipInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> safely(this::gossipTick), gossipMillis, Math.max(1, gossipMillis), TimeUnit.MILLISECONDS);
        if (!config.pushPullInterval().isZero()) {
            long pushPullMillis = Math.max(1, config.pushPullInterval().toMillis());
            scheduler.scheduleWithFixedDelay(() -> safely(this::pushPullTick), pushPullMillis, pushPullMillis, TimeUnit.MILLISECONDS);
        }
        joinBackoffNanos = config.minJoinBackoff().toNanos();
        nextJoinNanos = System.nanoTime();
        if (!config.joinMembers().isEmpty()) {
            // Keeps the background join from starting while this one runs.
            joinRunning.set(true);
            try {
                joinOnStart();
            }
            finally {
                joinRunning.set(false);
            }
        }
    }

    String name() {
        return name;
    }

    /** The port listened on (the chosen one with {@code -memberlist.bind-port=0}). */
    int port() {
        return transport.port();
    }

    MemberlistStore store() {
        return store;
    }

    MemberlistMembers members() {
        return members;
    }

    /**
     * Makes a codec known; if it is new and the node has a live member, pulls the full state from one
     * so that the first client of the codec starts from the cluster's values, not from nothing.
     */
    void registerCodec(KvCodec<?> codec) {
        if (!store.register(codec)) {
            return;
        }
        for (MemberlistMember peer : members.randomLive(1)) {
            try {
                pushPull(address(peer));
            }
            catch (IOException | RuntimeException e) {
                LOG.log(Level.INFO, "memberlist could not pull state for a new codec; it arrives with gossip codec=" + codec.id() + " peer="
                        + peer.name() + " err=" + e.getMessage());
            }
        }
    }

    /** Gossips a change made on this node, at once rather than at the next tick. */
    void localChange(KeyValue changed) {
        broadcasts.add(changed, true);
        if (stopping || !flushScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                flushScheduled.set(false);
                safely(() -> gossip(false));
            });
        }
        catch (RejectedExecutionException e) {
            // Stopping: the leave message carries what is queued.
        }
    }

    /** Tells some members that this node leaves (with the changes not yet sent), then stops everything. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        MemberlistMembers current = members;
        if (current != null) {
            leave(current);
        }
        transport.close();
        network.shutdownNow();
        scheduler.shutdownNow();
        store.close();
        LOG.log(Level.INFO, "memberlist node stopped name=" + name);
    }

    private void joinOnStart() throws IOException {
        int attempts = config.abortIfJoinFails() ? config.maxJoinRetries() : 1;
        long backoffNanos = config.minJoinBackoff().toNanos();
        for (int attempt = 1;; attempt++) {
            int reached = joinRound();
            if (reached > 0) {
                joined(reached);
                return;
            }
            if (attempt >= attempts || onlySelfAnswered) {
                break;
            }
            LOG.log(Level.WARNING, "memberlist failed to join the cluster attempt=" + attempt + " max_attempts=" + attempts + " next_try_in="
                    + Durations.format(Duration.ofNanos(backoffNanos)));
            try {
                TimeUnit.NANOSECONDS.sleep(backoffNanos);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while joining the memberlist cluster", e);
            }
            backoffNanos = Math.min(backoffNanos * 2, config.maxJoinBackoff().toNanos());
        }
        // Reaching only this node is a join, as in dskit (the seed of a cluster names itself).
        if (config.abortIfJoinFails() && !onlySelfAnswered) {
            throw new IOException("failed to join the memberlist cluster through -" + MemberlistConfig.JOIN.flag() + "=" + joinList() + " after "
                    + attempts + " attempts, and -" + MemberlistConfig.ABORT_IF_JOIN_FAILS.flag() + " is true");
        }
        nextJoinNanos = System.nanoTime() + config.minJoinBackoff().toNanos();
        if (onlySelfAnswered) {
            reportedAlone = true;
            LOG.log(Level.INFO, "memberlist join list reaches only this node; waiting for others to join it join=" + joinList());
            return;
        }
        LOG.log(Level.WARNING, "memberlist could not join the cluster yet, retrying in the background join=" + joinList() + " next_try_in="
                + Durations.format(config.minJoinBackoff()));
    }

    /** Push-pulls with members of the join list until {@link #JOIN_ENOUGH} other nodes answered. */
    private int joinRound() {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (MemberlistJoinAddress member : config.joinMembers()) {
            try {
                targets.addAll(member.resolve());
            }
            catch (UnknownHostException e) {
                LOG.log(Level.INFO, "memberlist cannot resolve a join member member=" + member);
            }
        }
        Collections.shuffle(targets, ThreadLocalRandom.current());
        int reached = 0;
        int self = 0;
        for (InetSocketAddress target : targets) {
            if (reached >= JOIN_ENOUGH || stopping) {
                break;
            }
            try {
                if (!pushPull(target).sender().equals(name)) {
                    reached++;
                }
                else {
                    self++;
                }
            }
            catch (IOException | RuntimeException e) {
                LOG.log(Level.INFO, "memberlist join attempt failed address=" + target + " err=" + e.getMessage());
            }
        }
        onlySelfAnswered = reached == 0 && self > 0 && self == targets.size();
        return reached;
    }

    private void joined(int reached) {
        if (!joined) {
            LOG.log(Level.INFO, "memberlist joined the cluster reached_nodes=" + reached + " members=" + members.liveCount());
        }
        joined = true;
        joinBackoffNanos = config.minJoinBackoff().toNanos();
        long now = System.nanoTime();
        nextJoinNanos = now;
        nextRejoinNanos = now + config.rejoinInterval().toNanos();
    }

    private void gossipTick() {
        if (stopping) {
            return;
        }
        ticks++;
        boolean heartbeat = ticks % MemberlistConfig.HEARTBEAT_TICKS == 0;
        if (heartbeat) {
            members.heartbeat();
        }
        maybeJoin();
        gossip(heartbeat);
    }

    private void gossip(boolean sendMembers) {
        List<MemberlistMember> targets = members.randomLive(config.gossipNodes());
        if (targets.isEmpty()) {
            // Nobody to tell; whoever joins later gets everything in its push-pull.
            broadcasts.clear();
            return;
        }
        List<KeyValue> values = broadcasts.take(targets.size(), transmitLimit());
        if (values.isEmpty() && !sendMembers) {
            return;
        }
        byte[] message = encode(Type.GOSSIP, values);
        if (message != null) {
            for (MemberlistMember target : targets) {
                sendAsync(target, message, null);
            }
        }
    }

    private void pushPullTick() {
        if (stopping) {
            return;
        }
        List<MemberlistMember> targets = new ArrayList<>(members.randomLive(1));
        MemberlistMember dead = members.randomDead();
        if (dead != null) {
            targets.add(dead);
        }
        for (MemberlistMember target : targets) {
            runAsync(() -> {
                try {
                    pushPull(address(target));
                }
                catch (IOException | RuntimeException e) {
                    if (LOG.isLoggable(Level.DEBUG)) {
                        LOG.log(Level.DEBUG, "memberlist push-pull failed peer=" + target.name() + " err=" + e.getMessage());
                    }
                }
            });
        }
    }

    private void maybeJoin() {
        if (config.joinMembers().isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        boolean due = !joined || members.liveCount() <= 1
                ? now - nextJoinNanos >= 0
                : !config.rejoinInterval().isZero() && now - nextRejoinNanos >= 0;
        if (!due || !joinRunning.compareAndSet(false, true)) {
            return;
        }
        try {
            network.execute(() -> {
                try {
                    int reached = joinRound();
                    if (reached > 0) {
                        joined(reached);
                    }
                    else if (!stopping) {
                        long backoff = joinBackoffNanos;
                        nextJoinNanos = System.nanoTime() + backoff;
                        joinBackoffNanos = Math.min(backoff * 2, config.maxJoinBackoff().toNanos());
                        if (onlySelfAnswered) {
                            // A seed whose join list names only itself: the others join it; nothing is wrong.
                            if (!reportedAlone) {
                                reportedAlone = true;
                                LOG.log(Level.INFO, "memberlist join list reaches only this node; waiting for others to join it join=" + joinList());
                            }
                        }
                        else {
                            LOG.log(Level.WARNING, "memberlist failed to join the cluster join=" + joinList() + " next_try_in="
                                    + Durations.format(Duration.ofNanos(backoff)));
                        }
                    }
                }
                finally {
                    joinRunning.set(false);
                }
            });
        }
        catch (RejectedExecutionException e) {
            joinRunning.set(false);
        }
    }

    /** Full state both ways with {@code target}; returns its reply, already merged. */
    private Message pushPull(InetSocketAddress target) throws IOException {
        byte[] request = MemberlistMessages.encode(message(Type.PUSH_PULL, store.snapshot()));
        metrics.statePushes.increment();
        Message reply = transport.exchange(target, request);
        if (reply.type() != Type.PUSH_PULL_REPLY) {
            throw new InvalidMessageException("expected a push-pull reply, got " + reply.type());
        }
        checkLabel(reply);
        absorb(reply);
        metrics.statePulls.increment();
        return reply;
    }

    /** The transport's handler: what a received message does. */
    private Message handle(Message message, SocketAddress remote) throws IOException {
        checkLabel(message);
        if (members == null) {
            // Not started yet (the port is bound a moment before the member list exists).
            return null;
        }
        return switch (message.type()) {
            case GOSSIP -> {
                metrics.receivedBroadcasts.increment(message.values().size());
                absorb(message);
                yield null;
            }
            case PUSH_PULL -> {
                // Our state as it was before the merge: the sender already has its own part.
                List<KeyValue> ours = store.snapshot();
                absorb(message);
                metrics.statePulls.increment();
                metrics.statePushes.increment();
                yield message(Type.PUSH_PULL_REPLY, ours);
            }
            case PUSH_PULL_REPLY -> throw new InvalidMessageException("unexpected push-pull reply from " + remote);
        };
    }

    private void absorb(Message message) {
        for (MemberlistMember member : message.members()) {
            members.merge(member);
        }
        for (KeyValue value : message.values()) {
            try {
                KeyValue changed = store.merge(value);
                if (changed != null) {
                    broadcasts.add(changed, false);
                }
            }
            catch (IOException | RuntimeException e) {
                // A codec may fail with a runtime exception too (a number that does not parse): same as a bad value.
                metrics.receivedBroadcastsInvalid.increment();
                badValues.warn("memberlist dropped a value it cannot decode sender=" + message.sender() + " key=" + value.key() + " codec="
                        + value.codecId() + " err=" + e.getMessage());
            }
        }
    }

    private void leave(MemberlistMembers current) {
        List<MemberlistMember> targets = current.randomLive(config.gossipNodes() * 3);
        current.leave();
        if (targets.isEmpty()) {
            return;
        }
        byte[] message = encode(Type.GOSSIP, broadcasts.drain());
        if (message == null) {
            return;
        }
        CountDownLatch sent = new CountDownLatch(targets.size());
        for (MemberlistMember target : targets) {
            sendAsync(target, message, sent);
        }
        try {
            if (!sent.await(config.leaveTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "memberlist leave not confirmed by every member within -" + MemberlistConfig.LEAVE_TIMEOUT.flag() + "="
                        + Durations.format(config.leaveTimeout()));
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "memberlist left the cluster name=" + name + " told=" + targets.size());
    }

    private void sendAsync(MemberlistMember target, byte[] message, CountDownLatch done) {
        boolean started = runAsync(() -> {
            try {
                transport.send(address(target), message);
            }
            catch (IOException | RuntimeException e) {
                if (LOG.isLoggable(Level.DEBUG)) {
                    LOG.log(Level.DEBUG, "memberlist gossip failed peer=" + target.name() + " err=" + e.getMessage());
                }
            }
            finally {
                if (done != null) {
                    done.countDown();
                }
            }
        });
        if (!started && done != null) {
            done.countDown();
        }
    }

    /** Runs a network task on a virtual thread unless {@link #MAX_OUTBOUND} are in flight; true if it runs. */
    private boolean runAsync(Runnable task) {
        if (!outbound.tryAcquire()) {
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "memberlist dropped an outbound message: " + MAX_OUTBOUND + " connections in flight");
            }
            return false;
        }
        try {
            network.execute(() -> {
                try {
                    task.run();
                }
                finally {
                    outbound.release();
                }
            });
            return true;
        }
        catch (RejectedExecutionException e) {
            outbound.release();
            return false;
        }
    }

    private Message message(Type type, List<KeyValue> values) {
        return new Message(type, config.clusterLabel(), name, members.gossipList(), values);
    }

    private byte[] encode(Type type, List<KeyValue> values) {
        try {
            return MemberlistMessages.encode(message(type, values));
        }
        catch (InvalidMessageException e) {
            LOG.log(Level.ERROR, "memberlist cannot gossip: " + e.getMessage());
            return null;
        }
    }

    /** memberlist's retransmit limit: {@code retransmit-factor * ceil(log10(members + 1))}. */
    private int transmitLimit() {
        return config.retransmitFactor() * (int) Math.ceil(Math.log10(members.liveCount() + 1));
    }

    private void checkLabel(Message message) throws InvalidMessageException {
        if (!config.clusterLabelVerificationDisabled() && !message.clusterLabel().equals(config.clusterLabel())) {
            throw new InvalidMessageException("cluster label \"" + message.clusterLabel() + "\" of " + message.sender() + " does not match -"
                    + MemberlistConfig.CLUSTER_LABEL.flag() + "=\"" + config.clusterLabel() + "\"");
        }
    }

    private String joinList() {
        return String.join(",", config.joinMembers().stream().map(MemberlistJoinAddress::toString).toList());
    }

    private static InetSocketAddress address(MemberlistMember member) {
        return new InetSocketAddress(member.host(), member.port());
    }

    private static void safely(Runnable task) {
        try {
            task.run();
        }
        catch (RuntimeException e) {
            // A periodic task that throws is never run again; log and keep going.
            LOG.log(Level.ERROR, "memberlist periodic task failed", e);
        }
    }
}
