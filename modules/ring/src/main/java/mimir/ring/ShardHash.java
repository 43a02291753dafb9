package mimir.ring;

import mimir.model.Labels;

/**
 * The ring key of a series, Mimir's {@code ShardByAllLabels}: 32-bit FNV-1a over the tenant, then
 * every label name and value in order, hashed as UTF-8 without allocating.
 */
public final class ShardHash {
    private static final int OFFSET = 0x811c9dc5;
    private static final int PRIME = 0x01000193;

    private ShardHash() {}

    /** The token of {@code series} of {@code tenant}. */
    public static int series(String tenant, Labels series) {
        int h = add(OFFSET, tenant);
        for (int i = 0; i < series.size(); i++) {
            h = add(h, series.name(i));
            h = add(h, series.value(i));
        }
        return h;
    }

    /** The token of a tenant alone ({@code ShardByUser}), for per-tenant keys. */
    public static int tenant(String tenant) {
        return add(OFFSET, tenant);
    }

    /** FNV-1a of a string's UTF-8 bytes, continuing from {@code h}. */
    public static int add(int h, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                h = (h ^ c) * PRIME;
            }
            else if (c < 0x800) {
                h = (h ^ (0xc0 | (c >> 6))) * PRIME;
                h = (h ^ (0x80 | (c & 0x3f))) * PRIME;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                h = (h ^ (0xf0 | (cp >> 18))) * PRIME;
                h = (h ^ (0x80 | ((cp >> 12) & 0x3f))) * PRIME;
                h = (h ^ (0x80 | ((cp >> 6) & 0x3f))) * PRIME;
                h = (h ^ (0x80 | (cp & 0x3f))) * PRIME;
            }
            else {
                int cp = Character.isSurrogate(c) ? 0xfffd : c;
                h = (h ^ (0xe0 | (cp >> 12))) * PRIME;
                h = (h ^ (0x80 | ((cp >> 6) & 0x3f))) * PRIME;
                h = (h ^ (0x80 | (cp & 0x3f))) * PRIME;
            }
        }
        return h;
    }
}
