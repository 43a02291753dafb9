/**
 * Mimir's data model shared by every module: tenant IDs and their rules (and, as the storage engine
 * and query engine arrive, labels, matchers and samples). Depends on nothing but {@code java.base}.
 */
module mimir.model {
    exports mimir.model;
}
