package mimir.spi.http;

/**
 * Handles one HTTP request. Handlers run on virtual threads, never on network event loops, so they
 * may block. A handler that throws {@link HttpException} produces that status and message; any other
 * exception produces a 500 and is logged.
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
