/**
 * PromQL syntax: lexer, parser, AST and printer, following Prometheus 3.14's grammar and messages.
 *
 * <p>Design rules: the AST is immutable records under the sealed {@link mimir.promql.parser.Expr}; every
 * node knows its {@link mimir.promql.parser.ValueType} and {@link mimir.promql.parser.PositionRange};
 * positions never take part in printing. {@link mimir.promql.parser.PromQLParser#parse(String)} is the
 * entry point; {@link mimir.promql.parser.Printer} prints what Prometheus's {@code String()} prints, and
 * {@code parse(print(e))} equals {@code e} up to positions. Parse errors are
 * {@link mimir.promql.parser.ParseException}s carrying Prometheus's message text and position. Durations
 * are milliseconds; duration expressions stay unevaluated as
 * {@link mimir.promql.parser.DurationExpr} for the evaluator.
 */
package mimir.promql.parser;
