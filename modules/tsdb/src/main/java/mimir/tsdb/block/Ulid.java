package mimir.tsdb.block;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * A ULID: 48 bits of milliseconds since the epoch followed by 80 random bits, written as 26
 * Crockford base32 characters. String order = byte order = creation-time order.
 */
public record Ulid(long high, long low) implements Comparable<Ulid> {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new ULID for the current time. */
    public static Ulid generate() {
        return generate(System.currentTimeMillis(), RANDOM);
    }

    public static Ulid generate(long timeMillis, RandomGenerator random) {
        if (timeMillis < 0 || timeMillis >= 1L << 48) {
            throw new IllegalArgumentException("ULID time out of range: " + timeMillis);
        }
        long randomHigh = random.nextLong() & 0xffff;
        return new Ulid((timeMillis << 16) | randomHigh, random.nextLong());
    }

    /** Milliseconds since the epoch encoded in the first 48 bits. */
    public long timeMillis() {
        return high >>> 16;
    }

    /** Parses 26 Crockford base32 characters (case-insensitive; I/L read as 1, O as 0). */
    public static Ulid parse(String text) {
        if (text.length() != 26) {
            throw new IllegalArgumentException("ULID must have 26 characters: \"" + text + "\"");
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 26; i++) {
            int value = decode(text.charAt(i));
            if (value < 0 || (i == 0 && value > 7)) {
                throw new IllegalArgumentException("invalid ULID: \"" + text + "\"");
            }
            // Shift the 128-bit (high, low) left by 5 and add the digit.
            high = (high << 5) | (low >>> 59);
            low = (low << 5) | value;
        }
        return new Ulid(high, low);
    }

    private static int decode(char c) {
        char upper = Character.toUpperCase(c);
        return switch (upper) {
            case 'I', 'L' -> 1;
            case 'O' -> 0;
            default -> {
                for (int i = 0; i < ALPHABET.length; i++) {
                    if (ALPHABET[i] == upper) {
                        yield i;
                    }
                }
                yield -1;
            }
        };
    }

    @Override
    public String toString() {
        char[] out = new char[26];
        long h = high;
        long l = low;
        for (int i = 25; i >= 0; i--) {
            out[i] = ALPHABET[(int) (l & 31)];
            l = (l >>> 5) | (h << 59);
            h >>>= 5;
        }
        return new String(out);
    }

    @Override
    public int compareTo(Ulid other) {
        int cmp = Long.compareUnsigned(high, other.high);
        return cmp != 0 ? cmp : Long.compareUnsigned(low, other.low);
    }
}
