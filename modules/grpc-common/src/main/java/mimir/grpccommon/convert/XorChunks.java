package mimir.grpccommon.convert;

import com.google.protobuf.UnsafeByteOperations;

import mimir.model.storage.SampleIterator;
import mimir.proto.prompb.Chunk;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;

/** How a server streams a series' samples: as {@code prometheus.Chunk} messages of XOR chunks. */
public final class XorChunks {
    private XorChunks() {}

    /**
     * The next up to {@code maxSamples} float samples of {@code samples} as an XOR chunk, or null at
     * its end. A histogram sample, which has no XOR encoding, is handed to {@code onHistogram}: it is
     * skipped if that returns, and ends the chunk with the exception if it throws.
     */
    public static Chunk next(SampleIterator samples, int maxSamples, Runnable onHistogram) {
        XorChunk chunk = null;
        XorAppender appender = null;
        long minTime = 0;
        long maxTime = 0;
        int count = 0;
        while (count < maxSamples && samples.next()) {
            if (samples.histogram()) {
                onHistogram.run();
                continue;
            }
            long t = samples.timestamp();
            if (chunk == null) {
                chunk = new XorChunk();
                appender = chunk.appender();
                minTime = t;
            }
            appender.append(t, samples.value());
            maxTime = t;
            count++;
        }
        if (chunk == null) {
            return null;
        }
        return Chunk.newBuilder()
                .setMinTimeMs(minTime)
                .setMaxTimeMs(maxTime)
                .setType(Chunk.Encoding.XOR)
                .setData(UnsafeByteOperations.unsafeWrap(chunk.bytes()))
                .build();
    }
}
