package mimir.tsdb.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mimir.model.Labels;
import mimir.tsdb.chunkenc.ChunkEncoding;
import mimir.tsdb.chunkenc.XorIterator;
import mimir.tsdb.chunks.Chunk;
import mimir.tsdb.chunks.ChunkReader;
import mimir.tsdb.index.ChunkMetas;
import mimir.tsdb.index.IndexReader;
import mimir.tsdb.index.Postings;

/**
 * {@code promtool tsdb dump} lines ({@code {labels} value timestamp}) parsed into a canonical form,
 * and the same form produced by our readers, so tests compare sample lists exactly. Values are
 * canonicalised by parsing Go's {@code %g} text to a double and printing it with Java: both are
 * shortest round-trip forms of the same binary64, so equal text means equal value (every NaN
 * prints as {@code NaN}, as in the dump).
 */
public final class TestingDump {
    private TestingDump() {}

    public record Line(String labels, long timestamp, String value) {
        @Override
        public String toString() {
            return labels + " " + value + " " + timestamp;
        }
    }

    public static List<Line> parse(Path dumpFile) throws IOException {
        List<Line> lines = new ArrayList<>();
        for (String text : Files.readAllLines(dumpFile, StandardCharsets.UTF_8)) {
            if (text.isBlank()) {
                continue;
            }
            int timestampStart = text.lastIndexOf(' ');
            int valueStart = text.lastIndexOf(' ', timestampStart - 1);
            String value = text.substring(valueStart + 1, timestampStart);
            lines.add(new Line(text.substring(0, valueStart), Long.parseLong(text.substring(timestampStart + 1)), canonical(parseGo(value))));
        }
        return lines;
    }

    private static double parseGo(String value) {
        return switch (value) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
    }

    public static String canonical(double value) {
        return Double.isNaN(value) ? "NaN" : Double.toString(value);
    }

    public static Line line(Labels labels, long timestamp, double value) {
        return new Line(labels.toString(), timestamp, canonical(value));
    }

    /** Every sample of a block in dump order (series order, then time), read with our index and chunk readers. */
    public static List<Line> readBlock(Path blockDir) throws IOException {
        List<Line> lines = new ArrayList<>();
        try (IndexReader index = IndexReader.open(blockDir.resolve("index"));
                ChunkReader chunks = ChunkReader.open(blockDir.resolve("chunks"))) {
            Postings all = index.allPostings();
            ChunkMetas metas = new ChunkMetas();
            XorIterator iterator = new XorIterator();
            while (all.next()) {
                Labels labels = index.series(all.at(), metas);
                for (int i = 0; i < metas.size(); i++) {
                    Chunk chunk = chunks.chunkVerified(metas.ref(i));
                    if (chunk.encoding() != ChunkEncoding.XOR) {
                        throw new AssertionError("unexpected chunk encoding " + ChunkEncoding.name(chunk.encoding()));
                    }
                    iterator.reset(chunk.data());
                    long first = Long.MIN_VALUE;
                    long last = Long.MIN_VALUE;
                    while (iterator.next()) {
                        first = first == Long.MIN_VALUE ? iterator.timestamp() : first;
                        last = iterator.timestamp();
                        lines.add(line(labels, iterator.timestamp(), iterator.value()));
                    }
                    if (iterator.failure() != null) {
                        throw iterator.failure();
                    }
                    if (first != metas.minTime(i) || last != metas.maxTime(i)) {
                        throw new AssertionError("chunk meta " + metas + " of " + labels + " disagrees with samples " + first + ".." + last);
                    }
                }
            }
        }
        return lines;
    }
}
