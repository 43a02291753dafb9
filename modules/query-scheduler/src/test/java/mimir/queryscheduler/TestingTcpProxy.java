package mimir.queryscheduler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, so that a test can break every connection through it
 * the way a network failure does (both ends see their connection drop), while new connections keep
 * working.
 */
final class TestingTcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    TestingTcpProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("tcp-proxy-accept").start(this::accept);
    }

    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(server);
                Thread.ofVirtual().start(() -> pump(client, server));
                Thread.ofVirtual().start(() -> pump(server, client));
            }
            catch (IOException e) {
                // Closed, or the target refused: the client sees its connection fail.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        }
        catch (IOException e) {
            // One side is gone: close both below.
        }
        finally {
            close(from);
            close(to);
        }
    }

    /** Drops every connection through the proxy; new ones are accepted as before. */
    void breakConnections() {
        for (Socket socket : List.copyOf(sockets)) {
            close(socket);
        }
    }

    private void close(Socket socket) {
        sockets.remove(socket);
        try {
            socket.setSoLinger(true, 0); // a reset, as when a peer dies
        }
        catch (IOException e) {
            // Already closed.
        }
        try {
            socket.close();
        }
        catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        breakConnections();
        acceptor.join(5_000);
    }
}
