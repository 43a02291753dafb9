package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.encoding.ByteSource;
import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Crc32c;
import mimir.tsdb.index.IndexFormat;

/**
 * A block's index-header: the parts of its TSDB index that opening it needs (the header, the symbol
 * table, the postings offset table and the TOC), copied verbatim from ranged reads of the index object
 * into one local file under the sync directory. {@link #source} serves those ranges from the file and
 * every other range (postings lists, series) from the bucket, so the index itself is never downloaded.
 *
 * <p>File layout (big-endian): magic {@code MIH1} (4 b) | version 1 (1 b) | index size (8 b) | range
 * count (4 b) | per range: offset (8 b), length (8 b) | the ranges' bytes | CRC32C of all before (4 b).
 */
final class IndexHeader {
    static final String FILE_NAME = "index-header";
    private static final int MAGIC = 0x4D494831;
    private static final int VERSION = 1;
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private IndexHeader() {}

    /** A range {@code [offset, offset + length)} of the index. */
    record Range(long offset, long length) {}

    /**
     * Builds the index-header of {@code indexKey} (of {@code indexSize} bytes) into {@code file}, written
     * to a temporary file first and moved in place.
     *
     * @return the bytes read from the bucket
     */
    static long build(ObjectStore store, String indexKey, long indexSize, Path file) throws IOException {
        if (indexSize < IndexFormat.HEADER_SIZE + IndexFormat.TOC_SIZE) {
            throw new CorruptionException(indexKey + ": index too short: " + indexSize + " bytes");
        }
        long[] fetched = {0};
        byte[] toc = range(store, indexKey, indexSize - IndexFormat.TOC_SIZE, IndexFormat.TOC_SIZE, fetched);
        MemorySegment tocSegment = MemorySegment.ofArray(toc);
        Crc32c.verify(tocSegment.asSlice(0, 48), tocSegment.get(INT_BE, 48), indexKey + " TOC");
        long symbolsOffset = tocSegment.get(LONG_BE, 0);
        long postingsTableOffset = tocSegment.get(LONG_BE, 40);
        List<Range> ranges = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        ranges.add(new Range(0, IndexFormat.HEADER_SIZE));
        contents.add(range(store, indexKey, 0, IndexFormat.HEADER_SIZE, fetched));
        for (long sectionOffset : new long[] {symbolsOffset, postingsTableOffset}) {
            if (sectionOffset == 0) {
                continue;
            }
            if (sectionOffset < IndexFormat.HEADER_SIZE || sectionOffset > indexSize - IndexFormat.TOC_SIZE - 4) {
                throw new CorruptionException(indexKey + ": TOC section offset " + sectionOffset + " outside the index");
            }
            long length = MemorySegment.ofArray(range(store, indexKey, sectionOffset, 4, fetched)).get(INT_BE, 0) & 0xffffffffL;
            long total = 4 + length + 4;
            if (sectionOffset + total > indexSize - IndexFormat.TOC_SIZE || total > Integer.MAX_VALUE - 16) {
                throw new CorruptionException(indexKey + ": section at " + sectionOffset + " of " + length + " bytes runs past the index");
            }
            ranges.add(new Range(sectionOffset, total));
            contents.add(range(store, indexKey, sectionOffset, total, fetched));
        }
        ranges.add(new Range(indexSize - IndexFormat.TOC_SIZE, IndexFormat.TOC_SIZE));
        contents.add(toc);

        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        try (OutputStream raw = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(new java.io.BufferedOutputStream(raw), crc))) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeLong(indexSize);
            out.writeInt(ranges.size());
            for (Range range : ranges) {
                out.writeLong(range.offset());
                out.writeLong(range.length());
            }
            for (byte[] content : contents) {
                out.write(content);
            }
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return fetched[0];
    }

    private static byte[] range(ObjectStore store, String key, long offset, long length, long[] fetched) throws IOException {
        try (InputStream in = store.getRange(key, offset, length)) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length != length) {
                throw new IOException("short read of " + key + ": " + bytes.length + " of " + length + " bytes at " + offset);
            }
            fetched[0] += length;
            return bytes;
        }
    }

    /**
     * The index as a {@link ByteSource}: the header's ranges from the mapped local {@code file}, the rest
     * through {@code remote}. Takes ownership of {@code remote}.
     *
     * @throws CorruptionException if the file is damaged (the caller rebuilds it)
     */
    static ByteSource source(Path file, ByteSource remote) throws IOException {
        requireNonNull(remote, "remote is null");
        ByteSource local = ByteSource.map(file);
        try {
            long fileSize = local.size();
            if (fileSize < 4 + 1 + 8 + 4 + 4) {
                throw new CorruptionException(file + ": too short");
            }
            MemorySegment all = local.read(0, fileSize);
            Crc32c.verify(all.asSlice(0, fileSize - 4), all.get(INT_BE, fileSize - 4), file.toString());
            if (all.get(INT_BE, 0) != MAGIC || all.get(ValueLayout.JAVA_BYTE, 4) != VERSION) {
                throw new CorruptionException(file + ": not a version " + VERSION + " index-header");
            }
            long indexSize = all.get(LONG_BE, 5);
            if (indexSize != remote.size()) {
                throw new CorruptionException(file + ": built for an index of " + indexSize + " bytes, the object has " + remote.size());
            }
            int count = all.get(INT_BE, 13);
            if (count < 0 || 17L + count * 16L > fileSize - 4) {
                throw new CorruptionException(file + ": invalid range count " + count);
            }
            long[] offsets = new long[count];
            long[] lengths = new long[count];
            long[] positions = new long[count];
            long position = 17L + count * 16L;
            for (int i = 0; i < count; i++) {
                offsets[i] = all.get(LONG_BE, 17L + i * 16L);
                lengths[i] = all.get(LONG_BE, 17L + i * 16L + 8);
                positions[i] = position;
                position += lengths[i];
            }
            if (position != fileSize - 4) {
                throw new CorruptionException(file + ": ranges do not add up to the file");
            }
            return new ByteSource() {
                @Override
                public long size() {
                    return indexSize;
                }

                @Override
                public MemorySegment read(long offset, long length) throws IOException {
                    for (int i = 0; i < offsets.length; i++) {
                        if (offset >= offsets[i] && offset + length <= offsets[i] + lengths[i]) {
                            return all.asSlice(positions[i] + offset - offsets[i], length);
                        }
                    }
                    return remote.read(offset, length);
                }

                @Override
                public void close() throws IOException {
                    try (ByteSource closingLocal = local; ByteSource closingRemote = remote) {
                        // both closed
                    }
                }

                @Override
                public String toString() {
                    return file + " + " + remote;
                }
            };
        }
        catch (IOException | RuntimeException e) {
            local.close();
            throw e;
        }
    }

    /** The local file's size, for the block list and the index-header benchmark. */
    static long size(Path file) throws IOException {
        return Files.size(file);
    }
}
