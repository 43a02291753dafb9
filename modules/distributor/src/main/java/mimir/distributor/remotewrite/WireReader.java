package mimir.distributor.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import mimir.ingester.client.WriteBatch;

/**
 * A cursor over protobuf wire bytes: tags, varints, fixed64 and length-delimited fields, each checked
 * against the end of the enclosing message. Nothing is allocated; a nested message is read by
 * {@link #pushLimit} and {@link #popLimit}. Not thread-safe.
 */
final class WireReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    byte[] buffer;
    int position;
    int limit;
    private String message;

    void reset(byte[] buffer, int offset, int length, String message) {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        this.message = message;
    }

    boolean hasRemaining() {
        return position < limit;
    }

    /** The next tag (field number << 3 | wire type). */
    int tag() throws MalformedRequestException {
        long tag = varint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw malformed("invalid field tag " + tag);
        }
        return (int) tag;
    }

    long varint() throws MalformedRequestException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw malformed("truncated varint");
            }
            byte b = buffer[position++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    double fixed64Double() throws MalformedRequestException {
        if (limit - position < 8) {
            throw malformed("truncated fixed64");
        }
        long bits = (long) LONG_LE.get(buffer, position);
        position += 8;
        return Double.longBitsToDouble(bits);
    }

    /** Reads a length prefix and returns the length, checked against the enclosing message. */
    int length() throws MalformedRequestException {
        long length = varint();
        if (length < 0 || length > limit - position) {
            throw malformed("length " + length + " beyond the end of the message");
        }
        return (int) length;
    }

    /** Enters a nested message of {@code length} bytes; returns the outer limit for {@link #popLimit}. */
    int pushLimit(int length) {
        int outer = limit;
        limit = position + length;
        return outer;
    }

    void popLimit(int outer) {
        position = limit;
        limit = outer;
    }

    /** Skips a field of {@code wireType} (unknown fields must be skipped). */
    void skip(int wireType) throws MalformedRequestException {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> {
                int length = length();
                position += length;
            }
            case FIXED32 -> advance(4);
            default -> throw malformed("unsupported wire type " + wireType);
        }
    }

    private void advance(int bytes) throws MalformedRequestException {
        if (limit - position < bytes) {
            throw malformed("truncated field");
        }
        position += bytes;
    }

    /** Checks that a known field has the wire type the schema gives it. */
    void expect(int tag, int wireType) throws MalformedRequestException {
        if ((tag & 7) != wireType) {
            throw malformed("field " + (tag >>> 3) + " has wire type " + (tag & 7) + ", expected " + wireType);
        }
    }

    MalformedRequestException malformed(String reason) {
        return new MalformedRequestException("failed to parse the " + message + " protobuf message: " + reason + " at byte " + position);
    }

    /**
     * Reads a {@code Sample} message up to the current limit into the batch's last series: value (1,
     * double) and timestamp (2, int64), the same field numbers in remote write 1.0 and 2.0; an absent
     * field is 0, unknown fields are skipped.
     */
    void sample(WriteBatch batch) throws MalformedRequestException {
        double value = 0;
        long timestamp = 0;
        while (hasRemaining()) {
            int tag = tag();
            switch (tag) {
                case 1 << 3 | FIXED64 -> value = fixed64Double();
                case 2 << 3 | VARINT -> timestamp = varint();
                default -> skip(tag & 7);
            }
        }
        batch.addSample(timestamp, value);
    }
}
