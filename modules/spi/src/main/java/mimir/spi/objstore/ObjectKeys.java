package mimir.spi.objstore;

/** The key rules of {@link ObjectStore}, for implementations to share. */
public final class ObjectKeys {
    private ObjectKeys() {}

    /**
     * Checks that a key is valid: non-empty, no leading or trailing {@code /}, no empty, {@code .} or
     * {@code ..} segment, no NUL or backslash.
     *
     * @return the key
     * @throws IllegalArgumentException naming the key and the rule it breaks
     */
    public static String validate(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key is empty");
        }
        if (key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("object key contains a NUL or backslash: " + key);
        }
        if (key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("object key must not start or end with '/': " + key);
        }
        int start = 0;
        while (start <= key.length()) {
            int end = key.indexOf('/', start);
            if (end < 0) {
                end = key.length();
            }
            String segment = key.substring(start, end);
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("object key has an empty, '.' or '..' segment: " + key);
            }
            start = end + 1;
        }
        return key;
    }
}
