package mimir.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scrape target on a loopback port serving Prometheus text exposition whose values are a function
 * of how often it was scraped: counters, a gauge, a classic histogram and a summary, with help and type
 * metadata, so Prometheus has the same data to answer from as the store it remote-writes to.
 */
final class ScrapeTarget implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger scrapes = new AtomicInteger();

    ScrapeTarget() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = exposition(scrapes.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    int scrapes() {
        return scrapes.get();
    }

    static String exposition(int n) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP it_requests_total Requests served, by code.\n# TYPE it_requests_total counter\n");
        out.append("it_requests_total{code=\"200\",handler=\"/api\"} ").append(n * 7).append('\n');
        out.append("it_requests_total{code=\"500\",handler=\"/api\"} ").append(n / 3).append('\n');
        out.append("it_requests_total{code=\"200\",handler=\"/ui\"} ").append(n * n).append('\n');
        out.append("# HELP it_temperature_celsius Room temperature.\n# TYPE it_temperature_celsius gauge\n");
        out.append("it_temperature_celsius{room=\"a\"} ").append(20 + (n % 5) * 0.25).append('\n');
        out.append("it_temperature_celsius{room=\"b\"} ").append(-3 + (n % 7) * 0.5).append('\n');
        out.append("# HELP it_latency_seconds Request latency.\n# TYPE it_latency_seconds histogram\n");
        long b1 = 2L * n;
        long b2 = b1 + n;
        long b3 = b2 + (n / 2);
        out.append("it_latency_seconds_bucket{le=\"0.1\"} ").append(b1).append('\n');
        out.append("it_latency_seconds_bucket{le=\"0.5\"} ").append(b2).append('\n');
        out.append("it_latency_seconds_bucket{le=\"2.5\"} ").append(b3).append('\n');
        out.append("it_latency_seconds_bucket{le=\"+Inf\"} ").append(b3 + 1).append('\n');
        out.append("it_latency_seconds_sum ").append(0.05 * b1 + 0.3 * n + 1.2 * (n / 2) + 4).append('\n');
        out.append("it_latency_seconds_count ").append(b3 + 1).append('\n');
        out.append("# HELP it_rpc_seconds RPC durations.\n# TYPE it_rpc_seconds summary\n");
        out.append("it_rpc_seconds{quantile=\"0.5\"} ").append(0.01 * (n % 10 + 1)).append('\n');
        out.append("it_rpc_seconds{quantile=\"0.99\"} ").append(0.1 * (n % 10 + 1)).append('\n');
        out.append("it_rpc_seconds_sum ").append(0.02 * n).append('\n');
        out.append("it_rpc_seconds_count ").append(n).append('\n');
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
