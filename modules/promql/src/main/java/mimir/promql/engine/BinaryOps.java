package mimir.promql.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mimir.model.Labels;
import mimir.promql.value.Sample;

/**
 * PromQL's binary operators with Prometheus semantics: float arithmetic (Go's {@code math.Pow} and
 * {@code math.Mod} edge cases), comparisons as filters or with {@code bool}, the set operators, and
 * vector matching ({@code on}/{@code ignoring}, one-to-one, {@code group_left}/{@code group_right})
 * with Prometheus's error messages for ambiguous matches.
 */
public final class BinaryOps {
    private BinaryOps() {}

    /** The operators. */
    public enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("^"), ATAN2("atan2"),
        EQL("=="), NEQ("!="), GTR(">"), LSS("<"), GTE(">="), LTE("<="),
        AND("and"), OR("or"), UNLESS("unless");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** The operator written as {@code symbol}; null if none. */
        public static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equalsIgnoreCase(symbol)) {
                    return op;
                }
            }
            return null;
        }

        public boolean isComparison() {
            return ordinal() >= EQL.ordinal() && ordinal() <= LTE.ordinal();
        }

        public boolean isSetOperator() {
            return this == AND || this == OR || this == UNLESS;
        }

        public boolean isArithmetic() {
            return !isComparison() && !isSetOperator();
        }
    }

    /** How samples of two vectors pair up. */
    public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

    /**
     * Vector matching of a binary expression.
     *
     * @param cardinality one-to-one, group_left (many-to-one), group_right (one-to-many), or
     *                    many-to-many for set operators
     * @param on          true for {@code on(...)}, false for {@code ignoring(...)} (or none)
     * @param labels      the on/ignoring labels
     * @param include     the extra labels of {@code group_left(...)}/{@code group_right(...)}
     */
    public record Matching(Cardinality cardinality, boolean on, List<String> labels, List<String> include) {
        public Matching {
            labels = List.copyOf(labels);
            include = List.copyOf(include);
        }

        /** No on/ignoring, one-to-one (or many-to-many for set operators). */
        public static Matching defaultFor(Op op) {
            return new Matching(op.isSetOperator() ? Cardinality.MANY_TO_MANY : Cardinality.ONE_TO_ONE, false, List.of(), List.of());
        }
    }

    /** Applies an arithmetic operator to two floats; comparisons go through {@link #compare}. */
    public static double arithmetic(Op op, double lhs, double rhs) {
        return switch (op) {
            case ADD -> lhs + rhs;
            case SUB -> lhs - rhs;
            case MUL -> lhs * rhs;
            case DIV -> lhs / rhs;
            case MOD -> lhs % rhs;
            case POW -> pow(lhs, rhs);
            case ATAN2 -> Math.atan2(lhs, rhs);
            default -> throw new IllegalArgumentException(op + " is not an arithmetic operator");
        };
    }

    /** Whether a comparison holds (NaN compares false except with {@code !=}). */
    public static boolean compare(Op op, double lhs, double rhs) {
        return switch (op) {
            case EQL -> lhs == rhs;
            case NEQ -> lhs != rhs;
            case GTR -> lhs > rhs;
            case LSS -> lhs < rhs;
            case GTE -> lhs >= rhs;
            case LTE -> lhs <= rhs;
            default -> throw new IllegalArgumentException(op + " is not a comparison operator");
        };
    }

    /** Go's {@code math.Pow}, which differs from {@link Math#pow} for a base of ±1. */
    static double pow(double x, double y) {
        if (x == 1) {
            return 1;
        }
        if (x == -1 && Double.isInfinite(y)) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** scalar op scalar; comparisons need {@code bool} (the parser enforces it) and give 1 or 0. */
    public static double scalarScalar(Op op, double lhs, double rhs) {
        if (op.isComparison()) {
            return compare(op, lhs, rhs) ? 1 : 0;
        }
        return arithmetic(op, lhs, rhs);
    }

    /**
     * vector op scalar (or scalar op vector when {@code scalarOnLeft}). Comparisons filter, keeping
     * the vector's value, or give 1/0 with {@code returnBool}; arithmetic and bool drop the metric name.
     */
    public static List<Sample> vectorScalar(Op op, List<Sample> vector, double scalar, boolean scalarOnLeft, boolean returnBool, long timestamp) {
        List<Sample> out = new ArrayList<>(vector.size());
        for (Sample sample : vector) {
            double lhs = scalarOnLeft ? scalar : sample.value();
            double rhs = scalarOnLeft ? sample.value() : scalar;
            double value;
            boolean keep = true;
            if (op.isComparison()) {
                keep = compare(op, lhs, rhs);
                value = sample.value();
                if (returnBool) {
                    value = keep ? 1 : 0;
                    keep = true;
                }
            }
            else {
                value = arithmetic(op, lhs, rhs);
            }
            if (keep) {
                Labels labels = op.isArithmetic() || returnBool ? sample.labels().without(Labels.METRIC_NAME) : sample.labels();
                out.add(new Sample(labels, timestamp, value));
            }
        }
        return out;
    }

    /** vector op vector for arithmetic and comparison operators. */
    public static List<Sample> vectorVector(Op op, List<Sample> lhs, List<Sample> rhs, Matching matching, boolean returnBool, long timestamp) {
        if (op.isSetOperator()) {
            return setOperation(op, lhs, rhs, matching);
        }
        if (matching.cardinality() == Cardinality.MANY_TO_MANY) {
            throw QueryException.execution("many-to-many only allowed for set operators");
        }
        boolean swap = matching.cardinality() == Cardinality.ONE_TO_MANY;
        List<Sample> many = swap ? rhs : lhs;
        List<Sample> one = swap ? lhs : rhs;

        Map<Labels, Sample> oneBySignature = new HashMap<>();
        for (Sample sample : one) {
            Labels signature = signature(sample.labels(), matching);
            Sample duplicate = oneBySignature.putIfAbsent(signature, sample);
            if (duplicate != null) {
                String side = matching.cardinality() == Cardinality.ONE_TO_MANY ? "left" : "right";
                throw QueryException.execution("found duplicate series for the match group " + signature + " on the " + side
                        + " hand-side of the operation: [" + sample.labels() + ", " + duplicate.labels() + "]"
                        + ";many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Map<Labels, Set<Labels>> matched = new HashMap<>();
        List<Sample> out = new ArrayList<>();
        for (Sample sample : many) {
            Labels signature = signature(sample.labels(), matching);
            Sample other = oneBySignature.get(signature);
            if (other == null) {
                continue;
            }
            double left = swap ? other.value() : sample.value();
            double right = swap ? sample.value() : other.value();
            double value;
            boolean keep = true;
            if (op.isComparison()) {
                keep = compare(op, left, right);
                value = left;
                if (returnBool) {
                    value = keep ? 1 : 0;
                    keep = true;
                }
            }
            else {
                value = arithmetic(op, left, right);
            }
            Labels result = resultLabels(sample.labels(), other.labels(), op, matching, returnBool);
            Set<Labels> inserted = matched.get(signature);
            if (matching.cardinality() == Cardinality.ONE_TO_ONE) {
                if (inserted != null) {
                    throw QueryException.execution("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }
                matched.put(signature, Set.of());
            }
            else {
                if (inserted == null) {
                    inserted = new HashSet<>();
                    matched.put(signature, inserted);
                }
                if (!inserted.add(result)) {
                    throw QueryException.execution("multiple matches for labels: grouping labels must ensure unique matches");
                }
            }
            if (keep) {
                out.add(new Sample(result, timestamp, value));
            }
        }
        return out;
    }

    private static List<Sample> setOperation(Op op, List<Sample> lhs, List<Sample> rhs, Matching matching) {
        Set<Labels> rhsSignatures = new HashSet<>();
        for (Sample sample : rhs) {
            rhsSignatures.add(signature(sample.labels(), matching));
        }
        List<Sample> out = new ArrayList<>();
        switch (op) {
            case AND -> {
                for (Sample sample : lhs) {
                    if (rhsSignatures.contains(signature(sample.labels(), matching))) {
                        out.add(sample);
                    }
                }
            }
            case UNLESS -> {
                for (Sample sample : lhs) {
                    if (!rhsSignatures.contains(signature(sample.labels(), matching))) {
                        out.add(sample);
                    }
                }
            }
            case OR -> {
                Set<Labels> lhsSignatures = new HashSet<>();
                for (Sample sample : lhs) {
                    lhsSignatures.add(signature(sample.labels(), matching));
                    out.add(sample);
                }
                for (Sample sample : rhs) {
                    if (!lhsSignatures.contains(signature(sample.labels(), matching))) {
                        out.add(sample);
                    }
                }
            }
            default -> throw new IllegalArgumentException(op + " is not a set operator");
        }
        return out;
    }

    /** The labels samples are matched on: the {@code on} labels, or all but the {@code ignoring} labels and the name. */
    public static Labels signature(Labels labels, Matching matching) {
        if (matching.on()) {
            return labels.keep(matching.labels().toArray(String[]::new));
        }
        Labels.Builder builder = labels.toBuilder().delete(Labels.METRIC_NAME);
        matching.labels().forEach(builder::delete);
        return builder.build();
    }

    private static Labels resultLabels(Labels many, Labels one, Op op, Matching matching, boolean returnBool) {
        Labels.Builder builder = many.toBuilder();
        if (op.isArithmetic() || returnBool) {
            builder.delete(Labels.METRIC_NAME);
        }
        if (matching.cardinality() == Cardinality.ONE_TO_ONE) {
            Labels base = builder.build();
            String[] names = matching.labels().toArray(String[]::new);
            return matching.on() ? base.keep(names) : base.without(names);
        }
        for (String name : matching.include()) {
            builder.set(name, one.get(name));
        }
        return builder.build();
    }
}
