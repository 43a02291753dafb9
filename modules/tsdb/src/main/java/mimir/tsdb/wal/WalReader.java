package mimir.tsdb.wal;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import mimir.snappy.Snappy;
import mimir.snappy.SnappyException;
import mimir.tsdb.encoding.ByteSource;
import mimir.tsdb.encoding.Crc32c;
import mimir.tsdb.encoding.Encoder;

import static java.util.Objects.requireNonNull;

/**
 * Reads records sequentially across WAL segments, reassembling fragments and decompressing. Usage:
 * {@code while (reader.next()) use(reader.record());}. A damaged or torn record throws
 * {@link WalCorruptionException} naming where the damage starts; a segment ending exactly after a
 * complete record (or in zero padding) is a clean end. Not thread-safe.
 */
public final class WalReader implements Closeable {
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final List<WalSegments.Segment> segments;
    private final Encoder assembled = new Encoder(4096);
    private byte[] decompressed = new byte[4096];
    private int segmentPosition = -1;
    private ByteSource source;
    private MemorySegment data;
    private long position;
    private long recordOffset;
    private MemorySegment record;

    public WalReader(List<WalSegments.Segment> segments) {
        this.segments = List.copyOf(requireNonNull(segments, "segments is null"));
    }

    /** A reader over every segment in {@code dir}. */
    public static WalReader open(Path dir) throws IOException {
        return new WalReader(WalSegments.list(dir));
    }

    /** Advances to the next record; false after the last one. */
    public boolean next() throws IOException {
        while (true) {
            if (data == null || position >= data.byteSize()) {
                if (!openNextSegment()) {
                    return false;
                }
                continue;
            }
            if (readRecord()) {
                return true;
            }
        }
    }

    private boolean openNextSegment() throws IOException {
        closeSource();
        if (segmentPosition + 1 >= segments.size()) {
            return false;
        }
        segmentPosition++;
        source = ByteSource.map(segments.get(segmentPosition).path());
        data = source.read(0, source.size());
        position = 0;
        return true;
    }

    /** Reads fragments from the current position; true with a record, false at a clean segment end. */
    private boolean readRecord() throws IOException {
        assembled.reset();
        boolean inRecord = false;
        int compression = 0;
        recordOffset = position;
        while (true) {
            long pageRemaining = WalSegments.PAGE_SIZE - position % WalSegments.PAGE_SIZE;
            if (position >= data.byteSize()) {
                if (inRecord) {
                    throw corruption(recordOffset, "segment ends inside a record");
                }
                return false;
            }
            int type = data.get(ValueLayout.JAVA_BYTE, position) & 0xff;
            if (type == WalSegments.PAGE_TERMINATOR) {
                long pageEnd = Math.min(data.byteSize(), position + pageRemaining);
                for (long i = position; i < pageEnd; i++) {
                    if (data.get(ValueLayout.JAVA_BYTE, i) != 0) {
                        throw corruption(inRecord ? recordOffset : position, "non-zero byte at " + i + " in page padding");
                    }
                }
                position = pageEnd;
                if (!inRecord) {
                    recordOffset = position;
                }
                continue;
            }
            if (pageRemaining < WalSegments.FRAGMENT_HEADER_SIZE || data.byteSize() - position < WalSegments.FRAGMENT_HEADER_SIZE) {
                throw corruption(inRecord ? recordOffset : position, "fragment header cut off");
            }
            int length = data.get(SHORT_BE, position + 1) & 0xffff;
            int crc = data.get(INT_BE, position + 3);
            if (WalSegments.FRAGMENT_HEADER_SIZE + length > pageRemaining) {
                throw corruption(inRecord ? recordOffset : position, "fragment of " + length + " bytes crosses a page boundary");
            }
            if (data.byteSize() - position - WalSegments.FRAGMENT_HEADER_SIZE < length) {
                throw corruption(inRecord ? recordOffset : position, "fragment of " + length + " bytes cut off by end of segment");
            }
            MemorySegment fragment = data.asSlice(position + WalSegments.FRAGMENT_HEADER_SIZE, length);
            if (Crc32c.of(fragment) != crc) {
                throw corruption(inRecord ? recordOffset : position, "fragment checksum mismatch");
            }
            int kind = type & WalSegments.TYPE_MASK;
            if ((type & ~(WalSegments.TYPE_MASK | WalSegments.SNAPPY | WalSegments.ZSTD)) != 0 || kind > WalSegments.LAST) {
                throw corruption(inRecord ? recordOffset : position, "invalid fragment type 0x" + Integer.toHexString(type));
            }
            boolean starts = kind == WalSegments.FULL || kind == WalSegments.FIRST;
            if (starts == inRecord) {
                throw corruption(inRecord ? recordOffset : position, "fragment kind " + kind + (inRecord ? " inside a record" : " without a first fragment"));
            }
            if (starts) {
                recordOffset = position;
                compression = type & (WalSegments.SNAPPY | WalSegments.ZSTD);
            }
            position += WalSegments.FRAGMENT_HEADER_SIZE + length;
            assembled.bytes(fragment);
            if (kind == WalSegments.FULL || kind == WalSegments.LAST) {
                record = decode(compression);
                return true;
            }
            inRecord = true;
        }
    }

    private MemorySegment decode(int compression) throws WalCorruptionException {
        MemorySegment raw = MemorySegment.ofArray(assembled.array()).asSlice(0, assembled.length());
        if (compression == 0) {
            return raw;
        }
        if (compression != WalSegments.SNAPPY) {
            throw corruption(recordOffset, "zstd-compressed records are not supported");
        }
        try {
            int length = Snappy.uncompressedLength(assembled.array(), 0, assembled.length());
            if (decompressed.length < length) {
                decompressed = new byte[Math.max(decompressed.length * 2, length)];
            }
            Snappy.decompress(assembled.array(), 0, assembled.length(), decompressed, 0);
            return MemorySegment.ofArray(decompressed).asSlice(0, length);
        }
        catch (SnappyException e) {
            throw corruption(recordOffset, e.getMessage());
        }
    }

    private WalCorruptionException corruption(long offset, String reason) {
        WalSegments.Segment segment = segments.get(segmentPosition);
        return new WalCorruptionException(segment.path(), segment.index(), offset, reason);
    }

    /** The current record's bytes (decompressed), valid until the next call to {@link #next()}. */
    public MemorySegment record() {
        return record;
    }

    /** Index of the segment the current record was read from. */
    public int segment() {
        return segments.get(segmentPosition).index();
    }

    /** Offset of the current record's first fragment in its segment. */
    public long offset() {
        return recordOffset;
    }

    private void closeSource() throws IOException {
        if (source != null) {
            data = null;
            source.close();
            source = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeSource();
    }
}
