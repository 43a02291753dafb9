package mimir.querier.api;

import java.io.ByteArrayOutputStream;

/**
 * Snappy's block format, the little that remote read needs: decoding any valid block (literals and
 * 1/2/4-byte-offset copies, with the announced length checked against a limit before allocating) and
 * encoding as literals only, which every Snappy reader accepts. Stand-in until the distributor's
 * shared {@code mimir.snappy} module is in the tree; the querier's responses are protobuf of mostly
 * float64 values, which Snappy compresses little anyway.
 */
public final class SnappyBlock {
    private SnappyBlock() {}

    /**
     * Decodes a block.
     *
     * @throws IllegalArgumentException if the block is corrupt or announces more than {@code maxLength} bytes
     */
    public static byte[] decompress(byte[] input, int maxLength) {
        int position = 0;
        long length = 0;
        int shift = 0;
        while (true) {
            if (position >= input.length || shift > 28) {
                throw new IllegalArgumentException("snappy: corrupt input");
            }
            int b = input[position++] & 0xff;
            length |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                break;
            }
            shift += 7;
        }
        if (length > maxLength) {
            throw new IllegalArgumentException("snappy: decoded length " + length + " exceeds the limit of " + maxLength + " bytes");
        }
        byte[] out = new byte[(int) length];
        int written = 0;
        while (position < input.length) {
            int tag = input[position++] & 0xff;
            int kind = tag & 3;
            if (kind == 0) {
                int literal = tag >>> 2;
                if (literal >= 60) {
                    int bytes = literal - 59;
                    if (position + bytes > input.length) {
                        throw new IllegalArgumentException("snappy: corrupt input");
                    }
                    literal = 0;
                    for (int i = 0; i < bytes; i++) {
                        literal |= (input[position++] & 0xff) << (8 * i);
                    }
                }
                literal++;
                if (literal <= 0 || position + literal > input.length || written + literal > out.length) {
                    throw new IllegalArgumentException("snappy: corrupt input");
                }
                System.arraycopy(input, position, out, written, literal);
                position += literal;
                written += literal;
                continue;
            }
            int copyLength;
            int offset;
            if (kind == 1) {
                if (position >= input.length) {
                    throw new IllegalArgumentException("snappy: corrupt input");
                }
                copyLength = 4 + ((tag >>> 2) & 7);
                offset = ((tag >>> 5) << 8) | (input[position++] & 0xff);
            }
            else {
                int bytes = kind == 2 ? 2 : 4;
                if (position + bytes > input.length) {
                    throw new IllegalArgumentException("snappy: corrupt input");
                }
                copyLength = 1 + (tag >>> 2);
                offset = 0;
                for (int i = 0; i < bytes; i++) {
                    offset |= (input[position++] & 0xff) << (8 * i);
                }
            }
            if (offset <= 0 || offset > written || written + copyLength > out.length) {
                throw new IllegalArgumentException("snappy: corrupt input");
            }
            for (int i = 0; i < copyLength; i++) {
                out[written] = out[written - offset];
                written++;
            }
        }
        if (written != out.length) {
            throw new IllegalArgumentException("snappy: corrupt input");
        }
        return out;
    }

    /** Encodes a block of literals. */
    public static byte[] compress(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + input.length / 60000 * 5 + 10);
        long length = input.length;
        while (length >= 0x80) {
            out.write((int) (length & 0x7f) | 0x80);
            length >>>= 7;
        }
        out.write((int) length);
        int position = 0;
        while (position < input.length) {
            int chunk = Math.min(input.length - position, 1 << 16);
            int n = chunk - 1;
            if (n < 60) {
                out.write(n << 2);
            }
            else if (n < 1 << 8) {
                out.write(60 << 2);
                out.write(n);
            }
            else {
                out.write(61 << 2);
                out.write(n & 0xff);
                out.write(n >>> 8);
            }
            out.write(input, position, chunk);
            position += chunk;
        }
        return out.toByteArray();
    }
}
