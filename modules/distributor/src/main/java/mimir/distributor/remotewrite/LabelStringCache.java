package mimir.distributor.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings of recently decoded label names and values, keyed by their UTF-8 bytes: a remote-write
 * request repeats the same few names ({@code __name__}, {@code job}, ...) and values on every series,
 * and so do consecutive requests, so most labels decode without allocating a String. A direct-mapped
 * table (one entry per hash slot, the newer replacing the older), only strings up to
 * {@value #MAX_CACHED_LENGTH} bytes. Strings come out valid UTF-8 or not at all ({@link #decode} returns
 * null), which is how label values are validated. One cache per decoder, not thread-safe.
 */
final class LabelStringCache {
    static final int MAX_CACHED_LENGTH = 128;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int mask;
    private final byte[][] keys;
    private final String[] values;
    private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long hits;
    private long misses;

    /** A cache of {@code 2^bits} entries; 0 bits disables it. */
    LabelStringCache(int bits) {
        int size = 1 << bits;
        this.mask = bits == 0 ? -1 : size - 1;
        this.keys = new byte[bits == 0 ? 0 : size][];
        this.values = new String[bits == 0 ? 0 : size];
    }

    /** The string of {@code bytes[offset, offset + length)}, or null if it is not valid UTF-8. */
    String decode(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return "";
        }
        if (mask == -1 || length > MAX_CACHED_LENGTH) {
            return create(bytes, offset, length);
        }
        int slot = hash(bytes, offset, length) & mask;
        byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, bytes, offset, offset + length)) {
            hits++;
            return values[slot];
        }
        misses++;
        String value = create(bytes, offset, length);
        if (value != null) {
            keys[slot] = Arrays.copyOfRange(bytes, offset, offset + length);
            values[slot] = value;
        }
        return value;
    }

    /** A hash of the first and last eight bytes and the length: label strings differ at one end or the other. */
    private static int hash(byte[] bytes, int offset, int length) {
        long mixed;
        if (length >= 8) {
            mixed = (long) LONG_LE.get(bytes, offset) * 0x9E3779B97F4A7C15L + (long) LONG_LE.get(bytes, offset + length - 8) + length;
        }
        else {
            mixed = length;
            for (int i = offset; i < offset + length; i++) {
                mixed = (mixed << 8) | (bytes[i] & 0xff);
            }
        }
        // Every input bit reaches the slot bits.
        return (int) RemoteWrite1Decoder.finish(mixed);
    }

    private String create(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                try {
                    return strict.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
                }
                catch (CharacterCodingException e) {
                    return null;
                }
            }
        }
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }
}
