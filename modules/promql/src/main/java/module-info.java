/**
 * The query engine: PromQL lexer, parser and printer, the evaluator with Prometheus 3 semantics over a
 * storage interface, and the Prometheus HTTP API's JSON encoding.
 */
module mimir.promql {
    requires transitive mimir.model;

    exports mimir.promql.api;
    exports mimir.promql.engine;
    exports mimir.promql.functions;
    exports mimir.promql.parser;
    exports mimir.promql.promqltest;
    exports mimir.promql.storage;
    exports mimir.promql.value;
}
