package mimir.spi.http;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete HTTP response.
 *
 * @param status      the status code
 * @param contentType the {@code Content-Type} header value
 * @param headers     further headers
 * @param body        the body bytes
 */
public record HttpResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String JSON = "application/json";
    public static final String HTML = "text/html; charset=utf-8";
    public static final String YAML = "text/yaml; charset=utf-8";

    public HttpResponse {
        requireNonNull(contentType, "contentType is null");
        headers = Map.copyOf(headers);
        requireNonNull(body, "body is null");
    }

    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, TEXT, Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse ok(String contentType, String body) {
        return new HttpResponse(200, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse json(int status, String json) {
        return new HttpResponse(status, JSON, Map.of(), json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code text} escaped for HTML element content and attribute values ({@code & < > " '}). */
    public static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
