/**
 * Mimir's data model shared by every module: tenant IDs and their rules, {@code Labels} and label
 * {@code Matcher}s with Prometheus semantics, and the storage interface ({@code mimir.model.storage})
 * between the query engine and the stores. Depends on nothing but {@code java.base} and RE2/J, which
 * runs users' regular expressions in linear time with Go's RE2 syntax, as Prometheus does.
 */
module mimir.model {
    requires transitive re2j;

    exports mimir.model;
    exports mimir.model.storage;
}
