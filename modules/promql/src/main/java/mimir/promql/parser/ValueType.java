package mimir.promql.parser;

/** The type of value an expression evaluates to, named as Prometheus documents it in error messages. */
public enum ValueType {
    NONE("none"),
    SCALAR("scalar"),
    VECTOR("instant vector"),
    MATRIX("range vector"),
    STRING("string");

    private final String documentedName;

    ValueType(String documentedName) {
        this.documentedName = documentedName;
    }

    /** The name used in user-facing messages, e.g. {@code instant vector}. */
    public String documentedName() {
        return documentedName;
    }

    /** The name used in the HTTP API's {@code resultType}, e.g. {@code vector}. */
    public String apiName() {
        return switch (this) {
            case NONE -> "none";
            case SCALAR -> "scalar";
            case VECTOR -> "vector";
            case MATRIX -> "matrix";
            case STRING -> "string";
        };
    }
}
