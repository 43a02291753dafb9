package mimir.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mimir.model.Labels;
import mimir.promql.api.ErrorType;
import mimir.promql.storage.MemoryStorage;
import mimir.promql.value.Sample;
import mimir.promql.value.Value;

class TestEngine {
    private static MemoryStorage storage(int series, int samples) {
        MemoryStorage storage = new MemoryStorage();
        for (int s = 0; s < series; s++) {
            Labels labels = Labels.of("__name__", "requests_total", "instance", Integer.toString(s));
            for (int i = 0; i < samples; i++) {
                storage.append(labels, i * 15_000L, i);
            }
        }
        return storage;
    }

    @Test
    void tooManySamplesIsAnExecutionErrorWithPrometheusMessage() {
        Engine engine = new Engine(EngineOptions.DEFAULTS.withMaxSamples(100));
        Query query = engine.range(storage(10, 200), "requests_total", 0, 3_000_000, 15_000);
        assertThatThrownBy(query::execute)
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo(ErrorType.EXECUTION))
                .hasMessage("query processing would load too many samples into memory in query execution");
    }

    @Test
    void canceledQueryFailsWithCanceled() {
        Query query = new Engine(EngineOptions.DEFAULTS).instant(storage(2, 10), "sum(requests_total)", 60_000);
        query.cancel();
        assertThatThrownBy(query::execute)
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo(ErrorType.CANCELED));
    }

    @Test
    void exceededTimeoutFailsWithTimeout() {
        Engine engine = new Engine(EngineOptions.DEFAULTS.withTimeout(Duration.ofNanos(1)));
        Query query = engine.instant(storage(2, 10), "sum(requests_total)", 60_000);
        assertThatThrownBy(query::execute)
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo(ErrorType.TIMEOUT));
    }

    @Test
    void parseErrorsAndMatrixRangeQueriesAreBadData() {
        Engine engine = new Engine(EngineOptions.DEFAULTS);
        assertThatThrownBy(() -> engine.instant(new MemoryStorage(), "sum(", 0))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo(ErrorType.BAD_DATA));
        assertThatThrownBy(() -> engine.range(new MemoryStorage(), "x[5m]", 0, 60_000, 15_000))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.errorType()).isEqualTo(ErrorType.BAD_DATA))
                .hasMessage("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector");
    }

    @Test
    void rangeQueryEvaluatesEveryStepAndCountsSamples() {
        Engine engine = new Engine(EngineOptions.DEFAULTS);
        QueryResult result = engine.range(storage(3, 41), "sum(rate(requests_total[1m]))", 60_000, 600_000, 60_000).execute();
        Value.Matrix matrix = (Value.Matrix) result.value();
        assertThat(matrix.series()).hasSize(1);
        assertThat(matrix.series().get(0).size()).isEqualTo(10);
        for (double v : matrix.series().get(0).values()) {
            assertThat(v).isCloseTo(3 / 15.0, org.assertj.core.data.Offset.offset(1e-9));
        }
        // 3 series x 10 steps x 4 samples per 1m window
        assertThat(result.stats().totalSamples()).isEqualTo(120);
        assertThat(result.infos()).isEmpty();
    }

    @Test
    void rateOfNonCounterNameGivesInfoWithPosition() {
        MemoryStorage storage = new MemoryStorage();
        for (int i = 0; i < 10; i++) {
            storage.append(Labels.of("__name__", "foo"), i * 15_000L, i);
        }
        QueryResult result = new Engine(EngineOptions.DEFAULTS).instant(storage, "rate(foo[1m])", 120_000).execute();
        assertThat(result.infos()).containsExactly(
                "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"foo\" (1:6)");
    }

    @Test
    void nativeHistogramSamplesAreCountedAndIgnoredWithAnnotationsButNeverReturnedAsFloats() {
        MemoryStorage storage = new MemoryStorage();
        Labels floats = Labels.of("__name__", "m", "kind", "float");
        Labels histograms = Labels.of("__name__", "m_histogram", "kind", "histogram");
        for (int i = 0; i < 10; i++) {
            storage.append(floats, i * 60_000L, i);
            storage.appendHistogram(histograms, i * 60_000L);
        }
        Engine engine = new Engine(EngineOptions.DEFAULTS);
        for (String query : new String[] {"m_histogram", "abs(m_histogram)", "rate(m_histogram[5m])", "m_histogram * 2", "sum(m_histogram)",
                "last_over_time(m_histogram[5m])"}) {
            assertThat(engine.instant(storage, query, 540_000).execute().value()).as(query).isEqualTo(new Value.Vector(List.of()));
        }
        assertThat(engine.instant(storage, "m_histogram[5m]", 540_000).execute().value()).isEqualTo(new Value.Matrix(List.of()));
        assertThat(engine.instant(storage, "count({kind=~\".+\"})", 540_000).execute().value())
                .isEqualTo(new Value.Vector(List.of(new Sample(Labels.empty(), 540_000, 2))));
        assertThat(engine.instant(storage, "count_over_time(m_histogram[5m])", 540_000).execute().value())
                .isEqualTo(new Value.Vector(List.of(new Sample(Labels.of("kind", "histogram"), 540_000, 5))));
        assertThat(engine.instant(storage, "absent_over_time(m_histogram[5m])", 540_000).execute().value())
                .isEqualTo(new Value.Vector(List.of()));

        QueryResult max = engine.instant(storage, "max({kind=~\".+\"})", 540_000).execute();
        assertThat(max.value()).isEqualTo(new Value.Vector(List.of(new Sample(Labels.empty(), 540_000, 9))));
        assertThat(max.infos()).containsExactly("PromQL info: ignored histogram in max aggregation (1:1)");
        QueryResult sum = engine.instant(storage, "sum({kind=~\".+\"})", 540_000).execute();
        assertThat(sum.value()).isEqualTo(new Value.Vector(List.of()));
        assertThat(sum.warnings()).containsExactly("PromQL warning: encountered a mix of histograms and floats for aggregation (1:1)");
        QueryResult compare = engine.instant(storage, "{kind=~\".+\"} > 1", 540_000).execute();
        assertThat(compare.value()).isEqualTo(new Value.Vector(List.of(new Sample(floats, 540_000, 9))));
        assertThat(compare.infos()).containsExactly(
                "PromQL info: incompatible sample types encountered for binary operator \">\": histogram > float (1:1)");
    }
}
