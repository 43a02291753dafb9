package mimir.queryfrontend.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class TestPrometheusResponse {
    private static PrometheusResponse parse(String json) {
        return PrometheusResponse.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(PrometheusResponse response) {
        return new String(response.encode(), StandardCharsets.UTF_8);
    }

    @Test
    void reEncodingKeepsEveryDigitHistogramsAndAnnotations() {
        String json = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"__name__\":\"up\",\"path\":\"/a<b>&c\"},\"values\":[[1700000000,\"1\"],[1700000000.5,\"NaN\"],[1700000001.25,\"+Inf\"],[1700000001.001,\"1e-07\"]]},"
                + "{\"metric\":{\"__name__\":\"h\"},\"histograms\":[[1700000000,{\"count\":\"2\",\"sum\":\"3.5\",\"buckets\":[[0,\"0.5\",\"1\",\"2\"]]}]]}"
                + "]},\"warnings\":[\"w1\"],\"infos\":[\"i1\"]}";
        String expected = json.replace("/a<b>&c", "/a\\u003cb\\u003e\\u0026c");
        assertThat(encode(parse(json))).isEqualTo(expected);
    }

    @Test
    void statsAndUnknownFieldsAreDroppedAndNonMatricesRejected() {
        PrometheusResponse response = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[],\"stats\":{\"timings\":{}}},\"extra\":[1,{}]}");
        assertThat(encode(response)).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
        assertThatThrownBy(() -> parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("{\"status\":")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergeJoinsSeriesByLabelsKeepsABoundaryPointOnceAndSortsSeries() {
        PrometheusResponse first = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"job\":\"b\"},\"values\":[[10,\"1\"],[20,\"2\"]]}]},\"warnings\":[\"w\"]}");
        PrometheusResponse second = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"job\":\"a\"},\"values\":[[30,\"9\"]]},"
                + "{\"metric\":{\"job\":\"b\"},\"values\":[[20,\"2\"],[30,\"3\"]]}]},\"warnings\":[\"w\",\"x\"],\"infos\":[\"i\"]}");
        assertThat(encode(PrometheusResponse.merge(List.of(first, second)))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                        + "{\"metric\":{\"job\":\"a\"},\"values\":[[30,\"9\"]]},"
                        + "{\"metric\":{\"job\":\"b\"},\"values\":[[10,\"1\"],[20,\"2\"],[30,\"3\"]]}]},"
                        + "\"warnings\":[\"w\",\"x\"],\"infos\":[\"i\"]}");
    }

    @Test
    void sliceKeepsPointsInTheRangeAndDropsEmptySeries() {
        PrometheusResponse response = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"job\":\"a\"},\"values\":[[1,\"1\"],[2,\"2\"],[3,\"3\"]]},{\"metric\":{\"job\":\"b\"},\"values\":[[5,\"5\"]]}]}}");
        assertThat(encode(response.slice(2000, 3000))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"job\":\"a\"},\"values\":[[2,\"2\"],[3,\"3\"]]}]}}");
    }

    @Test
    void timestampsAreWrittenAsPrometheusWritesThem() {
        assertThat(timestamp(1_700_000_000_000L)).isEqualTo("1700000000");
        assertThat(timestamp(1_700_000_000_500L)).isEqualTo("1700000000.5");
        assertThat(timestamp(1_700_000_000_050L)).isEqualTo("1700000000.05");
        assertThat(timestamp(1_700_000_000_001L)).isEqualTo("1700000000.001");
        assertThat(timestamp(-1_500L)).isEqualTo("-1.5");
        assertThat(timestamp(0)).isEqualTo("0");
        assertThat(PrometheusResponse.parseTimestamp("1700000000.05")).isEqualTo(1_700_000_000_050L);
        assertThat(PrometheusResponse.parseTimestamp("-1.5")).isEqualTo(-1_500L);
        assertThat(PrometheusResponse.parseTimestamp("1.7e9")).isEqualTo(1_700_000_000_000L);
    }

    private static String timestamp(long millis) {
        StringBuilder out = new StringBuilder();
        PrometheusResponse.appendTimestamp(out, millis);
        return out.toString();
    }
}
