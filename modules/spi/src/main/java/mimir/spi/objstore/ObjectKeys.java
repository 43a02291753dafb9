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

    /**
     * Checks the arguments of {@link ObjectStore#getRange}.
     *
     * @throws IllegalArgumentException if {@code offset < 0} or {@code length < -1}
     */
    public static void checkRange(long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 or at least 0: " + length);
        }
    }

    /**
     * Compares keys in the order of their UTF-8 bytes (= code point order), the order
     * {@link ObjectStore#list} reports in. UTF-16 order ({@link String#compareTo}) differs only where
     * a surrogate meets a char in U+E000..U+FFFF, so surrogates are ranked above that range.
     */
    public static int compareUtf8(String left, String right) {
        int length = Math.min(left.length(), right.length());
        for (int i = 0; i < length; i++) {
            char a = left.charAt(i);
            char b = right.charAt(i);
            if (a != b) {
                return Integer.compare(codePointOrder(a), codePointOrder(b));
            }
        }
        return Integer.compare(left.length(), right.length());
    }

    private static int codePointOrder(char c) {
        if (c >= 0xE000) {
            return c - 0x800;
        }
        if (c >= 0xD800) {
            return c + 0x2000;
        }
        return c;
    }
}
