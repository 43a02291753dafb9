package mimir.promql.parser;

import java.util.Map;
import java.util.Set;

import mimir.model.Labels;
import mimir.model.Matcher;

/**
 * The semantic checks Prometheus runs after a successful syntax pass ({@code checkAST}): argument
 * counts and types, operator/operand compatibility, vector matching rules and selector sanity.
 * Children are checked before the node itself, so the first error reported is Prometheus's first.
 */
final class TypeChecker {
    private final String query;
    private final Set<VectorSelector> labelSelectorsOnly;
    private final Map<BinaryExpr, VectorMatching> writtenMatching;

    TypeChecker(String query, Set<VectorSelector> labelSelectorsOnly, Map<BinaryExpr, VectorMatching> writtenMatching) {
        this.query = query;
        this.labelSelectorsOnly = labelSelectorsOnly;
        this.writtenMatching = writtenMatching;
    }

    void check(Expr expr) {
        checkNode(expr);
    }

    private ParseException error(PositionRange range, String message) {
        return new ParseException(new ParseError(range, message, query));
    }

    private void expectType(Expr expr, ValueType want, String context) {
        ValueType actual = checkNode(expr);
        if (actual != want) {
            throw error(expr.position(), "expected type " + want.documentedName() + " in " + context + ", got "
                    + actual.documentedName());
        }
    }

    private ValueType checkNode(Expr node) {
        switch (node) {
            case AggregateExpr aggregate -> {
                expectType(aggregate.expr(), ValueType.VECTOR, "aggregation expression");
                switch (aggregate.op()) {
                    case TOPK, BOTTOMK, QUANTILE, LIMITK, LIMIT_RATIO ->
                            expectType(aggregate.param(), ValueType.SCALAR, "aggregation parameter");
                    case COUNT_VALUES -> expectType(aggregate.param(), ValueType.STRING, "aggregation parameter");
                    default -> { }
                }
            }
            case BinaryExpr binary -> checkBinary(binary);
            case Call call -> checkCall(call);
            case ParenExpr paren -> checkNode(paren.expr());
            case UnaryExpr unary -> {
                ValueType type = checkNode(unary.expr());
                if (type != ValueType.SCALAR && type != ValueType.VECTOR) {
                    throw error(unary.position(), "unary expression only allowed on expressions of type scalar or instant vector, got "
                            + GoStrings.quote(type.documentedName()));
                }
            }
            case SubqueryExpr subquery -> {
                ValueType type = checkNode(subquery.expr());
                if (type != ValueType.VECTOR) {
                    throw error(subquery.position(), "subquery is only allowed on instant vector, got "
                            + type.apiName() + " instead");
                }
            }
            case MatrixSelector matrix -> checkNode(matrix.selector());
            case VectorSelector selector -> checkSelector(selector);
            case NumberLiteral ignored -> { }
            case StringLiteral ignored -> { }
            case DurationExpr ignored -> { }
        }
        return node.type();
    }

    private void checkBinary(BinaryExpr binary) {
        ValueType left = checkNode(binary.lhs());
        ValueType right = checkNode(binary.rhs());
        BinaryOp op = binary.op();
        if (binary.returnBool() && !op.isComparison()) {
            throw error(operatorRange(binary), "bool modifier can only be used on comparison operators");
        }
        if (op.isComparison() && !binary.returnBool() && left == ValueType.SCALAR && right == ValueType.SCALAR) {
            throw error(operatorRange(binary), "comparisons between scalars must use BOOL modifier");
        }
        VectorMatching matching = writtenMatching.getOrDefault(binary, binary.matching());
        if (matching != null && matching.on()) {
            for (String label : matching.matchingLabels()) {
                if (matching.include().contains(label)) {
                    throw error(operatorRange(binary), "label " + GoStrings.quote(label) + " must not occur in ON and GROUP clause at once");
                }
            }
        }
        if (left != ValueType.SCALAR && left != ValueType.VECTOR) {
            throw error(binary.lhs().position(), "binary expression must contain only scalar and instant vector types");
        }
        if (right != ValueType.SCALAR && right != ValueType.VECTOR) {
            throw error(binary.rhs().position(), "binary expression must contain only scalar and instant vector types");
        }
        if (matching != null && (left != ValueType.VECTOR || right != ValueType.VECTOR)) {
            if (!matching.matchingLabels().isEmpty()) {
                throw error(binary.position(), "vector matching only allowed between instant vectors");
            }
            if (matching.hasFill()) {
                throw error(binary.position(), "filling in missing series only allowed between instant vectors");
            }
        }
        else if (matching != null && op.isSetOperator()) {
            if (matching.cardinality() == VectorMatching.Cardinality.ONE_TO_MANY
                    || matching.cardinality() == VectorMatching.Cardinality.MANY_TO_ONE) {
                throw error(binary.position(), "no grouping allowed for " + GoStrings.quote(op.symbol()) + " operation");
            }
            if (matching.hasFill()) {
                throw error(binary.position(), "filling in missing series not allowed for set operators");
            }
        }
        if ((left == ValueType.SCALAR || right == ValueType.SCALAR) && op.isSetOperator()) {
            throw error(binary.position(), "set operator " + GoStrings.quote(op.symbol()) + " not allowed in binary scalar expression");
        }
    }

    /** The operator's range between the operands, trimmed of spaces, as Prometheus computes it. */
    private PositionRange operatorRange(BinaryExpr binary) {
        int start = binary.lhs().position().end();
        while (start < query.length() && Lexer.isSpace(query.charAt(start))) {
            start++;
        }
        int end = binary.rhs().position().start() - 1;
        while (end > start && Lexer.isSpace(query.charAt(end))) {
            end--;
        }
        return new PositionRange(start, Math.max(start, end));
    }

    private void checkCall(Call call) {
        Function function = call.function();
        int declared = function.argTypes().size();
        int given = call.args().size();
        String name = GoStrings.quote(function.name());
        if (function.variadic() == 0) {
            if (declared != given) {
                throw error(call.position(), "expected " + declared + " argument(s) in call to " + name + ", got " + given);
            }
        }
        else {
            int required = declared - 1;
            if (required > given) {
                throw error(call.position(), "expected at least " + required + " argument(s) in call to " + name + ", got " + given);
            }
            int maximum = required + function.variadic();
            if (function.variadic() > 0 && maximum < given) {
                throw error(call.position(), "expected at most " + maximum + " argument(s) in call to " + name + ", got " + given);
            }
        }
        if (function.name().equals("info") && given > 1) {
            Expr selectors = call.args().get(1);
            if (selectors.type() != ValueType.VECTOR) {
                throw error(call.position(), "expected type instant vector in call to function \"info\", got "
                        + selectors.type().documentedName());
            }
            if (selectors instanceof VectorSelector selector) {
                if (!selector.name().isEmpty()) {
                    throw error(selector.position(), "expected label selectors only, got vector selector instead");
                }
                labelSelectorsOnly.add(selector);
            }
            else {
                throw error(selectors.position(), "expected label selectors only");
            }
        }
        for (int i = 0; i < given; i++) {
            if (i >= declared && function.variadic() == 0) {
                break;
            }
            ValueType want = function.argType(i);
            Expr arg = call.args().get(i);
            ValueType actual = checkNode(arg);
            if (actual != want) {
                throw error(arg.position(), "expected type " + want.documentedName() + " in call to function " + name
                        + ", got " + actual.documentedName());
            }
        }
    }

    private void checkSelector(VectorSelector selector) {
        if (!selector.name().isEmpty()) {
            var matchers = selector.matchers();
            for (int i = 0; i < matchers.size() - 1; i++) {
                Matcher matcher = matchers.get(i);
                if (matcher.name().equals(Labels.METRIC_NAME)) {
                    throw error(selector.position(), "metric name must not be set twice: " + GoStrings.quote(selector.name())
                            + " or " + GoStrings.quote(matcher.value()));
                }
            }
            return;
        }
        if (labelSelectorsOnly.contains(selector)) {
            return;
        }
        for (Matcher matcher : selector.matchers()) {
            if (!matcher.matchesEmpty()) {
                return;
            }
        }
        throw error(selector.position(), "vector selector must contain at least one non-empty matcher");
    }
}
