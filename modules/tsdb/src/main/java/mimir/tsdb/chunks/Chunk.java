package mimir.tsdb.chunks;

import java.lang.foreign.MemorySegment;

import static java.util.Objects.requireNonNull;

/**
 * One stored chunk: its encoding byte ({@link mimir.tsdb.chunkenc.ChunkEncoding}) and its encoded
 * bytes (for XOR: header and bit stream), valid while the reader that returned it is open.
 */
public record Chunk(int encoding, MemorySegment data) {
    public Chunk {
        requireNonNull(data, "data is null");
    }
}
