package mimir.grpccommon.convert;

import static java.util.Objects.requireNonNull;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.BiFunction;

import mimir.model.Labels;
import mimir.model.storage.SampleIterator;
import mimir.proto.prompb.Chunk;
import mimir.tsdb.chunkenc.XorIterator;

/**
 * The samples of one received series: its XOR chunks (ascending, not overlapping), decoded in place
 * from the message's bytes with one reused decoder. {@link #seek} skips whole chunks that end before
 * the target without decoding them. A corrupt chunk is the exception the caller's {@code corruption}
 * makes of a message naming the chunk and the series, never a silent end of the series.
 */
public final class XorChunksIterator implements SampleIterator {
    private final List<Chunk> chunks;
    private final Labels series;
    private final BiFunction<String, Throwable, ? extends RuntimeException> corruption;
    private final XorIterator decoder = new XorIterator();
    private int nextChunk;
    private boolean inChunk;
    private boolean positioned;
    private long chunkMaxTime;

    /** The samples of {@code chunks}; {@code corruption} makes the exception for a message and its cause. */
    public XorChunksIterator(List<Chunk> chunks, Labels series, BiFunction<String, Throwable, ? extends RuntimeException> corruption) {
        this.chunks = requireNonNull(chunks, "chunks is null");
        this.series = requireNonNull(series, "series is null");
        this.corruption = requireNonNull(corruption, "corruption is null");
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
            throw corruption.apply("corrupt chunk " + (nextChunk - 1) + " of series " + series + ": " + decoder.failure().getMessage(),
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
