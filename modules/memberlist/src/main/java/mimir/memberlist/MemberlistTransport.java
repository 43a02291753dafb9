package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import mimir.memberlist.MemberlistMessages.InvalidMessageException;
import mimir.memberlist.MemberlistMessages.Message;

/**
 * Messages over plain TCP, one connection per message as in dskit's TCP transport: a gossip message
 * is connect, write, close; a push-pull is connect, write the request, read the reply, close.
 *
 * <p>Nothing a peer does can hold a thread for long or make the node allocate much: every socket read
 * times out after {@code -memberlist.stream-timeout}, a watchdog closes any connection still open five
 * stream timeouts after it started (a peer trickling one byte per timeout), at most
 * {@link #MAX_INBOUND_CONNECTIONS} connections are served at once (more are closed on accept), and
 * messages are checked as {@link MemberlistMessages#read} describes. A rejected connection is closed
 * and logged in one line, at most one line a second.
 *
 * <p>Threads: one named daemon accept thread per bound address; connections are served on virtual
 * threads, which are daemons.
 */
final class MemberlistTransport implements AutoCloseable {
    /** How many inbound connections are served at once. */
    static final int MAX_INBOUND_CONNECTIONS = 64;

    private static final System.Logger LOG = System.getLogger(MemberlistTransport.class.getName());

    /** What the node does with a received message. */
    interface Handler {
        /**
         * Handles a request and returns the reply to write back, or null if none is due (gossip).
         *
         * @throws InvalidMessageException if the message is not acceptable (label, type)
         */
        Message handle(Message message, SocketAddress remote) throws IOException;
    }

    private final List<String> bindAddresses;
    private final int requestedPort;
    private final int streamTimeoutMillis;
    private final int dialTimeoutMillis;
    private final long connectionDeadlineMillis;
    private final long sendDeadlineMillis;
    private final Handler handler;
    private final ScheduledExecutorService timer;
    private final MemberlistMetrics metrics;
    private final MemberlistLogLimiter rejections = new MemberlistLogLimiter(LOG, System::nanoTime);
    private final Semaphore inbound = new Semaphore(MAX_INBOUND_CONNECTIONS);
    private final ExecutorService connections = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("memberlist-conn-", 0).factory());
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final List<Thread> acceptThreads = new ArrayList<>();
    private volatile boolean closed;
    private int port;

    /**
     * @param bindAddresses {@code -memberlist.bind-addr}; empty binds every interface
     * @param port          {@code -memberlist.bind-port}; 0 picks a free port, shared by all addresses
     * @param timer         runs the watchdogs; its tasks must never block
     */
    MemberlistTransport(List<String> bindAddresses, int port, Duration streamTimeout, Duration dialTimeout, Duration writeTimeout, Handler handler,
            ScheduledExecutorService timer, MemberlistMetrics metrics) {
        this.bindAddresses = List.copyOf(bindAddresses);
        this.requestedPort = port;
        this.streamTimeoutMillis = Math.toIntExact(Math.max(1, streamTimeout.toMillis()));
        this.dialTimeoutMillis = Math.toIntExact(Math.max(1, dialTimeout.toMillis()));
        this.connectionDeadlineMillis = 5L * streamTimeoutMillis;
        this.sendDeadlineMillis = dialTimeoutMillis + Math.max(1, writeTimeout.toMillis());
        this.handler = requireNonNull(handler, "handler is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /**
     * Binds the listening sockets and starts accepting.
     *
     * @throws IOException naming the address if one cannot be bound
     */
    synchronized void start() throws IOException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        if (bindAddresses.isEmpty()) {
            addresses.add(new InetSocketAddress(requestedPort));
        }
        else {
            for (String address : bindAddresses) {
                addresses.add(new InetSocketAddress(InetAddress.getByName(address), requestedPort));
            }
        }
        int bound = requestedPort;
        for (InetSocketAddress address : addresses) {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            InetSocketAddress target = new InetSocketAddress(address.getAddress(), bound);
            try {
                listener.bind(target, 128);
            }
            catch (IOException e) {
                listener.close();
                close();
                throw new IOException("cannot listen for memberlist on " + target + " (-" + MemberlistConfig.BIND_ADDR.flag() + ", -"
                        + MemberlistConfig.BIND_PORT.flag() + "): " + e.getMessage(), e);
            }
            // With port 0 the first socket picks the port and the others use the same.
            bound = listener.getLocalPort();
            listeners.add(listener);
        }
        port = bound;
        for (ServerSocket listener : listeners) {
            Thread thread = Thread.ofPlatform().daemon().name("memberlist-accept-" + listener.getLocalSocketAddress())
                    .unstarted(() -> accept(listener));
            acceptThreads.add(thread);
            thread.start();
        }
    }

    /** The port listened on. */
    synchronized int port() {
        return port;
    }

    /** Sends a one-way message; bounded by {@code packet-dial-timeout + packet-write-timeout}. */
    void send(InetSocketAddress target, byte[] message) throws IOException {
        try (Socket socket = new Socket()) {
            ScheduledFuture<?> watchdog = timer.schedule(() -> closeQuietly(socket), sendDeadlineMillis, TimeUnit.MILLISECONDS);
            try {
                socket.connect(target, dialTimeoutMillis);
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                out.write(message);
                out.flush();
            }
            finally {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * Sends a request and reads the reply; bounded by five stream timeouts.
     *
     * @throws InvalidMessageException if the reply is not a valid message
     */
    Message exchange(InetSocketAddress target, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            ScheduledFuture<?> watchdog = timer.schedule(() -> closeQuietly(socket), connectionDeadlineMillis, TimeUnit.MILLISECONDS);
            try {
                socket.connect(target, streamTimeoutMillis);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(streamTimeoutMillis);
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                return MemberlistMessages.read(new BufferedInputStream(socket.getInputStream()));
            }
            finally {
                watchdog.cancel(false);
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ServerSocket listener : listeners) {
            closeQuietly(listener);
        }
        connections.shutdownNow();
        for (Thread thread : acceptThreads) {
            try {
                thread.join(1_000);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private void accept(ServerSocket listener) {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            }
            catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "memberlist accept failed address=" + listener.getLocalSocketAddress() + " err=" + e.getMessage());
                }
                continue;
            }
            if (!inbound.tryAcquire()) {
                rejections.warn("memberlist rejected a connection remote=" + socket.getRemoteSocketAddress() + ": more than "
                        + MAX_INBOUND_CONNECTIONS + " connections at once");
                closeQuietly(socket);
                continue;
            }
            try {
                connections.execute(() -> {
                    try {
                        serve(socket);
                    }
                    finally {
                        inbound.release();
                    }
                });
            }
            catch (RuntimeException e) {
                // Rejected because the transport is closing.
                inbound.release();
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        SocketAddress remote = socket.getRemoteSocketAddress();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> watchdog;
        try {
            watchdog = timer.schedule(() -> {
                expired.set(true);
                closeQuietly(socket);
            }, connectionDeadlineMillis, TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException e) {
            // The node is stopping.
            closeQuietly(socket);
            return;
        }
        try (socket) {
            socket.setSoTimeout(streamTimeoutMillis);
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Message request = MemberlistMessages.read(in);
            Message reply = handler.handle(request, remote);
            if (reply != null) {
                OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                out.write(MemberlistMessages.encode(reply));
                out.flush();
            }
        }
        catch (InvalidMessageException e) {
            metrics.unknownConnections.increment();
            rejections.warn("memberlist rejected a connection remote=" + remote + ": " + e.getMessage());
        }
        catch (SocketTimeoutException e) {
            metrics.unknownConnections.increment();
            rejections.warn("memberlist rejected a connection remote=" + remote + ": no complete message within -"
                    + MemberlistConfig.STREAM_TIMEOUT.flag() + "=" + streamTimeoutMillis + "ms");
        }
        catch (EOFException e) {
            // Port probes (a Kubernetes TCP check) connect and close without a word: not worth a warning.
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "memberlist connection closed before a complete message remote=" + remote);
            }
        }
        catch (IOException e) {
            if (expired.get()) {
                metrics.unknownConnections.increment();
                rejections.warn("memberlist rejected a connection remote=" + remote + ": no complete message within " + connectionDeadlineMillis
                        + "ms (five times -" + MemberlistConfig.STREAM_TIMEOUT.flag() + ")");
            }
            else if (!closed && LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "memberlist connection failed remote=" + remote + " err=" + e.getMessage());
            }
        }
        catch (RuntimeException e) {
            LOG.log(Level.WARNING, "memberlist failed to handle a message remote=" + remote, e);
        }
        finally {
            watchdog.cancel(false);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception e) {
            // Closing to end a connection or listener; nothing useful to do with a failure.
        }
    }
}
