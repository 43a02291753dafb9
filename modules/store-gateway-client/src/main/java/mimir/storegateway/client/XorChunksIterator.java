package mimir.storegateway.client;

import java.lang.foreign.MemorySegment;
import java.util.List;

import mimir.model.Labels;
import mimir.model.storage.SampleIterator;
import mimir.proto.prompb.Chunk;
import mimir.tsdb.chunkenc.XorIterator;

/**
 * The samples of one received series: its XOR chunks (ascending, not overlapping, checked on receipt)
 * decoded in place from the message's bytes with one reused decoder. {@link #seek} skips whole
 * chunks that end before the target without decoding them. A corrupt chunk is a
 * {@link StoreGatewayRpcException}, never a silent end of the series.
 */
final class XorChunksIterator implements SampleIterator {
    private final List<Chunk> chunks;
    private final Labels series;
    private final String address;
    private final XorIterator decoder = new XorIterator();
    private int nextChunk;
    private long chunkMaxTime;
    private boolean inChunk;
    private boolean positioned;
    private boolean exhausted;

    XorChunksIterator(List<Chunk> chunks, Labels series, String address) {
        this.chunks = chunks;
        this.series = series;
        this.address = address;
    }

    @Override
    public boolean next() {
        while (!exhausted) {
            if (inChunk) {
                if (decoder.next()) {
                    positioned = true;
                    return true;
                }
                endChunk();
            }
            openChunk(Long.MIN_VALUE);
        }
        return false;
    }

    @Override
    public boolean seek(long t) {
        if (exhausted) {
            return false;
        }
        if (positioned && decoder.timestamp() >= t) {
            return true;
        }
        if (!inChunk || chunkMaxTime < t) {
            // The current chunk (if any) holds nothing at or after t: go straight to the first one that may.
            inChunk = false;
            openChunk(t);
        }
        while (next()) {
            if (decoder.timestamp() >= t) {
                return true;
            }
        }
        return false;
    }

    /** Opens the next chunk ending at or after {@code minMaxTime}, or marks the series exhausted. */
    private void openChunk(long minMaxTime) {
        positioned = false;
        while (nextChunk < chunks.size() && chunks.get(nextChunk).getMaxTimeMs() < minMaxTime) {
            nextChunk++;
        }
        if (nextChunk >= chunks.size()) {
            exhausted = true;
            inChunk = false;
            return;
        }
        Chunk chunk = chunks.get(nextChunk++);
        decoder.reset(MemorySegment.ofBuffer(chunk.getData().asReadOnlyByteBuffer()));
        chunkMaxTime = chunk.getMaxTimeMs();
        inChunk = true;
    }

    private void endChunk() {
        inChunk = false;
        positioned = false;
        if (decoder.failure() != null) {
            throw new StoreGatewayRpcException(address, "corrupt chunk " + (nextChunk - 1) + " of series " + series + ": "
                    + decoder.failure().getMessage(), false, decoder.failure());
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
