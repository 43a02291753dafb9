package mimir.queryfrontend.cache.memcached;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheOpcodes;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheResponseStatus;
import io.netty.handler.codec.memcache.binary.DefaultFullBinaryMemcacheRequest;
import io.netty.handler.codec.memcache.binary.FullBinaryMemcacheRequest;
import io.netty.handler.codec.memcache.binary.FullBinaryMemcacheResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One connection to one memcached server, speaking the binary protocol, one request at a time: a
 * connection is either idle in its server's pool or owned by the thread running a request. A request
 * that times out closes the connection, since its answer may still arrive.
 */
final class MemcachedConnection {
    private final Channel channel;
    private final Handler handler;

    MemcachedConnection(Channel channel) {
        this.channel = requireNonNull(channel, "channel is null");
        this.handler = requireNonNull(channel.pipeline().get(Handler.class), "the channel has no memcached handler");
    }

    boolean isActive() {
        return channel.isActive();
    }

    void close() {
        channel.close();
    }

    /**
     * The values of {@code keys} that the server has: one quiet get per key ({@code GETKQ}, answered
     * only on a hit) and a {@code NOOP} whose answer ends the batch.
     */
    Map<String, byte[]> getMulti(List<String> keys, long timeoutNanos) throws MemcachedException, InterruptedException {
        Request request = new Request(BinaryMemcacheOpcodes.NOOP);
        for (String key : keys) {
            FullBinaryMemcacheRequest get = new DefaultFullBinaryMemcacheRequest(key(key), Unpooled.EMPTY_BUFFER);
            get.setOpcode(BinaryMemcacheOpcodes.GETKQ);
            request.messages.add(get);
        }
        FullBinaryMemcacheRequest noop = new DefaultFullBinaryMemcacheRequest(Unpooled.EMPTY_BUFFER, Unpooled.EMPTY_BUFFER);
        noop.setOpcode(BinaryMemcacheOpcodes.NOOP);
        request.messages.add(noop);
        return run(request, timeoutNanos);
    }

    /** Stores {@code value} under {@code key}; {@code expiration} is memcached's (seconds, or a Unix time past 30 days). */
    void set(String key, byte[] value, int expiration, long timeoutNanos) throws MemcachedException, InterruptedException {
        ByteBuf extras = Unpooled.buffer(8).writeInt(0).writeInt(expiration);
        FullBinaryMemcacheRequest set = new DefaultFullBinaryMemcacheRequest(key(key), extras, Unpooled.wrappedBuffer(value));
        set.setOpcode(BinaryMemcacheOpcodes.SET);
        Request request = new Request(BinaryMemcacheOpcodes.SET);
        request.messages.add(set);
        run(request, timeoutNanos);
    }

    private static ByteBuf key(String key) {
        return Unpooled.wrappedBuffer(key.getBytes(StandardCharsets.US_ASCII));
    }

    private Map<String, byte[]> run(Request request, long timeoutNanos) throws MemcachedException, InterruptedException {
        handler.begin(request);
        for (FullBinaryMemcacheRequest message : request.messages) {
            channel.write(message).addListener(written -> {
                if (!written.isSuccess()) {
                    request.completeExceptionally(written.cause());
                }
            });
        }
        channel.flush();
        try {
            return request.get(timeoutNanos, TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException e) {
            channel.close();
            throw new MemcachedException("request-timeout", "no answer from " + channel.remoteAddress() + " within the timeout");
        }
        catch (ExecutionException e) {
            channel.close();
            Throwable cause = e.getCause();
            if (cause instanceof MemcachedException failure) {
                throw failure;
            }
            throw new MemcachedException("network-error", "request to " + channel.remoteAddress() + " failed: " + cause, cause);
        }
        catch (InterruptedException e) {
            channel.close();
            throw e;
        }
        finally {
            handler.end(request);
        }
    }

    /** A request in flight: the messages sent, the hits collected, done when the answer to {@code endOpcode} comes. */
    private static final class Request extends CompletableFuture<Map<String, byte[]>> {
        final byte endOpcode;
        final List<FullBinaryMemcacheRequest> messages = new java.util.ArrayList<>();
        final Map<String, byte[]> hits = new HashMap<>();

        Request(byte endOpcode) {
            this.endOpcode = endOpcode;
        }
    }

    /** The pipeline's last handler: hands each response to the request in flight. */
    static final class Handler extends SimpleChannelInboundHandler<FullBinaryMemcacheResponse> {
        private Request current;

        synchronized void begin(Request request) {
            current = request;
        }

        synchronized void end(Request request) {
            if (current == request) {
                current = null;
            }
        }

        @Override
        protected synchronized void channelRead0(ChannelHandlerContext context, FullBinaryMemcacheResponse response) {
            Request request = current;
            if (request == null) {
                // An answer nobody waits for (its request timed out): the connection is closing.
                return;
            }
            short status = response.status();
            byte opcode = response.opcode();
            if (opcode == BinaryMemcacheOpcodes.GETKQ || opcode == BinaryMemcacheOpcodes.GETK) {
                if (status == BinaryMemcacheResponseStatus.SUCCESS) {
                    request.hits.put(response.key().toString(StandardCharsets.US_ASCII), ByteBufUtil.getBytes(response.content()));
                }
                return;
            }
            if (status != BinaryMemcacheResponseStatus.SUCCESS) {
                request.completeExceptionally(new MemcachedException("server-error", "memcached answered status 0x" + Integer.toHexString(status & 0xFFFF)
                        + " (" + response.content().toString(StandardCharsets.US_ASCII) + ") to opcode 0x" + Integer.toHexString(opcode & 0xFF)));
                return;
            }
            if (opcode == request.endOpcode) {
                request.complete(request.hits);
            }
        }

        @Override
        public synchronized void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (current != null) {
                current.completeExceptionally(new MemcachedException("network-error", "connection to " + context.channel().remoteAddress() + " failed: " + cause, cause));
            }
            context.close();
        }

        @Override
        public synchronized void channelInactive(ChannelHandlerContext context) throws Exception {
            if (current != null) {
                current.completeExceptionally(new MemcachedException("network-error", "connection to " + context.channel().remoteAddress() + " closed"));
            }
            super.channelInactive(context);
        }
    }
}
