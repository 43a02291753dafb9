package mimir.ingester.client;

import java.lang.foreign.MemorySegment;
import java.util.List;

import mimir.model.Labels;
import mimir.model.storage.SampleIterator;
import mimir.proto.prompb.Chunk;
import mimir.tsdb.chunkenc.XorIterator;

/**
 * The samples of a series' XOR chunks (ascending, not overlapping), decoded in place from the
 * message's bytes; {@link #seek} skips whole chunks that end before the target. A corrupt chunk is an
 * {@link IngesterRpcException}, never a silent end.
 */
final class XorChunksIterator implements SampleIterator {
    private final List<Chunk> chunks;
    private final Labels series;
    private final String address;
    private final XorIterator decoder = new XorIterator();
    private int nextChunk;
    private boolean inChunk;
    private boolean positioned;
    private long chunkMaxTime;

    XorChunksIterator(List<Chunk> chunks, Labels series, String address) {
        this.chunks = chunks;
        this.series = series;
        this.address = address;
    }

    @Override
    public boolean next() {
        while (true) {
            if (inChunk) {
                if (decoder.next()) {
                    positioned = true;
                    return true;
                }
                endChunk();
            }
            if (!openNextChunk(Long.MIN_VALUE)) {
                return false;
            }
        }
    }

    @Override
    public boolean seek(long t) {
        if (positioned && decoder.timestamp() >= t) {
            return true;
        }
        while (true) {
            if (inChunk && chunkMaxTime >= t) {
                if (decoder.seek(t)) {
                    positioned = true;
                    return true;
                }
                endChunk();
            }
            inChunk = false;
            if (!openNextChunk(t)) {
                return false;
            }
        }
    }

    /** Opens the next chunk that ends at or after {@code minMaxTime}; false if there is none. */
    private boolean openNextChunk(long minMaxTime) {
        while (nextChunk < chunks.size() && chunks.get(nextChunk).getMaxTimeMs() < minMaxTime) {
            nextChunk++;
        }
        if (nextChunk >= chunks.size()) {
            positioned = false;
            return false;
        }
        Chunk chunk = chunks.get(nextChunk++);
        decoder.reset(MemorySegment.ofBuffer(chunk.getData().asReadOnlyByteBuffer()));
        chunkMaxTime = chunk.getMaxTimeMs();
        inChunk = true;
        return true;
    }

    private void endChunk() {
        inChunk = false;
        positioned = false;
        if (decoder.failure() != null) {
            throw new IngesterRpcException(address, "corrupt chunk " + (nextChunk - 1) + " of series " + series + ": " + decoder.failure().getMessage(),
                    decoder.failure());
        }
    }

    @Override
    public long timestamp() {
        return decoder.timestamp();
    }

    @Override
    public double value() {
        return decoder.value();
    }
}
