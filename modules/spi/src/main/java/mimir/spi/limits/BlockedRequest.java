package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One entry of the {@code blocked_requests} limit: HTTP requests that match every given part are
 * rejected. An empty part matches everything.
 *
 * @param path        the path to match, including the leading slash; empty matches all paths
 * @param method      the HTTP method to match; empty matches all methods
 * @param queryParams query parameters a request must all carry to match, in file order
 */
public record BlockedRequest(String path, String method, Map<String, QueryParam> queryParams) {
    private static final Set<String> FIELDS = Set.of("path", "method", "query_params");
    private static final Set<String> PARAM_FIELDS = Set.of("value", "is_regexp");

    /**
     * The value one query parameter must have.
     *
     * @param value    the value, literally or as a regular expression
     * @param isRegexp true if {@code value} is a regular expression
     */
    public record QueryParam(String value, boolean isRegexp) {
        public QueryParam {
            requireNonNull(value, "value is null");
        }
    }

    public BlockedRequest {
        requireNonNull(path, "path is null");
        requireNonNull(method, "method is null");
        // Copied keeping file order, so /runtime_config prints the parameters as they were written.
        queryParams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(queryParams, "queryParams is null")));
    }

    static BlockedRequest fromYaml(Object node, String context) {
        YamlFields fields = YamlFields.of(node, context, FIELDS);
        Map<String, QueryParam> params = new LinkedHashMap<>();
        fields.mapping("query_params").forEach((name, paramNode) -> {
            YamlFields param = YamlFields.of(paramNode, fields.context("query_params") + "." + name, PARAM_FIELDS);
            params.put(name, new QueryParam(param.string("value", ""), param.bool("is_regexp", false)));
        });
        return new BlockedRequest(fields.string("path", ""), fields.string("method", ""), params);
    }

    Map<String, Object> toYaml() {
        // Mimir omits every empty field of a blocked request.
        Map<String, Object> out = new LinkedHashMap<>();
        if (!path.isEmpty()) {
            out.put("path", path);
        }
        if (!method.isEmpty()) {
            out.put("method", method);
        }
        if (!queryParams.isEmpty()) {
            Map<String, Object> params = new LinkedHashMap<>();
            queryParams.forEach((name, param) -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("value", param.value());
                if (param.isRegexp()) {
                    p.put("is_regexp", true);
                }
                params.put(name, p);
            });
            out.put("query_params", params);
        }
        return out;
    }
}
