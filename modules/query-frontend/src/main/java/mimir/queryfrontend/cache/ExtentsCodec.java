package mimir.queryfrontend.cache;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The bytes a remote cache stores for one entry: the entry's full key, when it expires, and its extents.
 * Version 1, all integers big-endian:
 *
 * <pre>
 * byte    version (1)
 * int64   expires at, milliseconds since the epoch
 * uvarint key length, then the key in UTF-8
 * uvarint extent count, then per extent:
 *   int64   start (ms)
 *   uvarint end - start (ms)
 *   uvarint response length, then the encoded response
 * </pre>
 *
 * <p>The key is stored because remote keys are hashes of it: a read checks it, so two keys whose hashes
 * collide (two tenants, say) are a miss for each other and never share an entry. Bytes of another
 * version, truncated or otherwise malformed bytes decode to nothing: a miss, never an error.
 */
public final class ExtentsCodec {
    static final byte VERSION = 1;

    /** A decoded entry. */
    public record Entry(String key, long expiresAtMillis, List<Extent> extents) {
        public Entry {
            requireNonNull(key, "key is null");
            extents = List.copyOf(extents);
        }
    }

    private ExtentsCodec() {}

    public static byte[] encode(String key, List<Extent> extents, long expiresAtMillis) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int size = 1 + 8 + 5 + keyBytes.length + 5;
        for (Extent extent : extents) {
            size += 8 + 10 + 5 + extent.response().length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(VERSION);
        writeLong(out, expiresAtMillis);
        writeUvarint(out, keyBytes.length);
        out.writeBytes(keyBytes);
        writeUvarint(out, extents.size());
        for (Extent extent : extents) {
            writeLong(out, extent.start());
            writeUvarint(out, extent.end() - extent.start());
            writeUvarint(out, extent.response().length);
            out.writeBytes(extent.response());
        }
        return out.toByteArray();
    }

    /** The entry in {@code bytes} if they are a well-formed version 1 entry. */
    public static Optional<Entry> decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.get() != VERSION) {
                return Optional.empty();
            }
            long expiresAt = in.getLong();
            byte[] key = new byte[lengthOf(in, readUvarint(in))];
            in.get(key);
            int count = lengthOf(in, readUvarint(in));
            List<Extent> extents = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                long start = in.getLong();
                long length = readUvarint(in);
                int responseLength = lengthOf(in, readUvarint(in));
                int from = in.position();
                in.position(from + responseLength);
                extents.add(new Extent(start, Math.addExact(start, length), Arrays.copyOfRange(bytes, from, from + responseLength)));
            }
            if (in.hasRemaining()) {
                return Optional.empty();
            }
            return Optional.of(new Entry(new String(key, StandardCharsets.UTF_8), expiresAt, extents));
        }
        catch (RuntimeException e) {
            // Truncated, overlong varints, negative ranges: not ours, or damaged.
            return Optional.empty();
        }
    }

    private static int lengthOf(ByteBuffer in, long length) {
        if (length > in.remaining()) {
            throw new IllegalArgumentException("length " + length + " past the end");
        }
        return (int) length;
    }

    private static void writeLong(ByteArrayOutputStream out, long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift));
        }
    }

    private static void writeUvarint(ByteArrayOutputStream out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative length: " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readUvarint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
