package mimir.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import mimir.model.Labels;
import mimir.promql.engine.BinaryOps.Cardinality;
import mimir.promql.engine.BinaryOps.Matching;
import mimir.promql.engine.BinaryOps.Op;
import mimir.promql.value.Sample;
import org.junit.jupiter.api.Test;

class TestBinaryOpsAndAggregations {
    private static Sample s(double value, String... labels) {
        return new Sample(Labels.of(labels), 0, value);
    }

    private static List<String> render(List<Sample> samples) {
        return samples.stream().map(x -> x.labels() + "=" + x.value()).toList();
    }

    @Test
    void oneToOneArithmeticDropsTheNameAndMatchesOnLabels() {
        List<Sample> lhs = List.of(s(10, "__name__", "a", "job", "x", "i", "1"), s(20, "__name__", "a", "job", "y", "i", "1"));
        List<Sample> rhs = List.of(s(2, "__name__", "b", "job", "x", "i", "1"), s(4, "__name__", "b", "job", "y", "i", "1"));
        assertThat(render(BinaryOps.vectorVector(Op.DIV, lhs, rhs, Matching.defaultFor(Op.DIV), false, 0)))
                .containsExactly("{i=\"1\", job=\"x\"}=5.0", "{i=\"1\", job=\"y\"}=5.0");
        Matching on = new Matching(Cardinality.ONE_TO_ONE, true, List.of("job"), List.of());
        assertThat(render(BinaryOps.vectorVector(Op.SUB, lhs, rhs, on, false, 0))).containsExactly("{job=\"x\"}=8.0", "{job=\"y\"}=16.0");
        assertThat(render(BinaryOps.vectorVector(Op.GTR, lhs, rhs, Matching.defaultFor(Op.GTR), false, 0)))
                .as("comparison filters and keeps the name").containsExactly("{__name__=\"a\", i=\"1\", job=\"x\"}=10.0",
                        "{__name__=\"a\", i=\"1\", job=\"y\"}=20.0");
        assertThat(render(BinaryOps.vectorVector(Op.LSS, lhs, rhs, Matching.defaultFor(Op.LSS), true, 0)))
                .containsExactly("{i=\"1\", job=\"x\"}=0.0", "{i=\"1\", job=\"y\"}=0.0");
    }

    @Test
    void groupLeftCopiesIncludedLabelsAndAmbiguityIsAnError() {
        List<Sample> many = List.of(s(1, "job", "x", "i", "1"), s(2, "job", "x", "i", "2"));
        List<Sample> one = List.of(s(10, "job", "x", "owner", "team"));
        Matching groupLeft = new Matching(Cardinality.MANY_TO_ONE, true, List.of("job"), List.of("owner"));
        assertThat(render(BinaryOps.vectorVector(Op.MUL, many, one, groupLeft, false, 0)))
                .containsExactly("{i=\"1\", job=\"x\", owner=\"team\"}=10.0", "{i=\"2\", job=\"x\", owner=\"team\"}=20.0");
        Matching onJob = new Matching(Cardinality.ONE_TO_ONE, true, List.of("job"), List.of());
        assertThatThrownBy(() -> BinaryOps.vectorVector(Op.ADD, many, one, onJob, false, 0))
                .hasMessage("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
        assertThatThrownBy(() -> BinaryOps.vectorVector(Op.ADD, one, many, onJob, false, 0))
                .hasMessageStartingWith("found duplicate series for the match group {job=\"x\"} on the right hand-side of the operation")
                .hasMessageEndingWith(";many-to-many matching not allowed: matching labels must be unique on one side");
    }

    @Test
    void setOperatorsAndScalars() {
        List<Sample> lhs = List.of(s(1, "__name__", "a", "job", "x"), s(2, "__name__", "a", "job", "y"));
        List<Sample> rhs = List.of(s(3, "__name__", "b", "job", "y"), s(4, "__name__", "b", "job", "z"));
        assertThat(render(BinaryOps.vectorVector(Op.AND, lhs, rhs, Matching.defaultFor(Op.AND), false, 0))).containsExactly("{__name__=\"a\", job=\"y\"}=2.0");
        assertThat(render(BinaryOps.vectorVector(Op.UNLESS, lhs, rhs, Matching.defaultFor(Op.UNLESS), false, 0))).containsExactly("{__name__=\"a\", job=\"x\"}=1.0");
        assertThat(render(BinaryOps.vectorVector(Op.OR, lhs, rhs, Matching.defaultFor(Op.OR), false, 0))).hasSize(3);
        assertThat(render(BinaryOps.vectorScalar(Op.GTR, lhs, 1.5, true, false, 0))).as("1.5 > v keeps v").containsExactly("{__name__=\"a\", job=\"x\"}=1.0");
        assertThat(render(BinaryOps.vectorScalar(Op.MUL, lhs, 2, false, false, 0))).containsExactly("{job=\"x\"}=2.0", "{job=\"y\"}=4.0");
        assertThat(BinaryOps.scalarScalar(Op.POW, 1, Double.NaN)).isEqualTo(1);
        assertThat(BinaryOps.scalarScalar(Op.POW, -1, Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(BinaryOps.scalarScalar(Op.MOD, -7, 3)).isEqualTo(-1);
        assertThat(BinaryOps.scalarScalar(Op.EQL, Double.NaN, Double.NaN)).isEqualTo(0);
    }

    @Test
    void aggregationsGroupByAndWithout() {
        List<Sample> input = List.of(s(1, "__name__", "m", "job", "a", "i", "1"), s(3, "__name__", "m", "job", "a", "i", "2"),
                s(10, "__name__", "m", "job", "b", "i", "1"), s(Double.NaN, "__name__", "m", "job", "b", "i", "2"));
        assertThat(render(Aggregations.aggregate(Aggregations.Op.SUM, 0, null, input, List.of("job"), false, 0)))
                .containsExactly("{job=\"a\"}=4.0", "{job=\"b\"}=NaN");
        assertThat(render(Aggregations.aggregate(Aggregations.Op.MAX, 0, null, input, List.of("i"), true, 0)))
                .containsExactly("{job=\"a\"}=3.0", "{job=\"b\"}=10.0");
        assertThat(render(Aggregations.aggregate(Aggregations.Op.AVG, 0, null, input.subList(0, 2), List.of(), false, 0))).containsExactly("{}=2.0");
        assertThat(render(Aggregations.aggregate(Aggregations.Op.COUNT_VALUES, 0, "v", List.of(s(1, "a", "1"), s(1, "a", "2"), s(2.5, "a", "3")),
                List.of(), false, 0))).containsExactly("{v=\"1\"}=2.0", "{v=\"2.5\"}=1.0");
        assertThat(render(Aggregations.aggregate(Aggregations.Op.TOPK, 1, null, input, List.of("job"), false, 0)))
                .containsExactly("{__name__=\"m\", i=\"2\", job=\"a\"}=3.0", "{__name__=\"m\", i=\"1\", job=\"b\"}=10.0");
        assertThat(render(Aggregations.aggregate(Aggregations.Op.BOTTOMK, 1, null, input, List.of(), false, 0)))
                .containsExactly("{__name__=\"m\", i=\"1\", job=\"a\"}=1.0");
        assertThat(render(Aggregations.aggregate(Aggregations.Op.STDDEV, 0, null, input.subList(0, 2), List.of(), false, 0))).containsExactly("{}=1.0");
        assertThat(render(Aggregations.aggregate(Aggregations.Op.QUANTILE, 0.5, null, input.subList(0, 3), List.of(), false, 0))).containsExactly("{}=3.0");
    }
}
