package mimir.tsdb.wal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Decoder;
import mimir.tsdb.encoding.Encoder;

/**
 * Snappy block format (not the framed stream format): a uvarint uncompressed length, then literal
 * and back-reference elements. The compressor is a simple greedy single-hash-probe one that, like
 * Go's snappy encoder, probes less often the longer it goes without a match (after 32 misses every
 * other byte, and so on), so incompressible stretches such as float64 sample values cost little; any
 * valid snappy output is accepted by Prometheus.
 */
final class Snappy {
    private static final int BLOCK_SIZE = 1 << 16;
    private static final int HASH_BITS = 14;
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Snappy() {}

    /** Decompresses {@code input} into {@code out} (reset first); returns the uncompressed length. */
    static int decompress(MemorySegment input, Encoder out) throws CorruptionException {
        Decoder decoder = new Decoder(input);
        long length = decoder.uvarint();
        if (length > Integer.MAX_VALUE - 16) {
            throw new CorruptionException("snappy: uncompressed length " + length + " too large");
        }
        out.reset();
        while (decoder.remaining() > 0) {
            int tag = decoder.u8();
            switch (tag & 3) {
                case 0 -> {
                    int literal = tag >>> 2;
                    if (literal >= 60) {
                        int bytes = literal - 59;
                        literal = 0;
                        for (int i = 0; i < bytes; i++) {
                            literal |= decoder.u8() << (8 * i);
                        }
                    }
                    long size = (literal & 0xffff_ffffL) + 1;
                    out.bytes(decoder.slice(size));
                }
                case 1 -> copy(out, 4 + ((tag >>> 2) & 7), ((tag >>> 5) << 8) | decoder.u8());
                case 2 -> copy(out, 1 + (tag >>> 2), decoder.u8() | (decoder.u8() << 8));
                default -> copy(out, 1 + (tag >>> 2), decoder.u8() | (decoder.u8() << 8) | (decoder.u8() << 16) | (decoder.u8() << 24));
            }
            if (out.length() > length) {
                throw new CorruptionException("snappy: output exceeds announced length " + length);
            }
        }
        if (out.length() != length) {
            throw new CorruptionException("snappy: decoded " + out.length() + " bytes, announced " + length);
        }
        return out.length();
    }

    private static void copy(Encoder out, int length, int offset) throws CorruptionException {
        if (offset <= 0 || offset > out.length()) {
            throw new CorruptionException("snappy: invalid copy offset " + offset + " at output position " + out.length());
        }
        out.copyBack(offset, length);  // may overlap its own output (run-length encoding)
    }

    /** Compresses {@code input[0, length)} into {@code out} (reset first). */
    static void compress(byte[] input, int length, Encoder out, int[] table) {
        out.reset().uvarint(length);
        for (int blockStart = 0; blockStart < length; blockStart += BLOCK_SIZE) {
            int blockEnd = Math.min(length, blockStart + BLOCK_SIZE);
            Arrays.fill(table, -1);
            int literalStart = blockStart;
            int i = blockStart;
            int skip = 32;
            while (i + 4 <= blockEnd) {
                int word = load32(input, i);
                int hash = (word * 0x1e35a7bd) >>> (32 - HASH_BITS);
                int candidate = table[hash];
                table[hash] = i;
                if (candidate >= 0 && load32(input, candidate) == word) {
                    literal(input, literalStart, i - literalStart, out);
                    int matched = 4;
                    while (i + matched < blockEnd && input[candidate + matched] == input[i + matched]) {
                        matched++;
                    }
                    int offset = i - candidate;
                    for (int left = matched; left > 0; ) {
                        int step = Math.min(left, 64);
                        if (left - step > 0 && left - step < 4) {
                            step = left - 4;
                        }
                        out.u8(2 | ((step - 1) << 2)).u8(offset).u8(offset >>> 8);
                        left -= step;
                    }
                    i += matched;
                    literalStart = i;
                    skip = 32;
                }
                else {
                    int step = skip >>> 5;
                    skip += step;
                    i += step;
                }
            }
            literal(input, literalStart, blockEnd - literalStart, out);
        }
    }

    static int[] newTable() {
        return new int[1 << HASH_BITS];
    }

    private static void literal(byte[] input, int start, int length, Encoder out) {
        if (length == 0) {
            return;
        }
        int n = length - 1;
        if (n < 60) {
            out.u8(n << 2);
        }
        else if (n < 1 << 8) {
            out.u8(60 << 2).u8(n);
        }
        else if (n < 1 << 16) {
            out.u8(61 << 2).u8(n).u8(n >>> 8);
        }
        else {
            out.u8(62 << 2).u8(n).u8(n >>> 8).u8(n >>> 16);
        }
        out.bytes(input, start, length);
    }

    private static int load32(byte[] bytes, int i) {
        return (int) INT_LE.get(bytes, i);
    }
}
