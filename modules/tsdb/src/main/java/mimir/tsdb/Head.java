package mimir.tsdb;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Queryable;
import mimir.tsdb.chunkenc.ChunkEncoding;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;
import mimir.tsdb.chunkenc.XorIterator;
import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Encoder;
import mimir.tsdb.head.HeadCheckpoint;
import mimir.tsdb.head.LongObjectMap;
import mimir.tsdb.head.MemPostings;
import mimir.tsdb.head.MemSeries;
import mimir.tsdb.head.ReplayBuffer;
import mimir.tsdb.head.SeriesChunks;
import mimir.tsdb.head.SeriesRefs;
import mimir.tsdb.index.Postings;
import mimir.tsdb.record.RecordDecoder;
import mimir.tsdb.record.RecordEncoder;
import mimir.tsdb.record.RecordType;
import mimir.tsdb.record.RefSeries;
import mimir.tsdb.record.RefTombstone;
import mimir.tsdb.record.SampleBatch;
import mimir.tsdb.tombstones.Interval;
import mimir.tsdb.tombstones.Tombstones;
import mimir.tsdb.wal.WalCorruptionException;
import mimir.tsdb.wal.WalReader;
import mimir.tsdb.wal.WalRepair;
import mimir.tsdb.wal.WalSegments;
import mimir.tsdb.wal.WalWriter;

import static java.util.Objects.requireNonNull;

/**
 * The in-memory head of the storage engine, Prometheus's {@code tsdb.Head}: the series being written,
 * each with its recent XOR chunks, an inverted index over their labels, and a write-ahead log that
 * makes every committed sample survive a crash.
 *
 * <p><b>Writing.</b> {@link #appender()} returns a batch; {@link HeadAppender#commit()} writes a series
 * record for each series the WAL does not know yet, then one samples record, and only then makes the
 * samples visible. Commits are serialised (one WAL writer); appends to the batch run concurrently.
 *
 * <p><b>Reading.</b> {@link #querier(long, long)} selects series by matchers and iterates their chunks;
 * a querier sees what was committed when it reads a series (no isolation of concurrent commits).
 * {@link #delete} hides samples through tombstones, which are logged to the WAL as well.
 *
 * <p><b>Persisting.</b> {@link #chunkSeriesSet(long, long)} hands the chunks of a finished time range to
 * the block writer; {@link #truncate(long)} then drops them from memory, garbage-collects empty series,
 * and replaces the WAL segments so far by a checkpoint ({@code wal/checkpoint.NNNNNNNN}).
 *
 * <p><b>Recovery.</b> {@link #open(Path, HeadOptions)} replays the newest checkpoint and the segments after
 * it, re-cutting chunks exactly as the original appends did. A torn or corrupt tail is cut off with
 * {@link WalRepair} (logged); every record before it is kept.
 */
public final class Head implements Queryable, Closeable {
    private static final System.Logger LOG = System.getLogger(Head.class.getName());
    private static final int STRIPES = 256;

    private final HeadOptions options;
    private final Path walDir;
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final SeriesRefs refs = new SeriesRefs();
    private final MemPostings postings = new MemPostings();
    private final AtomicLong lastRef = new AtomicLong();
    private final AtomicInteger seriesCount = new AtomicInteger();
    private final AtomicLong rejectedAtCommit = new AtomicLong();
    private final AtomicLong seriesCreated = new AtomicLong();
    private final AtomicLong seriesRemoved = new AtomicLong();
    private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);
    private final ReentrantLock truncateLock = new ReentrantLock();
    /** Serialises commits, deletions and WAL rotation: the WAL writer and encoder are not thread-safe. */
    private final Object commitLock = new Object();
    private final Encoder encoder = new Encoder(64 * 1024);
    /** WAL refs of duplicate series records seen in replay, mapped to the live series' ref. */
    private final LongObjectMap<Long> replayAliases = new LongObjectMap<>();
    private volatile Tombstones tombstones = new Tombstones();
    private volatile long minValidTime = Long.MIN_VALUE;
    private WalWriter wal;
    private boolean closed;

    /**
     * Series by labels, in the stripe of their labels' hash (by ref they are in {@link #refs}). Lookups
     * do not lock (the map is concurrent); creation and removal lock the stripe, so a series is created
     * once.
     */
    private static final class Stripe {
        final ConcurrentHashMap<Labels, MemSeries> byLabels = new ConcurrentHashMap<>();
    }

    private Head(HeadOptions options, Path walDir) {
        this.options = requireNonNull(options, "options is null");
        this.walDir = walDir;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** A head without a WAL: nothing survives {@link #close()}. */
    public static Head inMemory(HeadOptions options) {
        return new Head(options, null);
    }

    /**
     * Opens the head of data directory {@code dir}, replaying {@code dir/wal} (newest checkpoint, then the
     * segments after it) and repairing a corrupt tail, then appends to a new WAL segment.
     */
    public static Head open(Path dir, HeadOptions options) throws IOException {
        requireNonNull(dir, "dir is null");
        Path walDir = dir.resolve("wal");
        Files.createDirectories(walDir);
        Head head = new Head(options, walDir);
        if (!head.loadSnapshot(dir.resolve(SNAPSHOT_FILE))) {
            head.replay();
        }
        head.wal = WalWriter.open(walDir, options.wal());
        return head;
    }

    // ---- snapshot on shutdown

    /** The snapshot file in the head's directory, beside {@code wal/}. */
    public static final String SNAPSHOT_FILE = "head_snapshot";
    private static final long SNAPSHOT_MAGIC = 0x4d494d4952485331L; // "MIMIRHS1"
    private static final int SNAPSHOT_VERSION = 2;
    private static final int SNAPSHOT_SERIES = 1;
    private static final int SNAPSHOT_END = 0xff;

    /**
     * Writes every series with its chunks to {@code dir/head_snapshot} after the WAL is closed, naming
     * the WAL's last segment and its size: an open that finds the WAL exactly so loads the snapshot
     * instead of replaying the WAL (Prometheus's and Mimir's {@code memory-snapshot-on-shutdown}). Written
     * to a temporary file, fsynced and renamed; the WAL stays whole, so a stale or broken snapshot only
     * costs the replay it would have saved.
     */
    private void writeSnapshot(Path dir) throws IOException {
        List<WalSegments.Segment> segments = WalSegments.list(walDir);
        if (segments.isEmpty() || !tombstones.isEmpty()) {
            // Tombstones are not in the snapshot format: the WAL replays them.
            return;
        }
        WalSegments.Segment last = segments.getLast();
        long start = System.nanoTime();
        Path temporary = dir.resolve(SNAPSHOT_FILE + ".tmp");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        long[] seriesWritten = {0};
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            Encoder out = new Encoder(1 << 20);
            out.be64(SNAPSHOT_MAGIC).be32(SNAPSHOT_VERSION).be64(last.index()).be64(Files.size(last.path()))
                    .be64(lastRef.get()).be64(minTime.get()).be64(maxTime.get());
            // The symbol table: every label name and value once, then series name them by number (loading
            // decodes a string per symbol, not per label, and hands the index the same instances).
            java.util.HashMap<String, Integer> symbols = new java.util.HashMap<>();
            List<String> symbolList = new ArrayList<>();
            refs.forEach(series -> {
                synchronized (series) {
                    Labels labels = series.labels();
                    for (int i = 0; i < labels.size(); i++) {
                        addSymbol(symbols, symbolList, labels.name(i));
                        addSymbol(symbols, symbolList, labels.value(i));
                    }
                }
            });
            out.uvarint(symbolList.size());
            for (String symbol : symbolList) {
                out.uvarintString(symbol);
                if (out.length() >= 1 << 20) {
                    flushSnapshot(channel, out, crc);
                }
            }
            IOException[] failure = {null};
            refs.forEach(series -> {
                if (failure[0] != null) {
                    return;
                }
                synchronized (series) {
                    if (series.isDeleted()) {
                        return;
                    }
                    Labels labels = series.labels();
                    int[] ids = new int[labels.size() * 2];
                    for (int i = 0; i < ids.length; i++) {
                        Integer id = symbols.get(i % 2 == 0 ? labels.name(i / 2) : labels.value(i / 2));
                        if (id == null) {
                            // Created after the symbols were collected (the head is closed, so never): leave it to the WAL.
                            failure[0] = new IOException("series " + series.ref() + " has labels outside the snapshot's symbols");
                            return;
                        }
                        ids[i] = id;
                    }
                    out.u8(SNAPSHOT_SERIES).uvarint(series.ref()).uvarint(labels.size());
                    for (int id : ids) {
                        out.uvarint(id);
                    }
                    series.writeSnapshot(out);
                }
                seriesWritten[0]++;
                if (out.length() >= 1 << 20) {
                    try {
                        flushSnapshot(channel, out, crc);
                    }
                    catch (IOException e) {
                        failure[0] = e;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            out.u8(SNAPSHOT_END).uvarint(seriesWritten[0]);
            flushSnapshot(channel, out, crc);
            out.be32((int) crc.getValue());
            channel.write(java.nio.ByteBuffer.wrap(out.array(), 0, out.length()));
            channel.force(true);
        }
        Files.move(temporary, dir.resolve(SNAPSHOT_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        LOG.log(System.Logger.Level.INFO, "wrote head snapshot dir=" + dir + " series=" + seriesWritten[0] + " bytes="
                + Files.size(dir.resolve(SNAPSHOT_FILE)) + " duration=" + (System.nanoTime() - start) / 1_000_000 + "ms");
    }

    private static void addSymbol(java.util.Map<String, Integer> symbols, List<String> symbolList, String symbol) {
        if (symbols.putIfAbsent(symbol, symbolList.size()) == null) {
            symbolList.add(symbol);
        }
    }

    private static void flushSnapshot(java.nio.channels.FileChannel channel, Encoder out, java.util.zip.CRC32C crc) throws IOException {
        crc.update(out.array(), 0, out.length());
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(out.array(), 0, out.length());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        out.reset();
    }

    /**
     * Loads {@code file} if it is a whole snapshot of exactly the WAL on disk (same last segment and
     * size), then deletes it (the WAL about to be appended to makes it stale); false, after deleting a
     * stale or broken one, if the WAL must be replayed instead.
     */
    private boolean loadSnapshot(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        long start = System.nanoTime();
        String problem = null;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
                java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            long size = channel.size();
            if (size < 8 + 4 + 8 * 5 + 4) {
                problem = "too short";
            }
            else {
                MemorySegment data = channel.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, size, arena);
                java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                crc.update(data.asSlice(0, size - 4).asByteBuffer());
                mimir.tsdb.encoding.Decoder in = new mimir.tsdb.encoding.Decoder(data);
                in.position(size - 4);
                if (in.be32() != (int) crc.getValue()) {
                    problem = "checksum mismatch";
                }
                else {
                    problem = loadSnapshot(new mimir.tsdb.encoding.Decoder(data.asSlice(0, size - 4)));
                }
            }
        }
        catch (CorruptionException | RuntimeException e) {
            problem = "corrupt: " + e.getMessage();
        }
        Files.deleteIfExists(file);
        if (problem != null) {
            LOG.log(System.Logger.Level.WARNING, "ignoring head snapshot, replaying the wal file=" + file + " reason=\"" + problem + "\"");
            if (seriesCount.get() > 0) {
                // Deleted above, so the next start replays the WAL.
                throw new IOException("head snapshot " + file + " failed after series were loaded (" + problem + "); it was deleted: start again to replay the WAL");
            }
            return false;
        }
        LOG.log(System.Logger.Level.INFO, "loaded head snapshot instead of replaying the wal dir=" + walDir + " series=" + seriesCount.get()
                + " duration=" + (System.nanoTime() - start) / 1_000_000 + "ms");
        return true;
    }

    private static void putBatch(java.util.concurrent.BlockingQueue<MemSeries[]> batches, MemSeries[] batch, Future<?> indexing)
            throws InterruptedException, ExecutionException {
        while (!batches.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (indexing.isDone()) {
                indexing.get();
                throw new IllegalStateException("the snapshot indexer stopped");
            }
        }
    }

    /** Indexes a series restored from a snapshot (labels of the snapshot's shared symbols); fails on a duplicate. */
    private void indexRestored(MemSeries series) {
        Labels labels = series.labels();
        Stripe stripe = labelsStripe(labels);
        synchronized (stripe) {
            if (stripe.byLabels.putIfAbsent(labels, series) != null || refs.get(series.ref()) != null) {
                throw new IllegalArgumentException("series " + series.ref() + " " + labels + " is in the snapshot twice");
            }
            postings.addShared(series.ref(), labels);
        }
        refs.put(series);
        seriesCount.incrementAndGet();
        seriesCreated.incrementAndGet();
    }

    /** Loads a checked snapshot body; the reason it cannot be used, or null once loaded. */
    private String loadSnapshot(mimir.tsdb.encoding.Decoder in) throws CorruptionException {
        if (in.be64() != SNAPSHOT_MAGIC || in.be32() != SNAPSHOT_VERSION) {
            return "not a version " + SNAPSHOT_VERSION + " head snapshot";
        }
        long segment = in.be64();
        long segmentSize = in.be64();
        List<WalSegments.Segment> segments;
        try {
            segments = WalSegments.list(walDir);
            if (segments.isEmpty() || segments.getLast().index() != segment || Files.size(segments.getLast().path()) != segmentSize) {
                return "the wal changed after the snapshot (segment " + segment + " of " + segmentSize + " bytes)";
            }
        }
        catch (IOException e) {
            return "cannot list the wal: " + e.getMessage();
        }
        long snapshotLastRef = in.be64();
        long snapshotMinTime = in.be64();
        long snapshotMaxTime = in.be64();
        long symbolCount = in.uvarint();
        if (symbolCount > in.remaining()) {
            throw new CorruptionException("invalid symbol count " + symbolCount);
        }
        String[] symbols = new String[(int) symbolCount];
        for (int i = 0; i < symbols.length; i++) {
            symbols[i] = in.uvarintString();
        }
        // This thread decodes series and their chunks; a second one indexes them meanwhile (the index,
        // postings and lookup maps, is the larger half of the work), a batch at a time.
        long loaded = 0;
        java.util.concurrent.BlockingQueue<MemSeries[]> batches = new java.util.concurrent.ArrayBlockingQueue<>(8);
        MemSeries[] end = new MemSeries[0];
        Future<?> indexing;
        try (ExecutorService indexer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("head-snapshot-index").daemon().factory())) {
            indexing = indexer.submit(() -> {
                while (true) {
                    MemSeries[] batch = batches.take();
                    if (batch == end) {
                        return null;
                    }
                    for (MemSeries series : batch) {
                        if (series == null) {
                            break;
                        }
                        indexRestored(series);
                    }
                }
            });
            MemSeries[] batch = new MemSeries[1024];
            int inBatch = 0;
            boolean ended = false;
            try {
                while (true) {
                    int type = in.u8();
                    if (type == SNAPSHOT_END) {
                        long count = in.uvarint();
                        if (count != loaded || in.remaining() != 0) {
                            throw new CorruptionException("snapshot ends after " + loaded + " series, expected " + count);
                        }
                        break;
                    }
                    if (type != SNAPSHOT_SERIES) {
                        throw new CorruptionException("unknown snapshot record type " + type);
                    }
                    long ref = in.uvarint();
                    long labelCount = in.uvarint();
                    if (ref == 0 || labelCount == 0 || labelCount > in.remaining()) {
                        throw new CorruptionException("invalid series record ref=" + ref + " labels=" + labelCount);
                    }
                    String[] pairs = new String[(int) labelCount * 2];
                    for (int i = 0; i < pairs.length; i++) {
                        long symbol = in.uvarint();
                        if (symbol >= symbols.length) {
                            throw new CorruptionException("series " + ref + " names symbol " + symbol + " of " + symbols.length);
                        }
                        pairs[i] = symbols[(int) symbol];
                    }
                    MemSeries series = new MemSeries(ref, Labels.ofSorted(pairs), this);
                    series.walLogged(true);
                    series.readSnapshot(in);
                    batch[inBatch++] = series;
                    loaded++;
                    if (inBatch == batch.length) {
                        putBatch(batches, batch, indexing);
                        batch = new MemSeries[batch.length];
                        inBatch = 0;
                    }
                }
                putBatch(batches, batch, indexing);
                putBatch(batches, end, indexing);
                ended = true;
            }
            finally {
                if (!ended) {
                    indexing.cancel(true);
                }
            }
            indexing.get();
        }
        catch (IllegalArgumentException e) {
            throw new CorruptionException("invalid series in the snapshot: " + e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CorruptionException("interrupted while loading the snapshot");
        }
        catch (ExecutionException e) {
            throw new CorruptionException("indexing the snapshot's series failed: " + e.getCause());
        }
        lastRef.accumulateAndGet(snapshotLastRef, Math::max);
        if (snapshotMinTime <= snapshotMaxTime) {
            updateMinMaxTime(snapshotMinTime, snapshotMaxTime);
        }
        return null;
    }

    public HeadOptions options() {
        return options;
    }

    /** A new batch of appends. */
    public HeadAppender appender() {
        return new HeadAppender(this);
    }

    @Override
    public HeadQuerier querier(long mint, long maxt) {
        return new HeadQuerier(this, mint, maxt);
    }

    /** Number of series in memory. */
    public int numSeries() {
        return seriesCount.get();
    }

    /** The ref of the live series with exactly these labels, or 0 if the head has none; never creates one. */
    public long seriesRef(Labels labels) {
        MemSeries series = series(requireNonNull(labels, "labels is null"));
        return series == null ? 0 : series.ref();
    }

    /** The live series with exactly these labels, or null. */
    MemSeries series(Labels labels) {
        return labelsStripe(labels).byLabels.get(labels);
    }

    /** Number of live series with label {@code name="value"}, e.g. the series of one metric name. */
    public int seriesCount(String name, String value) {
        mimir.tsdb.index.Postings refs = postings.get(name, value);
        int count = 0;
        while (refs.next()) {
            count++;
        }
        return count;
    }

    /** Series created since the head was opened (replay included). */
    public long seriesCreatedTotal() {
        return seriesCreated.get();
    }

    /** Series removed by truncation since the head was opened. */
    public long seriesRemovedTotal() {
        return seriesRemoved.get();
    }

    /** Timestamp of the oldest sample, or {@link Long#MAX_VALUE} if the head is empty. */
    public long minTime() {
        return minTime.get();
    }

    /** Timestamp of the newest sample, or {@link Long#MIN_VALUE} if the head is empty. */
    public long maxTime() {
        return maxTime.get();
    }

    /**
     * The oldest timestamp an appender created now accepts: the newest sample minus half the chunk range
     * (so samples never land in a range being persisted), and never before the last truncation.
     */
    public long minValidTime() {
        long max = maxTime.get();
        long bound = max == Long.MIN_VALUE ? Long.MIN_VALUE : max - options.chunkRange() / 2;
        return Math.max(bound, minValidTime);
    }

    /** Rejects samples before {@code time} from now on (e.g. the end of the newest persisted block). */
    public void setMinValidTime(long time) {
        synchronized (commitLock) {
            minValidTime = Math.max(minValidTime, time);
        }
    }

    /** An estimate of the head's heap use in bytes: series, chunks, index and lookup tables. */
    public long memoryEstimateBytes() {
        long bytes = postings.memoryBytes() + refs.memoryBytes();
        for (Stripe stripe : stripes) {
            bytes += 64L + stripe.byLabels.size() * 48L;
        }
        long[] seriesBytes = {0};
        refs.forEach(s -> {
            synchronized (s) {
                seriesBytes[0] += s.memoryBytes();
            }
        });
        return bytes + seriesBytes[0];
    }

    // ---- series lookup and creation

    /**
     * The stripe of a label set, from the <em>high</em> bits of a multiplicative hash: the stripe's
     * map indexes by the low bits, and taking the stripe from those too would leave each map
     * using 1/256 of its buckets (long collision chains turned into tree bins).
     */
    static int labelsStripeIndex(int hash) {
        return (hash * 0x9E3779B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(STRIPES));
    }

    private Stripe labelsStripe(Labels labels) {
        return stripes[labelsStripeIndex(labels.hashCode())];
    }

    /** The live series with this ref, or null. Does not lock. */
    MemSeries series(long ref) {
        return refs.get(ref);
    }

    /** The live series with these labels, created (with the next ref) if missing. */
    MemSeries getOrCreate(Labels labels) {
        return getOrCreate(labels, 0);
    }

    private MemSeries getOrCreate(Labels labels, long wantedRef) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("empty label set");
        }
        Stripe stripe = labelsStripe(labels);
        MemSeries series = stripe.byLabels.get(labels);
        if (series != null) {
            return series;
        }
        synchronized (stripe) {
            series = stripe.byLabels.get(labels);
            if (series != null) {
                return series;
            }
            long ref = wantedRef > 0 ? wantedRef : lastRef.incrementAndGet();
            if (wantedRef > 0) {
                lastRef.accumulateAndGet(wantedRef, Math::max);
            }
            Labels interned = postings.add(ref, labels);
            series = new MemSeries(ref, interned, this);
            stripe.byLabels.put(interned, series);
        }
        refs.put(series);
        seriesCount.incrementAndGet();
        seriesCreated.incrementAndGet();
        return series;
    }

    // ---- commit, delete

    /** True if commits are logged to a WAL. */
    boolean logsToWal() {
        return walDir != null;
    }

    /**
     * Logs and applies a batch; called by {@link HeadAppender#commit()}. {@code unlogged} holds (at
     * least) every series of the batch that had no series record in the WAL when its first sample was
     * appended: a series whose flag was set then is logged for good, so the others need no check here.
     * Each series' pending mark of {@code owner} is cleared as its last sample of the batch is applied.
     *
     * @return the samples that could not be applied because another appender committed a newer sample
     *         of the same series after they were appended (they are in the WAL, and replay rejects them the
     *         same way); identical duplicates are not counted
     * @throws IOException if the WAL write failed; then nothing was applied and no mark cleared
     */
    int commit(Object owner, SampleBatch samples, MemSeries[] series, List<MemSeries> unlogged) throws IOException {
        synchronized (commitLock) {
            if (closed) {
                throw new IllegalStateException("head is closed");
            }
            if (wal != null) {
                List<MemSeries> logged = List.of();
                if (!unlogged.isEmpty()) {
                    logged = new ArrayList<>(unlogged.size());
                    Set<MemSeries> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                    for (MemSeries s : unlogged) {
                        if (!s.walLogged() && seen.add(s)) {
                            logged.add(s);
                        }
                    }
                }
                logSeries(logged);
                wal.log(RecordEncoder.samples(samples, encoder));
                for (MemSeries s : logged) {
                    s.walLogged(true);
                }
            }
            long batchMin = Long.MAX_VALUE;
            long batchMax = Long.MIN_VALUE;
            long chunkRange = options.chunkRange();
            int samplesPerChunk = options.samplesPerChunk();
            int rejected = 0;
            for (int i = 0; i < samples.size(); i++) {
                long t = samples.timestamp(i);
                long bits = Double.doubleToRawLongBits(samples.value(i));
                MemSeries s = series[i];
                synchronized (s) {
                    if (s.append(t, bits, chunkRange, samplesPerChunk)) {
                        batchMin = Math.min(batchMin, t);
                        batchMax = Math.max(batchMax, t);
                    }
                    else if (t != s.maxTime() || bits != s.lastValueBits(null)) {
                        rejected++;
                    }
                    s.clearPendingAt(owner, t);
                }
            }
            updateMinMaxTime(batchMin, batchMax);
            if (rejected > 0) {
                rejectedAtCommit.addAndGet(rejected);
            }
            return rejected;
        }
    }

    /**
     * Samples accepted by an appender but not applied at its commit because a concurrent appender had
     * committed a newer sample of the same series in between (counted, as Prometheus counts them as
     * out-of-order at commit; {@link HeadAppender#commit()} also returns them per batch).
     */
    public long samplesRejectedAtCommit() {
        return rejectedAtCommit.get();
    }

    private void logSeries(List<MemSeries> series) throws IOException {
        if (series.isEmpty()) {
            return;
        }
        List<RefSeries> records = new ArrayList<>(series.size());
        for (MemSeries s : series) {
            records.add(new RefSeries(s.ref(), s.labels()));
        }
        wal.log(RecordEncoder.series(records, encoder));
    }

    private void updateMinMaxTime(long batchMin, long batchMax) {
        if (batchMin <= batchMax) {
            minTime.accumulateAndGet(batchMin, Math::min);
            maxTime.accumulateAndGet(batchMax, Math::max);
        }
    }

    /**
     * Deletes the samples in {@code [mint, maxt]} of every series matching all matchers: records a
     * tombstone per series in the WAL, after which queriers no longer return those samples.
     */
    public void delete(long mint, long maxt, Matcher... matchers) throws IOException {
        if (maxt < mint) {
            throw new IllegalArgumentException("delete range [" + mint + ", " + maxt + "] is empty");
        }
        Postings refs = postings.select(List.of(matchers));
        List<MemSeries> matched = new ArrayList<>();
        while (refs.next()) {
            MemSeries s = series(refs.at());
            if (s != null) {
                matched.add(s);
            }
        }
        if (matched.isEmpty()) {
            return;
        }
        synchronized (commitLock) {
            List<RefTombstone> records = new ArrayList<>(matched.size());
            List<MemSeries> unlogged = new ArrayList<>();
            for (MemSeries s : matched) {
                records.add(new RefTombstone(s.ref(), mint, maxt));
                if (!s.walLogged()) {
                    unlogged.add(s);
                }
            }
            if (wal != null) {
                logSeries(unlogged);
                wal.log(RecordEncoder.tombstones(records, encoder));
                // Only once the record is written: appenders trust a set flag without the commit lock.
                for (MemSeries s : unlogged) {
                    s.walLogged(true);
                }
            }
            Interval interval = new Interval(mint, maxt);
            for (MemSeries s : matched) {
                tombstones.add(s.ref(), interval);
            }
        }
    }

    /** Deleted intervals of a series (sorted, disjoint). */
    List<Interval> deletedIntervals(long ref) {
        return tombstones.get(ref);
    }

    MemPostings postings() {
        return postings;
    }

    // ---- persisting and truncation

    /**
     * The chunks lying fully inside {@code [mint, maxt)}, of every series that has any, in label order:
     * what a block of that range is written from. Deleted samples are left out (chunks touched by a
     * tombstone are re-encoded without them). Chunks are copies or immutable; the head may keep changing.
     */
    public ChunkSeriesSet chunkSeriesSet(long mint, long maxt) {
        List<MemSeries> all = allSeriesSorted();
        return new ChunkSeriesSet() {
            private int index = -1;
            private Labels labels;
            private List<ChunkData> chunks;

            @Override
            public boolean next() {
                SeriesChunks snapshot = new SeriesChunks();
                while (++index < all.size()) {
                    MemSeries s = all.get(index);
                    snapshot.clear();
                    synchronized (s) {
                        s.chunks(mint, maxt - 1, snapshot);
                    }
                    List<Interval> deleted = deletedIntervals(s.ref());
                    List<ChunkData> result = new ArrayList<>(snapshot.size());
                    for (int i = 0; i < snapshot.size(); i++) {
                        if (snapshot.minTime(i) < mint || snapshot.maxTime(i) >= maxt) {
                            continue;
                        }
                        ChunkData chunk = withoutDeleted(snapshot.data(i), snapshot.minTime(i), snapshot.maxTime(i), deleted);
                        if (chunk != null) {
                            result.add(chunk);
                        }
                    }
                    if (!result.isEmpty()) {
                        labels = s.labels();
                        chunks = List.copyOf(result);
                        return true;
                    }
                }
                labels = null;
                chunks = null;
                return false;
            }

            @Override
            public Labels labels() {
                if (labels == null) {
                    throw new IllegalStateException("no current series");
                }
                return labels;
            }

            @Override
            public List<ChunkData> chunks() {
                if (chunks == null) {
                    throw new IllegalStateException("no current series");
                }
                return chunks;
            }
        };
    }

    /** The chunk as is, re-encoded without its deleted samples, or null if nothing is left. */
    private static ChunkData withoutDeleted(byte[] data, long minTime, long maxTime, List<Interval> deleted) {
        boolean touched = false;
        for (Interval interval : deleted) {
            if (interval.maxTime() >= minTime && interval.minTime() <= maxTime) {
                touched = true;
                break;
            }
        }
        if (!touched) {
            return new ChunkData(minTime, maxTime, ChunkEncoding.XOR, data);
        }
        XorChunk rewritten = new XorChunk();
        XorAppender appender = rewritten.appender();
        XorIterator iterator = new XorIterator().reset(MemorySegment.ofArray(data));
        long first = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        outer:
        while (iterator.next()) {
            long t = iterator.timestamp();
            for (Interval interval : deleted) {
                if (interval.contains(t)) {
                    continue outer;
                }
            }
            appender.appendBits(t, iterator.valueBits());
            if (first == Long.MIN_VALUE) {
                first = t;
            }
            last = t;
        }
        return rewritten.numSamples() == 0 ? null : new ChunkData(first, last, ChunkEncoding.XOR, rewritten.bytes());
    }

    List<MemSeries> allSeriesSorted() {
        List<MemSeries> all = new ArrayList<>(seriesCount.get());
        refs.forEach(all::add);
        all.sort((a, b) -> a.labels().compareTo(b.labels()));
        return all;
    }

    /**
     * Drops every chunk ending before {@code mint} and every series left without samples (unless an
     * appender holds samples for it), forgets tombstones ending before it, rejects samples before it from
     * now on, and replaces the WAL written so far by a checkpoint of what is left.
     */
    public void truncate(long mint) throws IOException {
        truncateLock.lock();
        try {
            setMinValidTime(mint);
            List<MemSeries> removed = new ArrayList<>();
            long[] newMin = {Long.MAX_VALUE};
            refs.forEach(s -> {
                synchronized (s) {
                    s.truncateChunksBefore(mint);
                    if (s.isEmpty() && !s.hasPending()) {
                        s.markDeleted();
                        removed.add(s);
                    }
                    else {
                        newMin[0] = Math.min(newMin[0], s.minTime());
                    }
                }
            });
            long[] removedRefs = new long[removed.size()];
            List<Labels> removedLabels = new ArrayList<>(removed.size());
            for (int i = 0; i < removed.size(); i++) {
                MemSeries s = removed.get(i);
                Stripe byLabels = labelsStripe(s.labels());
                synchronized (byLabels) {
                    byLabels.byLabels.remove(s.labels(), s);
                }
                refs.remove(s.ref());
                removedRefs[i] = s.ref();
                removedLabels.add(s.labels());
                seriesCount.decrementAndGet();
                seriesRemoved.incrementAndGet();
            }
            postings.deleteAll(removedRefs, removedLabels);
            Tombstones kept = new Tombstones();
            tombstones.forEach((ref, intervals) -> {
                if (series(ref) != null) {
                    for (Interval interval : intervals) {
                        if (interval.maxTime() >= mint) {
                            kept.add(ref, interval);
                        }
                    }
                }
            });
            tombstones = kept;
            synchronized (commitLock) {
                minTime.set(newMin[0]);
            }
            LOG.log(System.Logger.Level.INFO, "truncated head mint=" + mint + " removedSeries=" + removed.size()
                    + " series=" + seriesCount.get());
            if (walDir != null) {
                checkpoint(mint);
            }
        }
        finally {
            truncateLock.unlock();
        }
    }

    private void checkpoint(long mint) throws IOException {
        int lastSegment;
        synchronized (commitLock) {
            if (closed) {
                return;
            }
            // Start a fresh segment so that every record before the truncation sits in closed segments.
            wal.close();
            wal = WalWriter.open(walDir, options.wal());
            lastSegment = wal.segment() - 1;
        }
        HeadCheckpoint.create(walDir, lastSegment, ref -> {
            Long alias;
            synchronized (replayAliases) {
                alias = replayAliases.get(ref);
            }
            long live = alias == null ? ref : alias;
            return series(live) == null ? -1 : live;
        }, mint);
    }

    // ---- replay

    private void replay() throws IOException {
        HeadCheckpoint.deleteTemporary(walDir);
        HeadCheckpoint.Checkpoint checkpoint = HeadCheckpoint.latest(walDir);
        Replayer replayer = new Replayer();
        int after = -1;
        if (checkpoint != null) {
            after = checkpoint.index();
            try (WalReader reader = new WalReader(WalSegments.list(checkpoint.dir()))) {
                replayer.replay(reader);
            }
            catch (WalCorruptionException e) {
                throw new IOException("corrupt wal checkpoint " + checkpoint.dir() + ": " + e.getMessage(), e);
            }
        }
        List<WalSegments.Segment> segments = new ArrayList<>();
        for (WalSegments.Segment segment : WalSegments.list(walDir)) {
            if (segment.index() > after) {
                segments.add(segment);
            }
            else {
                // Left behind by a crash between writing a checkpoint and deleting what it covers.
                Files.delete(segment.path());
            }
        }
        try (WalReader reader = new WalReader(segments)) {
            replayer.replay(reader);
        }
        catch (WalCorruptionException e) {
            LOG.log(System.Logger.Level.WARNING, "corrupt wal tail, repairing dir=" + walDir + " segment=" + e.segment()
                    + " offset=" + e.offset() + " err=\"" + e.getMessage() + "\"");
            WalRepair.repair(walDir, e);
        }
        LOG.log(System.Logger.Level.INFO, "replayed wal dir=" + walDir + " checkpoint=" + after + " series=" + seriesCount.get()
                + " samples=" + replayer.samplesApplied + " unknownSeriesSamples=" + replayer.unknownSamples);
    }

    /**
     * Applies WAL records to the head in a two-stage pipeline: this thread reads, checks and decodes
     * records (creating series and recording tombstones as they come), and a second thread applies
     * the decoded samples a buffer at a time while the next buffer fills. Series records precede the
     * samples that use them in the WAL, and a buffer is handed over only after the records before it
     * were decoded, so the applier always finds its series. The head is not shared yet.
     */
    private final class Replayer {
        final List<RefSeries> series = new ArrayList<>();
        final SampleBatch samples = new SampleBatch(1024);
        final List<RefTombstone> stones = new ArrayList<>();
        ReplayBuffer buffer = new ReplayBuffer();
        // The buffer the applier works on (or last worked on), reused once it is done.
        ReplayBuffer applyingBuffer = new ReplayBuffer();
        Future<?> applying;
        // Written by the applier only; read after the last apply completed.
        long samplesApplied;
        long unknownSamples;

        void replay(WalReader reader) throws IOException {
            try (ExecutorService applier = Executors.newSingleThreadExecutor(
                    Thread.ofPlatform().name("wal-replay-apply").daemon().factory())) {
                try {
                    replayRecords(reader, applier);
                }
                finally {
                    // Also on corruption: the samples before it are kept (the repair cuts the WAL after them).
                    handOver(applier);
                    awaitApplied();
                }
            }
        }

        /** Waits for the applier's current buffer, then gives it the filled one and keeps filling the other. */
        private void handOver(ExecutorService applier) {
            awaitApplied();
            if (buffer.size() == 0) {
                return;
            }
            ReplayBuffer filled = buffer;
            buffer = applyingBuffer;
            applyingBuffer = filled;
            applying = applier.submit(() -> flush(filled));
        }

        private void awaitApplied() {
            if (applying == null) {
                return;
            }
            try {
                applying.get();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while replaying the wal", e);
            }
            catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
            finally {
                applying = null;
            }
        }

        /**
         * Applies the buffered samples series by series: sorted by ref (stably, so each series keeps its
         * WAL order and gets exactly the chunks the original appends cut), a series' state is loaded into
         * the cache once per run of its samples instead of once per sample. A WAL interleaves all series
         * sample by sample, and touching 100k series' chunk state in turn made replay memory-bound.
         */
        private void flush(ReplayBuffer buffer) {
            int size = buffer.size();
            if (size == 0) {
                return;
            }
            buffer.sortByRef();
            long[] refs = buffer.refs();
            long[] times = buffer.times();
            long[] values = buffer.values();
            long chunkRange = options.chunkRange();
            int samplesPerChunk = options.samplesPerChunk();
            long batchMin = Long.MAX_VALUE;
            long batchMax = Long.MIN_VALUE;
            int i = 0;
            while (i < size) {
                long ref = refs[i];
                int end = i + 1;
                while (end < size && refs[end] == ref) {
                    end++;
                }
                MemSeries s = resolve(ref);
                if (s == null) {
                    unknownSamples += end - i;
                    i = end;
                    continue;
                }
                for (; i < end; i++) {
                    long t = times[i];
                    if (s.append(t, values[i], chunkRange, samplesPerChunk)) {
                        samplesApplied++;
                        batchMin = Math.min(batchMin, t);
                        batchMax = Math.max(batchMax, t);
                    }
                }
            }
            updateMinMaxTime(batchMin, batchMax);
            buffer.clear();
        }

        private void replayRecords(WalReader reader, ExecutorService applier) throws IOException {
            while (reader.next()) {
                try {
                    apply(reader.record(), applier);
                }
                catch (CorruptionException e) {
                    if (e instanceof WalCorruptionException walCorruption) {
                        throw walCorruption;
                    }
                    // A record that reads cleanly but does not decode: the same repair point as a bad CRC.
                    throw new WalCorruptionException(null, reader.segment(), reader.offset(), e.getMessage());
                }
            }
        }

        private void apply(MemorySegment record, ExecutorService applier) throws CorruptionException {
            switch (RecordDecoder.type(record)) {
                case RecordType.SERIES -> {
                    series.clear();
                    RecordDecoder.series(record, series);
                    for (RefSeries entry : series) {
                        MemSeries s = getOrCreate(entry.labels(), entry.ref());
                        s.walLogged(true);
                        if (s.ref() != entry.ref()) {
                            synchronized (replayAliases) {
                                replayAliases.put(entry.ref(), s.ref());
                            }
                            lastRef.accumulateAndGet(entry.ref(), Math::max);
                        }
                    }
                }
                case RecordType.SAMPLES -> {
                    RecordDecoder.samples(record, samples);
                    for (int i = 0; i < samples.size(); i++) {
                        buffer.add(samples.ref(i), samples.timestamp(i), Double.doubleToRawLongBits(samples.value(i)));
                    }
                    if (buffer.size() >= ReplayBuffer.FLUSH_AT) {
                        handOver(applier);
                    }
                }
                case RecordType.TOMBSTONES -> {
                    stones.clear();
                    RecordDecoder.tombstones(record, stones);
                    for (RefTombstone stone : stones) {
                        MemSeries s = resolve(stone.ref());
                        if (s != null) {
                            tombstones.add(s.ref(), new Interval(stone.minTime(), stone.maxTime()));
                        }
                    }
                }
                default -> {
                    // Exemplars, metadata, histograms, mmap markers: not produced by this head; skipped.
                }
            }
        }

        private MemSeries resolve(long ref) {
            MemSeries s = series(ref);
            if (s == null) {
                Long alias;
                synchronized (replayAliases) {
                    alias = replayAliases.get(ref);
                }
                if (alias != null) {
                    s = series(alias);
                }
            }
            return s;
        }
    }

    /** Fsyncs and closes the WAL. The head must not be used afterwards. */
    @Override
    public void close() throws IOException {
        synchronized (commitLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (wal != null) {
                wal.close();
                if (options.snapshotOnShutdown()) {
                    try {
                        writeSnapshot(walDir.getParent());
                    }
                    catch (IOException | RuntimeException e) {
                        // The WAL is whole: the next open replays it.
                        LOG.log(System.Logger.Level.WARNING, "writing the head snapshot failed dir=" + walDir.getParent(), e);
                        Files.deleteIfExists(walDir.getParent().resolve(SNAPSHOT_FILE + ".tmp"));
                    }
                }
            }
        }
    }
}
