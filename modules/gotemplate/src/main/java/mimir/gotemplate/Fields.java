package mimir.gotemplate;

/**
 * A value with named fields, like a Go struct: {@code .Status}, {@code .Alerts.Firing}. Maps are
 * also addressed with field syntax, but a map's missing key is the empty string (Go's
 * {@code missingkey=zero} over {@code map[string]string}), while a missing field is an error. A field
 * whose value is a {@link TemplateFunction} is a method: called with the command's arguments
 * ({@code .CommonLabels.Remove .GroupLabels.Names}), or with none inside a chain. A value may be both
 * a map (or list) and {@code Fields}: its fields are looked up first, as Go looks up methods first.
 */
public interface Fields {
    /**
     * The field's value.
     *
     * @throws IllegalArgumentException if there is no such field
     */
    Object field(String name);

    /** A struct with these fields (copied); an unknown name is an error, as in Go. */
    static Fields struct(java.util.Map<String, ?> fields) {
        java.util.Map<String, Object> copy = new java.util.HashMap<>(fields);
        return name -> {
            if (!copy.containsKey(name)) {
                throw new IllegalArgumentException(name);
            }
            return copy.get(name);
        };
    }
}
