package mimir.tsdb.index;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mimir.model.Labels;
import mimir.tsdb.encoding.Encoder;

import static java.util.Objects.requireNonNull;

/**
 * Writes an index v2 file in Prometheus's stages: every symbol with {@link #addSymbol} in ascending
 * UTF-8 byte order, then every series with {@link #addSeries} in ascending label order, then
 * {@link #close()}, which writes postings lists (all-postings first), the postings offset table and
 * the TOC, and fsyncs. The obsolete label-index sections are not written; their TOC fields point at
 * the postings and the postings offset table, as current Prometheus does.
 *
 * <p>Postings are collected in memory (one {@code long} per series and label). Not thread-safe.
 */
public final class IndexWriter implements Closeable {
    private enum Stage { SYMBOLS, SERIES, DONE }

    private final FileChannel channel;
    private final OutputStream out;
    private final Encoder buffer = new Encoder(4096);
    private final Encoder lengthPrefix = new Encoder(16);
    private final Encoder symbolTable = new Encoder(4096);
    private final Map<String, Integer> symbolRefs = new HashMap<>();
    private final Map<String, Map<String, LongList>> postings = new HashMap<>();
    private final LongList allPostings = new LongList();
    private String lastSymbol;
    private Labels lastSeries;
    private Stage stage = Stage.SYMBOLS;
    private long position;
    private long seriesOffset;

    public IndexWriter(Path file) throws IOException {
        this.channel = FileChannel.open(requireNonNull(file, "file is null"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
        write(buffer.reset().be32(IndexFormat.MAGIC).u8(IndexFormat.VERSION_2));
    }

    /** Adds the next symbol; symbols must be unique and in ascending UTF-8 byte order. */
    public void addSymbol(String symbol) {
        requireNonNull(symbol, "symbol is null");
        if (stage != Stage.SYMBOLS) {
            throw new IllegalStateException("symbols must be added before any series");
        }
        if (lastSymbol != null && Labels.compareUtf8(lastSymbol, symbol) >= 0) {
            throw new IllegalArgumentException("symbol out of order: \"" + symbol + "\" after \"" + lastSymbol + "\"");
        }
        symbolRefs.put(symbol, symbolRefs.size());
        symbolTable.uvarintString(symbol);
        lastSymbol = symbol;
    }

    /**
     * Adds the next series with its chunk metas (time-ordered, non-overlapping, refs ascending) and
     * returns its series reference. Every label name and value must have been added as a symbol.
     */
    public long addSeries(Labels labels, ChunkMetas chunks) throws IOException {
        if (stage == Stage.SYMBOLS) {
            writeSymbols();
        }
        if (stage != Stage.SERIES) {
            throw new IllegalStateException("index writer is closed");
        }
        if (lastSeries != null && lastSeries.compareTo(labels) >= 0) {
            throw new IllegalArgumentException("series out of order: " + labels + " after " + lastSeries);
        }
        pad(IndexFormat.SERIES_ALIGNMENT);
        long ref = position / IndexFormat.SERIES_ALIGNMENT;
        if (ref > 0xffff_ffffL) {
            throw new IOException("index exceeds the 64 GiB that 32-bit series references can address");
        }
        Encoder body = buffer.reset();
        body.uvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            body.uvarint(symbolRef(labels.name(i))).uvarint(symbolRef(labels.value(i)));
        }
        body.uvarint(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            long minTime = chunks.minTime(i);
            long maxTime = chunks.maxTime(i);
            if (maxTime < minTime || (i > 0 && (minTime <= chunks.maxTime(i - 1) || chunks.ref(i) <= chunks.ref(i - 1)))) {
                throw new IllegalArgumentException("chunk metas of " + labels + " not ordered/non-overlapping: " + chunks);
            }
            if (i == 0) {
                body.varint(minTime).uvarint(maxTime - minTime).uvarint(chunks.ref(i));
            }
            else {
                body.uvarint(minTime - chunks.maxTime(i - 1)).uvarint(maxTime - minTime).varint(chunks.ref(i) - chunks.ref(i - 1));
            }
        }
        int crc = body.crc32c(0);
        write(lengthPrefix.reset().uvarint(body.length()));
        write(body);
        write(buffer.reset().be32(crc));

        allPostings.add(ref);
        for (int i = 0; i < labels.size(); i++) {
            postings.computeIfAbsent(labels.name(i), name -> new HashMap<>()).computeIfAbsent(labels.value(i), value -> new LongList()).add(ref);
        }
        lastSeries = labels;
        return ref;
    }

    private int symbolRef(String symbol) {
        Integer ref = symbolRefs.get(symbol);
        if (ref == null) {
            throw new IllegalArgumentException("symbol not added: \"" + symbol + "\"");
        }
        return ref;
    }

    private void writeSymbols() throws IOException {
        Encoder section = buffer.reset();
        section.be32(0).be32(symbolRefs.size()).bytes(symbolTable.array(), 0, symbolTable.length());
        section.putBe32At(0, section.length() - 4);
        section.be32(section.crc32c(4));
        write(section);
        seriesOffset = position;
        stage = Stage.SERIES;
    }

    /** Writes postings, postings offset table and TOC, then fsyncs and closes the file. */
    @Override
    public void close() throws IOException {
        if (stage == Stage.DONE) {
            return;
        }
        try {
            if (stage == Stage.SYMBOLS) {
                writeSymbols();
            }
            stage = Stage.DONE;
            long postingsStart = position;
            Encoder table = new Encoder(4096);
            int entries = 0;
            writePostings(IndexFormat.ALL_POSTINGS_KEY, IndexFormat.ALL_POSTINGS_KEY, allPostings, table);
            entries++;
            List<String> names = new ArrayList<>(postings.keySet());
            names.sort(Labels::compareUtf8);
            for (String name : names) {
                Map<String, LongList> byValue = postings.get(name);
                List<String> values = new ArrayList<>(byValue.keySet());
                values.sort(Labels::compareUtf8);
                for (String value : values) {
                    writePostings(name, value, byValue.get(value), table);
                    entries++;
                }
            }
            long tableOffset = position;
            Encoder section = buffer.reset();
            section.be32(0).be32(entries).bytes(table.array(), 0, table.length());
            section.putBe32At(0, section.length() - 4);
            section.be32(section.crc32c(4));
            write(section);

            Encoder toc = buffer.reset();
            toc.be64(IndexFormat.HEADER_SIZE).be64(seriesOffset).be64(postingsStart).be64(tableOffset).be64(postingsStart).be64(tableOffset);
            toc.be32(toc.crc32c(0));
            write(toc);
            out.flush();
            channel.force(true);
        }
        finally {
            out.close();
        }
    }

    private void writePostings(String name, String value, LongList refs, Encoder table) throws IOException {
        pad(4);
        table.uvarint(2).uvarintString(name).uvarintString(value).uvarint(position);
        Encoder section = buffer.reset();
        section.be32(0).be32(refs.size);
        for (int i = 0; i < refs.size; i++) {
            section.be32((int) refs.values[i]);
        }
        section.putBe32At(0, section.length() - 4);
        section.be32(section.crc32c(4));
        write(section);
    }

    private void pad(int alignment) throws IOException {
        while (position % alignment != 0) {
            out.write(0);
            position++;
        }
    }

    private void write(Encoder encoder) throws IOException {
        out.write(encoder.array(), 0, encoder.length());
        position += encoder.length();
    }

    private static final class LongList {
        private long[] values = new long[4];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
