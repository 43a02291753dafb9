package mimir.promql.parser;

/**
 * A PromQL expression. Nodes are immutable records; {@link #toString()} is the canonical PromQL text
 * that Prometheus's {@code String()} prints (see {@link Printer}).
 */
public sealed interface Expr
        permits AggregateExpr, BinaryExpr, Call, DurationExpr, MatrixSelector, NumberLiteral, ParenExpr,
        StringLiteral, SubqueryExpr, UnaryExpr, VectorSelector {
    /** The type of value this expression evaluates to. */
    ValueType type();

    /** Where the expression sits in the query text. */
    PositionRange position();
}
