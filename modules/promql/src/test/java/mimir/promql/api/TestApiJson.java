package mimir.promql.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mimir.model.Labels;
import mimir.promql.value.Sample;
import mimir.promql.value.Series;
import mimir.promql.value.Value;
import org.junit.jupiter.api.Test;

class TestApiJson {
    @Test
    void sampleValuesUseGoShortestWithExponentOutsidePlainRange() {
        assertThat(PromFormat.sampleValue(1)).isEqualTo("1");
        assertThat(PromFormat.sampleValue(8.5)).isEqualTo("8.5");
        assertThat(PromFormat.sampleValue(0.12083333333333333)).isEqualTo("0.12083333333333333");
        assertThat(PromFormat.sampleValue(1e-7)).isEqualTo("1e-07");
        assertThat(PromFormat.sampleValue(-2.5e-9)).isEqualTo("-2.5e-09");
        assertThat(PromFormat.sampleValue(1e21)).isEqualTo("1e+21");
        assertThat(PromFormat.sampleValue(1.5e300)).isEqualTo("1.5e+300");
        assertThat(PromFormat.sampleValue(1e-6)).isEqualTo("0.000001");
        assertThat(PromFormat.sampleValue(123456789012345678901.0)).isEqualTo("123456789012345680000");
        assertThat(PromFormat.sampleValue(0)).isEqualTo("0");
        assertThat(PromFormat.sampleValue(-0.0)).isEqualTo("-0");
        assertThat(PromFormat.sampleValue(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PromFormat.sampleValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(PromFormat.sampleValue(Double.NaN)).isEqualTo("NaN");
        assertThat(PromFormat.sampleValue(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    }

    @Test
    void scalarsArePlainAlways() {
        assertThat(PromFormat.scalarValue(1e-7)).isEqualTo("0.0000001");
        assertThat(PromFormat.scalarValue(1e21)).isEqualTo("1000000000000000000000");
        assertThat(PromFormat.scalarValue(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void timestampsHaveMillisecondPrecision() {
        StringBuilder out = new StringBuilder();
        for (long t : new long[] {1700000120000L, 1700000120500L, 1700000120050L, 1700000120007L, -1500L, -500L, 0L}) {
            PromFormat.appendPointTimestamp(out, t);
            out.append(' ');
        }
        assertThat(out.toString()).isEqualTo("1700000120 1700000120.500 1700000120.050 1700000120.007 -1.500 -0.500 0 ");
        assertThat(PromFormat.scalarTimestamp(1700000120500L)).isEqualTo("1700000120.5");
        assertThat(PromFormat.scalarTimestamp(1700000120050L)).isEqualTo("1700000120.05");
        assertThat(PromFormat.scalarTimestamp(1700000120000L)).isEqualTo("1700000120");
    }

    @Test
    void everyResultTypeAndTheEnvelope() {
        Labels labels = Labels.of("__name__", "up", "job", "a<b>");
        assertThat(ApiJson.queryResult(new Value.Vector(List.of(new Sample(labels, 1500, 1))), List.of(), List.of()))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"up\","
                        + "\"job\":\"a\\u003cb\\u003e\"},\"value\":[1.500,\"1\"]}]}}");
        assertThat(ApiJson.queryResult(new Value.Vector(List.of()), List.of(), List.of()))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
        assertThat(ApiJson.queryResult(new Value.Matrix(List.of(new Series(Labels.empty(), new long[] {0, 15000}, new double[] {1, Double.NaN}))),
                List.of("PromQL warning: x"), List.of()))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[0,\"1\"],[15,\"NaN\"]]}]},"
                        + "\"warnings\":[\"PromQL warning: x\"]}");
        assertThat(ApiJson.queryResult(new Value.Scalar(1700000120500L, 1e-7), List.of(), List.of("PromQL info: y")))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000120.5,\"0.0000001\"]},\"infos\":[\"PromQL info: y\"]}");
        assertThat(ApiJson.queryResult(new Value.StringValue(2000, "a\"b\n"), List.of(), List.of()))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[2,\"a\\\"b\\n\"]}}");
        assertThat(ApiJson.error(ErrorType.BAD_DATA, "invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis", List.of(), List.of()))
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": 1:5: parse error: unclosed left parenthesis\"}");
        assertThat(ErrorType.EXECUTION.httpStatus()).isEqualTo(422);
        assertThat(ErrorType.TIMEOUT.httpStatus()).isEqualTo(503);
        assertThat(ErrorType.CANCELED.httpStatus()).isEqualTo(499);
    }
}
