/**
 * Mimir's data model shared by every module: tenant IDs and their rules, {@code Labels} and label
 * {@code Matcher}s with Prometheus semantics, and the storage interface ({@code mimir.model.storage})
 * between the query engine and the stores. Depends on nothing but {@code java.base}.
 */
module mimir.model {
    exports mimir.model;
    exports mimir.model.storage;
}
