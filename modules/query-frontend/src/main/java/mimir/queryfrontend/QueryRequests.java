package mimir.queryfrontend;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.spi.config.Durations;
import mimir.spi.http.HttpRequest;

/** Parses the Prometheus API's time and duration parameters with Prometheus's messages. */
final class QueryRequests {
    /** Prometheus's limit of points per series of a range query. */
    static final long MAX_POINTS = 11_000;

    private QueryRequests() {}

    /** A parsed {@code query_range} request; times and step in milliseconds. */
    record RangeQuery(String query, long start, long end, long step) {
        RangeQuery {
            if (step <= 0) {
                throw new IllegalArgumentException("step must be positive");
            }
        }

        RangeQuery withRange(long newStart, long newEnd) {
            return new RangeQuery(query, newStart, newEnd, step);
        }
    }

    static RangeQuery parseRange(HttpRequest request) {
        String query = request.param("query").orElse("");
        long start = parseTime(request.param("start"), "start");
        long end = parseTime(request.param("end"), "end");
        if (end < start) {
            throw new BadRequestException("end timestamp must not be before start time");
        }
        long step = parseDuration(request.param("step"), "step");
        if (step <= 0) {
            throw new BadRequestException("zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if ((end - start) / step > MAX_POINTS) {
            throw new BadRequestException("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }
        return new RangeQuery(query, start, end, step);
    }

    /** The request for one part of a range query: the original parameters with start, end and step replaced. */
    static HttpRequest rangeRequest(HttpRequest original, String tenant, RangeQuery query) {
        Map<String, List<String>> params = new HashMap<>(original.queryParams());
        params.put("query", List.of(query.query()));
        params.put("start", List.of(formatSeconds(query.start())));
        params.put("end", List.of(formatSeconds(query.end())));
        params.put("step", List.of(formatSeconds(query.step())));
        // Form parameters are already merged into the query parameters, so the part is a plain GET.
        Map<String, List<String>> headers = new HashMap<>(original.headers());
        headers.remove("content-type");
        headers.remove("content-length");
        return new HttpRequest("GET", original.path(), params, headers, new byte[0], Optional.of(tenant));
    }

    /** The parameters other than query, start, end and step, sorted, for cache keys. */
    static String otherParams(HttpRequest request) {
        return sortedParams(request, List.of("query", "start", "end", "step"));
    }

    /** Every parameter, sorted by name, for keys of whole-response cache entries. */
    static String sortedParams(HttpRequest request) {
        return sortedParams(request, List.of());
    }

    private static String sortedParams(HttpRequest request, List<String> excluded) {
        List<String> names = new ArrayList<>(request.queryParams().keySet());
        names.removeAll(excluded);
        names.sort(null);
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            out.append(name).append('=').append(request.queryParams().get(name)).append('&');
        }
        return out.toString();
    }

    static String formatSeconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    static long parseTime(Optional<String> value, String name) {
        if (value.isEmpty() || value.get().isEmpty()) {
            throw new BadRequestException("invalid parameter \"" + name + "\": cannot parse \"\" to a valid timestamp");
        }
        String text = value.get();
        try {
            return new BigDecimal(text).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        }
        catch (NumberFormatException | ArithmeticException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            }
            catch (DateTimeParseException | ArithmeticException e2) {
                throw new BadRequestException("invalid parameter \"" + name + "\": cannot parse \"" + text + "\" to a valid timestamp");
            }
        }
    }

    static long parseDuration(Optional<String> value, String name) {
        String text = value.orElse("");
        try {
            BigDecimal seconds = new BigDecimal(text);
            return seconds.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        }
        catch (NumberFormatException | ArithmeticException e) {
            try {
                return Durations.parse(text).toMillis();
            }
            catch (IllegalArgumentException e2) {
                throw new BadRequestException("invalid parameter \"" + name + "\": cannot parse \"" + text + "\" to a valid duration");
            }
        }
    }

    /** A request the client got wrong: a 400 with Prometheus's {@code bad_data} error JSON. */
    static final class BadRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequestException(String message) {
            super(message);
        }
    }
}
