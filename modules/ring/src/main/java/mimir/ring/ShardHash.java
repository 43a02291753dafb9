package mimir.ring;

import mimir.model.Labels;

/**
 * Ring keys, all 32-bit FNV-1a: of a series, Mimir's {@code ShardByAllLabels} (the tenant, then every
 * label name and value in order, hashed as UTF-8 without allocating); of a tenant; of a block.
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

    /**
     * The token of a block, Mimir's {@code HashBlockID}: FNV-1a over the ULID's 16 bytes (big-endian,
     * as the ULID's binary form), without the tenant, since block IDs are unique across tenants. The
     * same block therefore lands on the same store-gateways as in Mimir for the same ring.
     *
     * @param high the ULID's first 8 bytes (time and the start of the randomness) as a big-endian long
     * @param low  its last 8 bytes
     */
    public static int block(long high, long low) {
        int h = OFFSET;
        for (int shift = 56; shift >= 0; shift -= 8) {
            h = (h ^ (int) ((high >>> shift) & 0xff)) * PRIME;
        }
        for (int shift = 56; shift >= 0; shift -= 8) {
            h = (h ^ (int) ((low >>> shift) & 0xff)) * PRIME;
        }
        return h;
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
