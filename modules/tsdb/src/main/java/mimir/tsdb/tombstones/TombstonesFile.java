package mimir.tsdb.tombstones;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;

import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Crc32c;
import mimir.tsdb.encoding.Decoder;
import mimir.tsdb.encoding.Encoder;

/** Reads and writes a block's {@code tombstones} file. */
public final class TombstonesFile {
    public static final String FILE_NAME = "tombstones";
    public static final int MAGIC = 0x0130BA30;
    public static final int FORMAT_VERSION = 1;

    private TombstonesFile() {}

    /** The tombstones of a block; a missing file means none. */
    public static Tombstones read(Path blockDir) throws IOException {
        byte[] bytes;
        Path file = blockDir.resolve(FILE_NAME);
        try {
            bytes = Files.readAllBytes(file);
        }
        catch (NoSuchFileException e) {
            return new Tombstones();
        }
        return decode(bytes, file.toString());
    }

    static Tombstones decode(byte[] bytes, String name) throws CorruptionException {
        if (bytes.length < 9) {
            throw new CorruptionException(name + ": " + bytes.length + " bytes is shorter than the 9-byte minimum");
        }
        Decoder decoder = new Decoder(bytes);
        int magic = decoder.be32();
        if (magic != MAGIC) {
            throw new CorruptionException(name + ": invalid magic number " + Integer.toHexString(magic));
        }
        int version = decoder.u8();
        if (version != FORMAT_VERSION) {
            throw new CorruptionException(name + ": unsupported format version " + version);
        }
        MemorySegment all = MemorySegment.ofArray(bytes);
        MemorySegment triples = all.asSlice(5, bytes.length - 9);
        Crc32c.verify(triples, new Decoder(all.asSlice(bytes.length - 4, 4)).be32(), name);
        Tombstones tombstones = new Tombstones();
        decoder.reset(triples);
        while (decoder.remaining() > 0) {
            long ref = decoder.uvarint();
            long minTime = decoder.varint();
            long maxTime = decoder.varint();
            if (maxTime < minTime) {
                throw new CorruptionException(name + ": empty interval [" + minTime + ", " + maxTime + "] for series " + ref);
            }
            tombstones.add(ref, new Interval(minTime, maxTime));
        }
        return tombstones;
    }

    static byte[] encode(Tombstones tombstones) {
        Encoder out = new Encoder(64);
        out.be32(MAGIC).u8(FORMAT_VERSION);
        tombstones.forEach((ref, intervals) -> {
            for (Interval interval : intervals) {
                out.uvarint(ref).varint(interval.minTime()).varint(interval.maxTime());
            }
        });
        out.be32(out.crc32c(5));
        return out.toByteArray();
    }

    /** Atomically replaces the block's tombstones file; returns its size in bytes. */
    public static long write(Path blockDir, Tombstones tombstones) throws IOException {
        byte[] bytes = encode(tombstones);
        Path tmp = blockDir.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, blockDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return bytes.length;
    }
}
