package mimir.tsdb.head;

import java.util.Arrays;

import mimir.model.Labels;
import mimir.tsdb.chunkenc.XorEncoder;

import static java.util.Objects.requireNonNull;

/**
 * One series of the head: its labels, its closed XOR chunks (immutable, trimmed {@code byte[]}s with
 * their time ranges in a primitive array) and the open chunk being appended to. Chunks are cut the way
 * Prometheus's {@code memSeries.appendPreprocessor} cuts them, so the head produces the same chunk
 * boundaries as Prometheus for the same samples:
 *
 * <ul>
 *   <li>a new chunk's provisional end ({@code nextAt}) is the end of its aligned chunk range;
 *   <li>when the open chunk holds a quarter of the target sample count, {@code nextAt} is re-estimated
 *       by {@link #computeChunkEndTime} so that the rest of the range splits into equal chunks;
 *   <li>a sample with {@code t >= nextAt}, a chunk of twice the target count, or a chunk over
 *       {@link #MAX_BYTES_PER_XOR_CHUNK} bytes starts a new chunk.
 * </ul>
 *
 * <p>Every method must be called with the series' monitor held ({@code synchronized (series)}); the
 * head's appenders, queriers and truncation all lock the series they touch. Appending to the open chunk
 * allocates nothing per sample: the series <em>is</em> its open chunk's {@link XorEncoder} (a subclass,
 * so that appending touches one object and the chunk's buffer), reset (keeping its buffer) when a chunk
 * is cut, so a cut allocates only the closed chunk's trimmed copy. The open chunk is non-empty exactly
 * when {@code openMaxTime != Long.MIN_VALUE}.
 */
public final class MemSeries extends XorEncoder {
    /** Prometheus's 1024-byte XOR chunk cap minus the largest possible sample (19 bytes). */
    public static final int MAX_BYTES_PER_XOR_CHUNK = 1024 - 19;

    /** {@link #appendable} verdicts. */
    public static final int APPENDABLE = 0;
    public static final int DUPLICATE_IGNORED = 1;
    public static final int OUT_OF_ORDER = 2;
    public static final int DUPLICATE_DIFFERENT_VALUE = 3;

    private static final byte[][] NO_CHUNKS = new byte[0][];
    private static final long[] NO_TIMES = new long[0];

    private final long ref;
    private final Labels labels;
    /** The head holding the series, compared by identity (see {@link #ownedBy}). */
    private final Object owner;

    private byte[][] closedChunks = NO_CHUNKS;
    /** Pairs of (minTime, maxTime) of the closed chunks. */
    private long[] closedTimes = NO_TIMES;
    private int closedCount;

    private long openMinTime;
    private long openMaxTime = Long.MIN_VALUE;
    private long nextAt = Long.MIN_VALUE;
    private long lastValueBits;

    /** The appender holding uncommitted samples of this series, or null. */
    private Object pendingOwner;
    private long pendingMaxTime;
    private long pendingValueBits;

    private boolean deleted;
    /**
     * True once a series record for this series is in the WAL (written at the first commit). Set under
     * the head's commit lock only after the record was written, never cleared; appenders read it without
     * that lock to pick the series a commit may have to log.
     */
    private volatile boolean walLogged;

    public MemSeries(long ref, Labels labels, Object owner) {
        super();
        this.ref = ref;
        this.labels = requireNonNull(labels, "labels is null");
        this.owner = requireNonNull(owner, "owner is null");
    }

    /** True if {@code head} (by identity) is the head this series was created in. */
    public boolean ownedBy(Object head) {
        return owner == head;
    }

    public long ref() {
        return ref;
    }

    public Labels labels() {
        return labels;
    }

    /** Timestamp of the newest committed sample, or {@link Long#MIN_VALUE} if none. */
    public long maxTime() {
        if (openMaxTime != Long.MIN_VALUE) {
            return openMaxTime;
        }
        return closedCount == 0 ? Long.MIN_VALUE : closedTimes[closedCount * 2 - 1];
    }

    /** Timestamp of the oldest sample held, or {@link Long#MAX_VALUE} if none. */
    public long minTime() {
        if (closedCount > 0) {
            return closedTimes[0];
        }
        return openMaxTime != Long.MIN_VALUE ? openMinTime : Long.MAX_VALUE;
    }

    /** True if the series holds no samples. */
    public boolean isEmpty() {
        return closedCount == 0 && openMaxTime == Long.MIN_VALUE;
    }

    /**
     * Whether a sample may be appended by {@code owner}: checked against the newest committed sample,
     * or against the newest sample {@code owner} itself has pending for this series.
     */
    public int appendable(Object owner, long t, long valueBits) {
        long last;
        long lastBits;
        if (pendingOwner == owner && owner != null) {
            last = pendingMaxTime;
            lastBits = pendingValueBits;
        }
        else {
            last = maxTime();
            lastBits = lastValueBits;
            if (last == Long.MIN_VALUE) {
                return APPENDABLE;
            }
        }
        if (t > last) {
            return APPENDABLE;
        }
        if (t == last) {
            return lastBits == valueBits ? DUPLICATE_IGNORED : DUPLICATE_DIFFERENT_VALUE;
        }
        return OUT_OF_ORDER;
    }

    /** The value bits {@link #appendable} compared a same-timestamp sample with. */
    public long lastValueBits(Object owner) {
        return pendingOwner == owner && owner != null ? pendingValueBits : lastValueBits;
    }

    /** The newest timestamp {@link #appendable} compared with. */
    public long lastTime(Object owner) {
        return pendingOwner == owner && owner != null ? pendingMaxTime : maxTime();
    }

    /** Records that {@code owner} holds an uncommitted sample; a later one must come after it. */
    public void markPending(Object owner, long t, long valueBits) {
        pendingOwner = owner;
        pendingMaxTime = t;
        pendingValueBits = valueBits;
    }

    /** True if {@code owner} holds uncommitted samples of this series. */
    public boolean pendingFor(Object owner) {
        return pendingOwner == owner && owner != null;
    }

    /**
     * Forgets {@code owner}'s pending samples if its newest one has timestamp {@code t}: called as a
     * commit applies each sample, it clears the mark with the series' last sample of the batch.
     */
    public void clearPendingAt(Object owner, long t) {
        if (pendingOwner == owner && pendingMaxTime == t) {
            pendingOwner = null;
        }
    }

    /** Forgets {@code owner}'s pending samples (after its commit or rollback). */
    public void clearPending(Object owner) {
        if (pendingOwner == owner) {
            pendingOwner = null;
        }
    }

    public boolean hasPending() {
        return pendingOwner != null;
    }

    public boolean isDeleted() {
        return deleted;
    }

    public void markDeleted() {
        deleted = true;
    }

    public boolean walLogged() {
        return walLogged;
    }

    public void walLogged(boolean logged) {
        walLogged = logged;
    }

    /**
     * Appends a sample in order; false (and nothing changes) if {@code t} is not after the newest
     * sample. {@code chunkRange} aligns chunk boundaries to block boundaries.
     */
    public boolean append(long t, long valueBits, long chunkRange, int samplesPerChunk) {
        int samples;
        if (openMaxTime == Long.MIN_VALUE) {
            // No open chunk: the sample must follow the closed ones and starts a chunk.
            if (closedCount > 0 && closedTimes[closedCount * 2 - 1] >= t) {
                return false;
            }
            samples = 0;
        }
        else {
            if (openMaxTime >= t) {
                return false;
            }
            samples = encodedSamples();
            if (encodedLength() > MAX_BYTES_PER_XOR_CHUNK) {
                closeOpenChunk();
                samples = 0;
            }
        }
        if (samples == 0) {
            openMinTime = t;
            nextAt = rangeEnd(t, chunkRange);
        }
        else {
            if (samples == samplesPerChunk / 4) {
                nextAt = computeChunkEndTime(openMinTime, openMaxTime, nextAt, 4);
            }
            if (t >= nextAt || samples >= samplesPerChunk * 2) {
                closeOpenChunk();
                openMinTime = t;
                nextAt = rangeEnd(t, chunkRange);
            }
        }
        encode(t, valueBits);
        openMaxTime = t;
        lastValueBits = valueBits;
        return true;
    }

    /** Moves the (non-empty) open chunk to the closed ones and empties it for the next samples. */
    private void closeOpenChunk() {
        if (closedCount * 2 == closedTimes.length) {
            int capacity = Math.max(4, closedCount * 2);
            closedChunks = Arrays.copyOf(closedChunks, capacity);
            closedTimes = Arrays.copyOf(closedTimes, capacity * 2);
        }
        closedChunks[closedCount] = encodedBytes();
        closedTimes[closedCount * 2] = openMinTime;
        closedTimes[closedCount * 2 + 1] = openMaxTime;
        closedCount++;
        resetEncoder();
        openMaxTime = Long.MIN_VALUE;
    }

    /** End of the aligned chunk range holding {@code t} (Go's truncating division, as Prometheus). */
    static long rangeEnd(long t, long width) {
        return (t / width) * width + width;
    }

    /**
     * Prometheus's estimate of where the open chunk should end: assuming the chunk is
     * {@code 1/ratioToFull} full and samples keep their rate, split {@code [start, max)} into equal chunks.
     */
    public static long computeChunkEndTime(long start, long current, long max, double ratioToFull) {
        double n = (double) (max - start) / ((double) (current - start + 1) * ratioToFull);
        if (n <= 1) {
            return max;
        }
        return (long) ((double) start + (double) (max - start) / Math.floor(n));
    }

    /**
     * Drops every chunk whose newest sample is before {@code minTime}, the open one included.
     *
     * @return the number of chunks dropped
     */
    public int truncateChunksBefore(long minTime) {
        int keepFrom = 0;
        while (keepFrom < closedCount && closedTimes[keepFrom * 2 + 1] < minTime) {
            keepFrom++;
        }
        int dropped = keepFrom;
        if (keepFrom > 0) {
            int remaining = closedCount - keepFrom;
            System.arraycopy(closedChunks, keepFrom, closedChunks, 0, remaining);
            Arrays.fill(closedChunks, remaining, closedCount, null);
            System.arraycopy(closedTimes, keepFrom * 2, closedTimes, 0, remaining * 2);
            closedCount = remaining;
        }
        if (openMaxTime != Long.MIN_VALUE && openMaxTime < minTime) {
            releaseEncoder();
            openMaxTime = Long.MIN_VALUE;
            dropped++;
        }
        return dropped;
    }

    /**
     * Appends to {@code out} the chunks overlapping {@code [minTime, maxTime]} (closed interval), the
     * open chunk as a copy of its current bytes.
     */
    public void chunks(long minTime, long maxTime, SeriesChunks out) {
        for (int i = 0; i < closedCount; i++) {
            long chunkMin = closedTimes[i * 2];
            long chunkMax = closedTimes[i * 2 + 1];
            if (chunkMax >= minTime && chunkMin <= maxTime) {
                out.add(closedChunks[i], chunkMin, chunkMax);
            }
        }
        if (openMaxTime != Long.MIN_VALUE && openMaxTime >= minTime && openMinTime <= maxTime) {
            out.add(encodedBytes(), openMinTime, openMaxTime);
        }
    }

    /**
     * Writes the series' samples for a head snapshot: the closed chunks with their time ranges, the
     * open chunk with its encoder state and provisional end, and the last value (for duplicate checks).
     */
    public void writeSnapshot(mimir.tsdb.encoding.Encoder out) {
        out.uvarint(closedCount);
        for (int i = 0; i < closedCount; i++) {
            byte[] chunk = closedChunks[i];
            out.varint(closedTimes[i * 2]).varint(closedTimes[i * 2 + 1]).uvarint(chunk.length).bytes(chunk, 0, chunk.length);
        }
        boolean open = openMaxTime != Long.MIN_VALUE;
        out.u8(open ? 1 : 0);
        if (open) {
            out.varint(openMinTime).varint(openMaxTime).varint(nextAt);
            writeEncoderState(out);
        }
        out.be64(lastValueBits);
    }

    /** Restores what {@link #writeSnapshot} wrote into this series, which must hold no samples yet. */
    public void readSnapshot(mimir.tsdb.encoding.Decoder in) throws mimir.tsdb.encoding.CorruptionException {
        if (!isEmpty()) {
            throw new IllegalStateException("series " + ref + " already holds samples");
        }
        long count = in.uvarint();
        if (count > in.remaining()) {
            throw new mimir.tsdb.encoding.CorruptionException("invalid chunk count " + count + " of series " + ref);
        }
        int n = (int) count;
        byte[][] chunks = n == 0 ? NO_CHUNKS : new byte[n][];
        long[] times = n == 0 ? NO_TIMES : new long[n * 2];
        long previousMax = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long min = in.varint();
            long max = in.varint();
            long length = in.uvarint();
            if (min > max || (i > 0 && min <= previousMax) || length < 2 || length > in.remaining()) {
                throw new mimir.tsdb.encoding.CorruptionException("invalid chunk " + i + " of series " + ref);
            }
            times[i * 2] = min;
            times[i * 2 + 1] = max;
            chunks[i] = new byte[(int) length];
            java.lang.foreign.MemorySegment.copy(in.slice(length), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, chunks[i], 0, (int) length);
            previousMax = max;
        }
        boolean open = in.u8() == 1;
        long openMin = 0;
        long openMax = Long.MIN_VALUE;
        long openNext = Long.MIN_VALUE;
        if (open) {
            openMin = in.varint();
            openMax = in.varint();
            openNext = in.varint();
            if (openMin > openMax || openMin <= previousMax) {
                throw new mimir.tsdb.encoding.CorruptionException("invalid open chunk of series " + ref);
            }
            readEncoderState(in);
        }
        long last = in.be64();
        closedChunks = chunks;
        closedTimes = times;
        closedCount = n;
        openMinTime = openMin;
        openMaxTime = openMax;
        nextAt = openNext;
        lastValueBits = last;
    }

    /** Number of chunks, the open one included. */
    public int chunkCount() {
        return closedCount + (openMaxTime != Long.MIN_VALUE ? 1 : 0);
    }

    /** Approximate heap bytes of this series, excluding the label strings (shared with the index). */
    public long memoryBytes() {
        long bytes = 96 + 16 + labels.size() * 8L + 16;
        bytes += 16 + closedChunks.length * 4L + 16 + closedTimes.length * 8L;
        for (int i = 0; i < closedCount; i++) {
            bytes += 16 + closedChunks[i].length;
        }
        // Encoder fields (in the object above) and buffer.
        bytes += 40 + 16 + bufferCapacity();
        return bytes;
    }
}
