package mimir.tsdb.encoding;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** CRC-32C (Castagnoli), the checksum of every Prometheus TSDB format, stored as 4 bytes big-endian. */
public final class Crc32c {
    private Crc32c() {}

    public static int of(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    public static int of(MemorySegment bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.asByteBuffer());
        return (int) crc.getValue();
    }

    /**
     * Checks that {@code bytes} have the checksum {@code expected}.
     *
     * @param what names the checked data in the exception message
     */
    public static void verify(MemorySegment bytes, int expected, String what) throws CorruptionException {
        int actual = of(bytes);
        if (actual != expected) {
            throw new CorruptionException("checksum mismatch in " + what + ": stored " + Integer.toHexString(expected)
                    + ", computed " + Integer.toHexString(actual));
        }
    }
}
