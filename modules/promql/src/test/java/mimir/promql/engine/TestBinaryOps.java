package mimir.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mimir.model.Labels;
import mimir.promql.engine.BinaryOps.Op;
import org.junit.jupiter.api.Test;

/** Float edge cases where Go and Java differ; matching and aggregation are covered by the conformance files. */
class TestBinaryOps {
    @Test
    void goPowModAndNaNComparisons() {
        assertThat(BinaryOps.scalarScalar(Op.POW, 1, Double.NaN)).isEqualTo(1);
        assertThat(BinaryOps.scalarScalar(Op.POW, -1, Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(BinaryOps.scalarScalar(Op.POW, 2, 10)).isEqualTo(1024);
        assertThat(BinaryOps.scalarScalar(Op.MOD, -7, 3)).isEqualTo(-1);
        assertThat(BinaryOps.scalarScalar(Op.EQL, Double.NaN, Double.NaN)).isEqualTo(0);
        assertThat(BinaryOps.scalarScalar(Op.NEQ, Double.NaN, Double.NaN)).isEqualTo(1);
        assertThat(Op.of("atan2")).isEqualTo(Op.ATAN2);
        assertThat(Op.AND.isSetOperator()).isTrue();
        assertThat(Op.GTE.isComparison()).isTrue();
        assertThat(Op.MOD.isArithmetic()).isTrue();
    }

    @Test
    void groupingLabels() {
        Labels labels = Labels.of("__name__", "m", "job", "a", "i", "1");
        assertThat(Aggregations.groupLabels(labels, List.of("job"), false)).isEqualTo(Labels.of("job", "a"));
        assertThat(Aggregations.groupLabels(labels, List.of("i"), true)).isEqualTo(Labels.of("job", "a"));
        assertThat(Aggregations.formatValue(2.5)).isEqualTo("2.5");
        assertThat(Aggregations.formatValue(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    }
}
