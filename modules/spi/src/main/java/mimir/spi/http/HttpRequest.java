package mimir.spi.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as handlers see it: fully read, decoded query parameters, lower-cased header names.
 *
 * @param method      upper-case method, e.g. {@code GET}
 * @param path        the decoded path without the query string
 * @param queryParams decoded query parameters (form parameters of a
 *                    {@code application/x-www-form-urlencoded} POST body are merged in)
 * @param headers     header values by lower-case header name
 * @param body        the request body, empty if none
 * @param tenant      the tenant resolved from {@code X-Scope-OrgID} for routes registered with
 *                    {@link HttpRoutes.Auth#TENANT}; empty otherwise
 */
public record HttpRequest(
        String method,
        String path,
        Map<String, List<String>> queryParams,
        Map<String, List<String>> headers,
        byte[] body,
        Optional<String> tenant) {

    public HttpRequest {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        queryParams = Map.copyOf(queryParams);
        headers = Map.copyOf(headers);
        requireNonNull(body, "body is null");
        requireNonNull(tenant, "tenant is null");
    }

    /** The first value of a query parameter. */
    public Optional<String> param(String name) {
        List<String> values = queryParams.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The first value of a header, looked up case-insensitively. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The tenant of a {@link HttpRoutes.Auth#TENANT} route. */
    public String requireTenant() {
        return tenant.orElseThrow(() -> new IllegalStateException("route was not registered with Auth.TENANT"));
    }
}
