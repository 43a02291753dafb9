package mimir.queryfrontend;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * What the fake querier answers: a range query over a fixed function of time. Query {@code up} has two
 * series, {@code {__name__="up",job="a"}} with value {@code t/60} (t in seconds) and {@code job="b"} with
 * {@code t/60 + 0.5}; tenant {@code tenant-b} sees values one million higher, so a result served to the
 * wrong tenant shows. Query {@code warn} is {@code up} plus a warning naming the day of the request's start
 * and a warning common to all requests. {@code flaky} fails with 500 the first two times, {@code bad} is a
 * 422, {@code nostore} comes with {@code Cache-Control: no-store}. Every request is recorded.
 */
final class TestingQuerierModel {
    /** A request the querier got: tenant, path and the range in milliseconds (zero for non-range requests). */
    record Received(String tenant, String path, String query, long start, long end, long step) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger flakyFailures = new AtomicInteger();

    HttpResponse answer(String tenant, HttpRequest request) {
        String path = request.path();
        if (!path.endsWith("/query_range")) {
            received.add(new Received(tenant, path, request.param("query").orElse(""), 0, 0, 0));
            if (path.endsWith("/query")) {
                return HttpResponse.json(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
            }
            return HttpResponse.json(200, "{\"status\":\"success\",\"data\":[\"" + path.substring(path.lastIndexOf('/') + 1) + "\"]}");
        }
        long start = millis(request.param("start").orElseThrow());
        long end = millis(request.param("end").orElseThrow());
        long step = millis(request.param("step").orElseThrow());
        String query = request.param("query").orElseThrow();
        received.add(new Received(tenant, path, query, start, end, step));
        return switch (query) {
            case "flaky" -> flakyFailures.getAndIncrement() < 2
                    ? HttpResponse.json(500, "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"flaky\"}")
                    : HttpResponse.json(200, matrix(tenant, start, end, step, List.of()));
            case "nostore" -> new HttpResponse(200, HttpResponse.JSON, Map.of("cache-control", "no-store"),
                    matrix(tenant, start, end, step, List.of()).getBytes(StandardCharsets.UTF_8));
            case "bad" -> HttpResponse.json(422, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"bad query\"}");
            case "warn" -> HttpResponse.json(200, matrix(tenant, start, end, step,
                    List.of("day " + Math.floorDiv(start, 86_400_000L), "common warning")));
            default -> HttpResponse.json(200, matrix(tenant, start, end, step, List.of()));
        };
    }

    /** The response the querier gives for the whole range at once, the reference a split query must equal. */
    static String matrix(String tenant, long start, long end, long step, List<String> warnings) {
        long offset = tenant.equals("tenant-b") ? 1_000_000 : 0;
        StringBuilder out = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
        String[] jobs = {"a", "b"};
        for (int j = 0; j < jobs.length; j++) {
            if (j > 0) {
                out.append(',');
            }
            out.append("{\"metric\":{\"__name__\":\"up\",\"job\":\"").append(jobs[j]).append("\"},\"values\":[");
            for (long t = start; t <= end; t += step) {
                if (t > start) {
                    out.append(',');
                }
                String value = j == 0 ? String.valueOf(t / 60_000 + offset) : (t / 60_000 + offset) + ".5";
                out.append('[').append(QueryRequests.formatSeconds(t)).append(",\"").append(value).append("\"]");
            }
            out.append("]}");
        }
        out.append("]}");
        if (!warnings.isEmpty()) {
            out.append(",\"warnings\":[");
            for (int i = 0; i < warnings.size(); i++) {
                out.append(i > 0 ? "," : "").append('"').append(warnings.get(i)).append('"');
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    static String body(HttpResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static long millis(String seconds) {
        return new BigDecimal(seconds).movePointRight(3).longValueExact();
    }

    List<Received> rangeRequests() {
        return received.stream().filter(r -> r.path().endsWith("/query_range")).toList();
    }
}
