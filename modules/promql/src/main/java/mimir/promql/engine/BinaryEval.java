package mimir.promql.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mimir.model.Labels;
import mimir.promql.engine.Evaluator.Grid;
import mimir.promql.engine.Evaluator.Row;
import mimir.promql.engine.Evaluator.ScalarVal;
import mimir.promql.engine.Evaluator.Val;
import mimir.promql.engine.Evaluator.VectorVal;
import mimir.promql.parser.BinaryExpr;
import mimir.promql.parser.ValueType;
import mimir.promql.parser.VectorMatching;

/**
 * Binary operators over whole step ranges. Vector matching computes each series' match signature once;
 * per step only int arrays stamped with the step index are touched. With delayed name removal (Prometheus
 * 3), arithmetic removes {@code __name__} from matched results at once, while vector/scalar operations
 * only mark the series so the name is removed at the end.
 */
final class BinaryEval {
    private BinaryEval() {}

    static Val evaluate(Evaluator ev, BinaryExpr e, Grid grid) {
        BinaryOps.Op op = BinaryOps.Op.of(e.op().symbol());
        if (op == null) {
            throw QueryException.execution("operator " + e.op().symbol() + " is not supported for floats");
        }
        ValueType lt = e.lhs().type();
        ValueType rt = e.rhs().type();
        if (lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            double[] lhs = ev.scalarArg(e.lhs(), grid);
            double[] rhs = ev.scalarArg(e.rhs(), grid);
            for (int i = 0; i < lhs.length; i++) {
                lhs[i] = BinaryOps.scalarScalar(op, lhs[i], rhs[i]);
            }
            return new ScalarVal(lhs);
        }
        if (lt == ValueType.VECTOR && rt == ValueType.SCALAR) {
            VectorVal lhs = ev.vectorArg(e.lhs(), grid);
            double[] rhs = ev.scalarArg(e.rhs(), grid);
            return vectorScalar(ev, e, op, lhs, rhs, false, e.returnBool());
        }
        if (lt == ValueType.SCALAR && rt == ValueType.VECTOR) {
            double[] lhs = ev.scalarArg(e.lhs(), grid);
            VectorVal rhs = ev.vectorArg(e.rhs(), grid);
            return vectorScalar(ev, e, op, rhs, lhs, true, e.returnBool());
        }
        VectorVal lhs = ev.vectorArg(e.lhs(), grid);
        VectorVal rhs = ev.vectorArg(e.rhs(), grid);
        VectorMatching matching = e.matching();
        if (matching.hasFill()) {
            throw QueryException.execution("fill modifiers are not supported");
        }
        long before = lhs.points() + rhs.points();
        VectorVal out = op.isSetOperator() ? setOperation(op, lhs, rhs, matching, grid.n())
                : vectorVector(op, lhs, rhs, matching, e.returnBool(), grid.n());
        ev.release(before);
        ev.hold(out.points());
        return out;
    }

    private static VectorVal vectorScalar(Evaluator ev, BinaryExpr e, BinaryOps.Op op, VectorVal vector, double[] scalar, boolean scalarOnLeft,
            boolean bool) {
        List<Row> out = new ArrayList<>(vector.rows().size());
        boolean comparison = op.isComparison();
        for (Row row : vector.rows()) {
            double[] values = row.values;
            boolean any = false;
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                if (Evaluator.absent(v)) {
                    if (comparison && row.histogramAt(i)) {
                        // Native histograms are not evaluated; comparing one with a float is what Prometheus drops with this info.
                        ev.annotations.info("incompatible sample types encountered for binary operator \"" + e.op().symbol() + "\": "
                                + (scalarOnLeft ? "float " + e.op().symbol() + " histogram" : "histogram " + e.op().symbol() + " float"), e.position());
                    }
                    continue;
                }
                double l = scalarOnLeft ? scalar[i] : v;
                double r = scalarOnLeft ? v : scalar[i];
                if (comparison) {
                    boolean keep = BinaryOps.compare(op, l, r);
                    if (bool) {
                        values[i] = keep ? 1 : 0;
                    }
                    else if (!keep) {
                        values[i] = Evaluator.ABSENT;
                        continue;
                    }
                }
                else {
                    values[i] = BinaryOps.arithmetic(op, l, r);
                }
                any = true;
            }
            if (!comparison || bool) {
                row.dropName = true;
            }
            row.histograms = null;
            if (any) {
                out.add(row);
            }
        }
        return new VectorVal(out);
    }

    /** The labels two series are matched on. */
    static Labels signature(Labels labels, VectorMatching matching) {
        List<String> names = matching.matchingLabels();
        if (matching.on()) {
            return labels.keep(names.toArray(String[]::new));
        }
        Labels.Builder builder = labels.toBuilder().delete(Labels.METRIC_NAME);
        names.forEach(builder::delete);
        return builder.build();
    }

    private static int[] signatures(List<Row> rows, VectorMatching matching, Map<Labels, Integer> ids) {
        int[] out = new int[rows.size()];
        for (int k = 0; k < out.length; k++) {
            Labels signature = signature(rows.get(k).labels, matching);
            Integer id = ids.get(signature);
            if (id == null) {
                id = ids.size();
                ids.put(signature, id);
            }
            out[k] = id;
        }
        return out;
    }

    private static VectorVal setOperation(BinaryOps.Op op, VectorVal lhs, VectorVal rhs, VectorMatching matching, int n) {
        Map<Labels, Integer> ids = new HashMap<>();
        List<Row> left = lhs.rows();
        List<Row> right = rhs.rows();
        int[] leftSig = signatures(left, matching, ids);
        int[] rightSig = signatures(right, matching, ids);
        int[] stamp = new int[ids.size()];
        Arrays.fill(stamp, -1);
        List<Row> out = new ArrayList<>();
        switch (op) {
            case AND, UNLESS -> {
                boolean and = op == BinaryOps.Op.AND;
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < right.size(); k++) {
                        if (!Evaluator.absent(right.get(k).values[i])) {
                            stamp[rightSig[k]] = i;
                        }
                    }
                    for (int k = 0; k < left.size(); k++) {
                        double[] values = left.get(k).values;
                        if (!Evaluator.absent(values[i]) && (stamp[leftSig[k]] == i) != and) {
                            values[i] = Evaluator.ABSENT;
                        }
                    }
                }
                for (Row row : left) {
                    if (row.count() > 0) {
                        out.add(row);
                    }
                }
            }
            case OR -> {
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < left.size(); k++) {
                        if (!Evaluator.absent(left.get(k).values[i])) {
                            stamp[leftSig[k]] = i;
                        }
                    }
                    for (int k = 0; k < right.size(); k++) {
                        double[] values = right.get(k).values;
                        if (!Evaluator.absent(values[i]) && stamp[rightSig[k]] == i) {
                            values[i] = Evaluator.ABSENT;
                        }
                    }
                }
                out.addAll(left);
                for (Row row : right) {
                    if (row.count() > 0) {
                        out.add(row);
                    }
                }
                out = Evaluator.mergeSameLabels(out);
            }
            default -> throw new IllegalArgumentException(op + " is not a set operator");
        }
        return new VectorVal(out);
    }

    private static VectorVal vectorVector(BinaryOps.Op op, VectorVal lhs, VectorVal rhs, VectorMatching matching, boolean bool, int n) {
        VectorMatching.Cardinality cardinality = matching.cardinality();
        if (cardinality == VectorMatching.Cardinality.MANY_TO_MANY) {
            throw QueryException.execution("many-to-many only allowed for set operators");
        }
        boolean swap = cardinality == VectorMatching.Cardinality.ONE_TO_MANY;
        boolean oneToOne = cardinality == VectorMatching.Cardinality.ONE_TO_ONE;
        List<Row> many = swap ? rhs.rows() : lhs.rows();
        List<Row> one = swap ? lhs.rows() : rhs.rows();
        Map<Labels, Integer> ids = new HashMap<>();
        int[] manySig = signatures(many, matching, ids);
        int[] oneSig = signatures(one, matching, ids);
        int signatures = ids.size();
        int[] oneStamp = new int[signatures];
        int[] oneAt = new int[signatures];
        int[] matchedStamp = new int[signatures];
        Arrays.fill(oneStamp, -1);
        Arrays.fill(matchedStamp, -1);
        int[] lastOne = new int[many.size()];
        int[] lastResult = new int[many.size()];
        Arrays.fill(lastOne, -1);
        Map<Labels, Integer> resultIds = new HashMap<>();
        List<Row> out = new ArrayList<>();
        int[] resultStamp = new int[16];
        Arrays.fill(resultStamp, -1);
        boolean comparison = op.isComparison();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < one.size(); j++) {
                if (Evaluator.absent(one.get(j).values[i])) {
                    continue;
                }
                int sig = oneSig[j];
                if (oneStamp[sig] == i) {
                    Row duplicate = one.get(oneAt[sig]);
                    String first = one.get(j).labels.toString();
                    String second = duplicate.labels.toString();
                    if (first.compareTo(second) > 0) {
                        String t = first;
                        first = second;
                        second = t;
                    }
                    throw QueryException.execution("found duplicate series for the match group "
                            + signature(one.get(j).labels, matching) + " on the " + (swap ? "left" : "right")
                            + " hand-side of the operation: [" + first + ", " + second + "]"
                            + ";many-to-many matching not allowed: matching labels must be unique on one side");
                }
                oneStamp[sig] = i;
                oneAt[sig] = j;
            }
            for (int k = 0; k < many.size(); k++) {
                Row manyRow = many.get(k);
                double manyValue = manyRow.values[i];
                if (Evaluator.absent(manyValue)) {
                    continue;
                }
                int sig = manySig[k];
                if (oneStamp[sig] != i) {
                    continue;
                }
                int j = oneAt[sig];
                double oneValue = one.get(j).values[i];
                double l = swap ? oneValue : manyValue;
                double r = swap ? manyValue : oneValue;
                double value;
                boolean keep = true;
                if (comparison) {
                    keep = BinaryOps.compare(op, l, r);
                    value = bool ? (keep ? 1 : 0) : l;
                }
                else {
                    value = BinaryOps.arithmetic(op, l, r);
                }
                int result;
                if (lastOne[k] == j) {
                    result = lastResult[k];
                }
                else {
                    Labels labels = resultLabels(manyRow.labels, one.get(j).labels, op, matching);
                    Integer id = resultIds.get(labels);
                    if (id == null) {
                        id = out.size();
                        resultIds.put(labels, id);
                        out.add(Row.empty(labels, n, bool));
                        if (id >= resultStamp.length) {
                            int old = resultStamp.length;
                            resultStamp = Arrays.copyOf(resultStamp, old * 2);
                            Arrays.fill(resultStamp, old, resultStamp.length, -1);
                        }
                    }
                    result = id;
                    lastOne[k] = j;
                    lastResult[k] = result;
                }
                if (oneToOne) {
                    if (matchedStamp[sig] == i) {
                        throw QueryException.execution(
                                "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                    }
                    matchedStamp[sig] = i;
                }
                else {
                    if (resultStamp[result] == i) {
                        throw QueryException.execution("multiple matches for labels: grouping labels must ensure unique matches");
                    }
                    resultStamp[result] = i;
                }
                if (!keep && !bool) {
                    continue;
                }
                Row target = out.get(result);
                if (!Evaluator.absent(target.values[i])) {
                    throw QueryException.execution("vector cannot contain metrics with the same labelset");
                }
                target.values[i] = value;
            }
        }
        List<Row> rows = new ArrayList<>(out.size());
        for (Row row : out) {
            if (row.count() > 0) {
                rows.add(row);
            }
        }
        return new VectorVal(rows);
    }

    private static Labels resultLabels(Labels many, Labels one, BinaryOps.Op op, VectorMatching matching) {
        Labels.Builder builder = many.toBuilder();
        if (op.isArithmetic()) {
            builder.delete(Labels.METRIC_NAME);
        }
        Labels result = builder.build();
        if (matching.cardinality() == VectorMatching.Cardinality.ONE_TO_ONE) {
            String[] names = matching.matchingLabels().toArray(String[]::new);
            result = matching.on() ? result.keep(names) : result.without(names);
        }
        if (!matching.include().isEmpty()) {
            Labels.Builder withIncluded = result.toBuilder();
            for (String name : matching.include()) {
                String value = one.get(name);
                if (value != null && !value.isEmpty()) {
                    withIncluded.set(name, value);
                }
                else {
                    withIncluded.delete(name);
                }
            }
            result = withIncluded.build();
        }
        return result;
    }
}
