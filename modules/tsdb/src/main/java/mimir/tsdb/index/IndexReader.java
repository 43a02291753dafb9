package mimir.tsdb.index;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import mimir.model.Labels;
import mimir.tsdb.encoding.ByteSource;
import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Crc32c;
import mimir.tsdb.encoding.Decoder;

import static java.util.Objects.requireNonNull;

/**
 * Reads an index v2 file. Opening validates the TOC and loads the symbol table and the postings
 * offset table into memory (all entries, not every 32nd as Prometheus does; a store-gateway should
 * use a sparse index-header instead). Series entries and postings lists are read on demand and
 * checksum-verified. Thread-safe.
 */
public final class IndexReader implements Closeable {
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final ByteSource source;
    private final int version;
    private final String[] symbols;
    /** Label names in byte order; index 0 is the all-postings key {@code ""} if present. */
    private final String[] names;
    private final String[][] values;
    private final long[][] postingsOffsets;
    /**
     * Sparse mode: {@code values} and {@code postingsOffsets} hold every {@value #SPARSE_EVERY}th entry of
     * each name, {@code positions} where that entry starts in {@code table} (the postings offset table's
     * body, read on demand for the entries in between); null when every entry is held.
     */
    private final MemorySegment table;
    private final long[][] positions;

    /** In a sparse reader, one postings offset table entry in this many is held in memory (Mimir's sparse index-header samples 1 in 32). */
    public static final int SPARSE_EVERY = 32;

    /** Opens an index read through {@code source}; takes ownership of it. */
    public IndexReader(ByteSource source) throws IOException {
        this(source, false);
    }

    /**
     * Opens an index read through {@code source}; takes ownership of it. A {@code sparse} reader keeps
     * only every {@value #SPARSE_EVERY}th postings offset table entry per label name in memory and reads
     * the others from the table when a lookup needs them (for the store-gateway, whose index-header keeps
     * the table on local disk): the memory of a block's label values shrinks accordingly.
     */
    public IndexReader(ByteSource source, boolean sparse) throws IOException {
        this.source = requireNonNull(source, "source is null");
        long size = source.size();
        if (size < IndexFormat.HEADER_SIZE + IndexFormat.TOC_SIZE) {
            throw new CorruptionException("index too short: " + size + " bytes");
        }
        Decoder header = new Decoder(source.read(0, IndexFormat.HEADER_SIZE));
        int magic = header.be32();
        if (magic != IndexFormat.MAGIC) {
            throw new CorruptionException("index: invalid magic number " + Integer.toHexString(magic));
        }
        version = header.u8();
        if (version != 2 && version != 3) {
            throw new CorruptionException("index: unsupported version " + version + " (this reader supports 2 and 3)");
        }
        MemorySegment toc = source.read(size - IndexFormat.TOC_SIZE, IndexFormat.TOC_SIZE);
        Crc32c.verify(toc.asSlice(0, 48), toc.get(INT_BE, 48), "index TOC");
        Decoder tocDecoder = new Decoder(toc);
        long symbolsOffset = tocDecoder.be64();
        tocDecoder.skip(8 * 4);
        long postingsTableOffset = tocDecoder.be64();

        this.symbols = readSymbols(symbolsOffset);

        List<String> nameList = new ArrayList<>();
        List<String[]> valueList = new ArrayList<>();
        List<long[]> offsetList = new ArrayList<>();
        List<long[]> positionList = new ArrayList<>();
        MemorySegment tableBody = null;
        if (postingsTableOffset != 0) {
            Decoder table = section(postingsTableOffset, "postings offset table");
            tableBody = table.segment();
            long count = table.be32Unsigned();
            String currentName = null;
            List<String> currentValues = new ArrayList<>();
            long[] currentOffsets = new long[16];
            long[] currentPositions = new long[16];
            int inName = 0;
            for (long i = 0; i < count; i++) {
                long position = table.position();
                if (table.uvarint() != 2) {
                    throw new CorruptionException("postings offset table entry " + i + ": expected 2 key strings");
                }
                String name = table.uvarintString();
                String value = table.uvarintString();
                long offset = table.uvarint();
                if (!name.equals(currentName)) {
                    if (currentName != null) {
                        nameList.add(currentName);
                        valueList.add(currentValues.toArray(String[]::new));
                        offsetList.add(Arrays.copyOf(currentOffsets, currentValues.size()));
                        positionList.add(Arrays.copyOf(currentPositions, currentValues.size()));
                    }
                    currentName = name;
                    currentValues.clear();
                    inName = 0;
                }
                if (!sparse || inName % SPARSE_EVERY == 0) {
                    if (currentValues.size() == currentOffsets.length) {
                        currentOffsets = Arrays.copyOf(currentOffsets, currentOffsets.length * 2);
                        currentPositions = Arrays.copyOf(currentPositions, currentPositions.length * 2);
                    }
                    currentOffsets[currentValues.size()] = offset;
                    currentPositions[currentValues.size()] = position;
                    currentValues.add(value);
                }
                inName++;
            }
            if (currentName != null) {
                nameList.add(currentName);
                valueList.add(currentValues.toArray(String[]::new));
                offsetList.add(Arrays.copyOf(currentOffsets, currentValues.size()));
                positionList.add(Arrays.copyOf(currentPositions, currentValues.size()));
            }
        }
        this.names = nameList.toArray(String[]::new);
        this.values = valueList.toArray(String[][]::new);
        this.postingsOffsets = offsetList.toArray(long[][]::new);
        this.table = sparse ? tableBody : null;
        this.positions = sparse ? positionList.toArray(long[][]::new) : null;
        for (int i = 1; i < names.length; i++) {
            if (Labels.compareUtf8(names[i - 1], names[i]) >= 0) {
                throw new CorruptionException("postings offset table not sorted at label name " + names[i]);
            }
        }
    }

    /** Memory-maps and opens an index file. */
    public static IndexReader open(Path file) throws IOException {
        ByteSource source = ByteSource.map(file);
        try {
            return new IndexReader(source);
        }
        catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Reads a {@code len <4b> | body | CRC32C} section, verifies it and returns a decoder over the body. */
    private Decoder section(long offset, String what) throws IOException {
        long length = new Decoder(source.read(offset, 4)).be32Unsigned();
        MemorySegment bytes = source.read(offset + 4, length + 4);
        Crc32c.verify(bytes.asSlice(0, length), bytes.get(INT_BE, length), what + " at " + offset);
        return new Decoder(bytes.asSlice(0, length));
    }

    private String[] readSymbols(long offset) throws IOException {
        if (offset == 0) {
            return new String[0];
        }
        Decoder decoder = section(offset, "symbol table");
        long count = decoder.be32Unsigned();
        if (count > decoder.remaining()) {
            throw new CorruptionException("symbol table announces " + count + " symbols in " + decoder.remaining() + " bytes");
        }
        String[] result = new String[(int) count];
        for (int i = 0; i < result.length; i++) {
            result[i] = decoder.uvarintString();
        }
        return result;
    }

    public int version() {
        return version;
    }

    /** The symbol with reference {@code ref} (its position in the symbol table). */
    public String symbol(long ref) throws CorruptionException {
        if (ref < 0 || ref >= symbols.length) {
            throw new CorruptionException("symbol reference " + ref + " out of range (" + symbols.length + " symbols)");
        }
        return symbols[(int) ref];
    }

    /** All symbols in byte order. */
    public List<String> symbols() {
        return Collections.unmodifiableList(Arrays.asList(symbols));
    }

    /**
     * Decodes the series with reference {@code ref}: returns its labels and replaces the contents of
     * {@code chunks} with its chunk metas.
     */
    public Labels series(long ref, ChunkMetas chunks) throws IOException {
        long offset = ref * IndexFormat.SERIES_ALIGNMENT;
        long size = source.size();
        if (ref < 0 || offset >= size) {
            throw new CorruptionException("series reference " + ref + " outside index of " + size + " bytes");
        }
        Decoder lengthDecoder = new Decoder(source.read(offset, Math.min(10, size - offset)));
        long length = lengthDecoder.uvarint();
        MemorySegment bytes = source.read(offset + lengthDecoder.position(), length + 4);
        Crc32c.verify(bytes.asSlice(0, length), bytes.get(INT_BE, length), "series " + ref);
        Decoder decoder = new Decoder(bytes.asSlice(0, length));
        long labelCount = decoder.uvarint();
        if (labelCount > length) {
            throw new CorruptionException("series " + ref + " announces " + labelCount + " labels in " + length + " bytes");
        }
        String[] pairs = new String[(int) labelCount * 2];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = symbol(decoder.uvarint32());
        }
        chunks.clear();
        long chunkCount = decoder.uvarint();
        long maxTime = 0;
        long chunkRef = 0;
        for (long i = 0; i < chunkCount; i++) {
            long minTime;
            if (i == 0) {
                minTime = decoder.varint();
                maxTime = minTime + decoder.uvarint();
                chunkRef = decoder.uvarint();
            }
            else {
                minTime = maxTime + decoder.uvarint();
                maxTime = minTime + decoder.uvarint();
                chunkRef += decoder.varint();
            }
            chunks.add(chunkRef, minTime, maxTime);
        }
        try {
            return Labels.ofSorted(pairs);
        }
        catch (IllegalArgumentException e) {
            throw new CorruptionException("series " + ref + ": " + e.getMessage(), e);
        }
    }

    /** Label names present in the block, in byte order (the all-postings key excluded). */
    public List<String> labelNames() {
        List<String> result = new ArrayList<>(names.length);
        for (String name : names) {
            if (!name.isEmpty()) {
                result.add(name);
            }
        }
        return result;
    }

    /** Values of a label name in byte order; empty if the name is absent. */
    public List<String> labelValues(String name) {
        int index = nameIndex(name);
        if (index < 0) {
            return List.of();
        }
        if (table == null) {
            return Collections.unmodifiableList(Arrays.asList(values[index]));
        }
        List<String> all = new ArrayList<>();
        try {
            Decoder decoder = new Decoder(table).position(positions[index][0]);
            while (decoder.remaining() > 0) {
                decoder.uvarint();
                if (!decoder.uvarintString().equals(name)) {
                    break;
                }
                all.add(decoder.uvarintString());
                decoder.uvarint();
            }
        }
        catch (CorruptionException e) {
            throw new IllegalStateException("postings offset table of " + source + ": " + e.getMessage(), e);
        }
        return Collections.unmodifiableList(all);
    }

    /** In a sparse reader, the postings offset of {@code name=value} found from the nearest held entry; -1 if absent. */
    private long sparseOffset(int index, String value) throws CorruptionException {
        String[] held = values[index];
        int found = Arrays.binarySearch(held, value, Labels::compareUtf8);
        if (found >= 0) {
            return postingsOffsets[index][found];
        }
        int before = -found - 2;
        if (before < 0) {
            return -1;
        }
        Decoder decoder = new Decoder(table).position(positions[index][before]);
        String name = names[index];
        for (int i = 0; i <= SPARSE_EVERY && decoder.remaining() > 0; i++) {
            decoder.uvarint();
            if (!decoder.uvarintString().equals(name)) {
                return -1;
            }
            String candidate = decoder.uvarintString();
            long offset = decoder.uvarint();
            int cmp = Labels.compareUtf8(candidate, value);
            if (cmp == 0) {
                return offset;
            }
            if (cmp > 0) {
                return -1;
            }
        }
        return -1;
    }

    private int nameIndex(String name) {
        int low = 0;
        int high = names.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cmp = Labels.compareUtf8(names[mid], name);
            if (cmp < 0) {
                low = mid + 1;
            }
            else if (cmp > 0) {
                high = mid - 1;
            }
            else {
                return mid;
            }
        }
        return -1;
    }

    /** Series refs having label {@code name=value}; empty if absent. */
    public Postings postings(String name, String value) throws IOException {
        int index = nameIndex(name);
        if (index < 0) {
            return Postings.empty();
        }
        if (table != null) {
            long offset = sparseOffset(index, value);
            return offset < 0 ? Postings.empty() : readPostings(offset);
        }
        int valueIndex = Arrays.binarySearch(values[index], value, Labels::compareUtf8);
        if (valueIndex < 0) {
            return Postings.empty();
        }
        return readPostings(postingsOffsets[index][valueIndex]);
    }

    /** Series refs having label {@code name} with any of {@code values} (a union). */
    public Postings postings(String name, List<String> values) throws IOException {
        List<Postings> lists = new ArrayList<>(values.size());
        for (String value : values) {
            lists.add(postings(name, value));
        }
        return Postings.union(lists);
    }

    /** Every series in the block, in label order. */
    public Postings allPostings() throws IOException {
        return postings(IndexFormat.ALL_POSTINGS_KEY, IndexFormat.ALL_POSTINGS_KEY);
    }

    private Postings readPostings(long offset) throws IOException {
        Decoder decoder = section(offset, "postings list");
        long count = decoder.be32Unsigned();
        if (count * 4 != decoder.remaining()) {
            throw new CorruptionException("postings list at " + offset + " announces " + count + " entries in " + decoder.remaining() + " bytes");
        }
        return new BigEndianPostings(decoder.slice(count * 4), (int) count);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
