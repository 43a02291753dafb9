package mimir.core.server;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * The Netty HTTP/1.1 server on {@code -server.http-listen-address}:{@code -server.http-listen-port}.
 * Netty's event loops only parse and write; handlers run on virtual threads, so a slow handler never
 * stalls other connections.
 */
public final class HttpServer {
    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

    private final ServerConfig config;
    private final RouteTable routes;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ExecutorService handlerExecutor;
    private Channel channel;

    public HttpServer(ServerConfig config, RouteTable routes) {
        this.config = requireNonNull(config, "config is null");
        this.routes = requireNonNull(routes, "routes is null");
    }

    /** Binds the port; throws if it is taken. */
    public synchronized void start() throws InterruptedException {
        bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()), NioIoHandler.newFactory());
        handlerExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-handler-", 0).factory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpServerExpectContinueHandler())
                                .addLast(new HttpObjectAggregator(config.httpMaxRequestBytes()))
                                .addLast(new Dispatcher());
                    }
                });
        InetSocketAddress address = config.httpListenAddress().isEmpty()
                ? new InetSocketAddress(config.httpListenPort())
                : new InetSocketAddress(config.httpListenAddress(), config.httpListenPort());
        try {
            channel = bootstrap.bind(address).sync().channel();
        }
        catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot listen for HTTP on " + address + " (-server.http-listen-address, -server.http-listen-port): " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "http server listening addr=" + channel.localAddress());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting connections and waits for in-flight requests up to a short grace period. */
    public synchronized void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        if (handlerExecutor != null) {
            handlerExecutor.shutdown();
            try {
                handlerExecutor.awaitTermination(config.gracefulShutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup = null;
            workerGroup = null;
        }
    }

    private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                write(ctx, false, HttpResponse.text(400, "malformed HTTP request\n"));
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpRequest converted = convert(request);
            handlerExecutor.execute(() -> write(ctx, keepAlive, routes.dispatch(converted)));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
                write(ctx, false, HttpResponse.text(413, "request body too large: limit is " + config.httpMaxRequestBytes()
                        + " bytes (-server.http-max-request-size-bytes)\n"));
                return;
            }
            LOG.log(Level.DEBUG, "http connection error remote=" + ctx.channel().remoteAddress() + " err=\"" + cause + "\"");
            ctx.close();
        }
    }

    private static HttpRequest convert(FullHttpRequest request) {
        QueryStringDecoder decoder = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
        Map<String, List<String>> params = new LinkedHashMap<>(decoder.parameters());
        Map<String, List<String>> headers = new HashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (contentType.startsWith("application/x-www-form-urlencoded") && body.length > 0) {
            QueryStringDecoder form = new QueryStringDecoder(new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false);
            form.parameters().forEach((k, v) -> params.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        return new HttpRequest(request.method().name(), decoder.path(), params, headers, body, Optional.empty());
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponse response) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                Unpooled.wrappedBuffer(response.body()));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        if (keepAlive) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(out);
        }
        else {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
