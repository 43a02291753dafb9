package mimir.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStore.ListMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ObjectStore}, run against every backend: a backend's test extends this class
 * and returns an empty store from {@link #createStore()}. Each test asserts behaviour a caller of the
 * store would notice; none depends on how a backend lays objects out.
 *
 * <p>The keys used here are valid for every backend, and no test stores both a key and keys below it
 * ({@code a} and {@code a/b}), which a filesystem cannot hold at once.
 */
public abstract class AbstractTestObjectStore {
    private static final long LARGE_OBJECT_SIZE = 64L * 1024 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final long TASK_TIMEOUT_SECONDS = 120;
    private static final int CONCURRENT_WRITERS = 8;
    private static final int KEYS_PER_WRITER = 50;
    private static final byte[] DIGITS = "0123456789".getBytes(UTF_8);

    private ObjectStore store;

    /** Returns a new, empty store; called once per test. The test closes it. */
    protected abstract ObjectStore createStore() throws Exception;

    /**
     * Size of the object {@link #largeObjectIsStreamedThrough()} writes and reads back. Backends whose
     * test target is slow (a remote emulator) may lower it, but it should stay well above any buffer
     * or multipart threshold of the backend.
     */
    protected long largeObjectSize() {
        return LARGE_OBJECT_SIZE;
    }

    /** The store under test. */
    protected final ObjectStore store() {
        return store;
    }

    @BeforeEach
    public final void createEmptyStore() throws Exception {
        store = requireNonNull(createStore(), "createStore() returned null");
    }

    @AfterEach
    public final void closeStore() throws Exception {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Test
    public void newStoreIsEmpty() throws IOException {
        assertThat(list("", ListMode.RECURSIVE)).isEmpty();
        assertThat(list("", ListMode.DELIMITED)).isEmpty();
        assertThat(store.exists("tenant-1/missing")).isFalse();
        assertThat(store.attributes("tenant-1/missing")).isEmpty();
        assertThatThrownBy(() -> store.get("tenant-1/missing"))
                .isInstanceOfSatisfying(NoSuchObjectException.class, e -> assertThat(e.key()).isEqualTo("tenant-1/missing"));
        assertThatThrownBy(() -> store.getRange("tenant-1/missing", 0, 1))
                .isInstanceOfSatisfying(NoSuchObjectException.class, e -> assertThat(e.key()).isEqualTo("tenant-1/missing"));
    }

    @Test
    public void deletingMissingObjectDoesNothing() throws IOException {
        store.put("tenant-1/kept", bytes("kept"));

        store.delete("tenant-1/missing");
        store.delete("other/missing");
        store.delete("tenant-1/kept/below");

        assertThat(list("", ListMode.RECURSIVE)).containsExactly("tenant-1/kept");
        assertThat(read("tenant-1/kept")).isEqualTo("kept");
    }

    @Test
    public void putThenGetReturnsSameBytes() throws IOException {
        store.put("tenant-1/meta.json", bytes("{\"version\":1}"));

        assertThat(read("tenant-1/meta.json")).isEqualTo("{\"version\":1}");
        assertThat(store.attributes("tenant-1/meta.json")).map(ObjectAttributes::size).contains(13L);
    }

    @Test
    public void emptyObjectExistsWithSizeZero() throws IOException {
        store.put("tenant-1/empty", new byte[0]);

        assertThat(store.exists("tenant-1/empty")).isTrue();
        assertThat(store.attributes("tenant-1/empty")).map(ObjectAttributes::size).contains(0L);
        assertThat(readBytes(store.get("tenant-1/empty"))).isEmpty();
        assertThat(readBytes(store.getRange("tenant-1/empty", 0, 10))).isEmpty();
        assertThat(list("tenant-1/", ListMode.RECURSIVE)).containsExactly("tenant-1/empty");
    }

    @Test
    public void everyByteValueRoundTrips() throws IOException {
        byte[] data = new byte[256 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        store.put("tenant-1/binary", data);

        assertThat(readBytes(store.get("tenant-1/binary"))).isEqualTo(data);
    }

    @Test
    public void putDoesNotCloseItsInputButReadsItToTheEnd() throws IOException {
        CloseTrackingInputStream input = new CloseTrackingInputStream(bytes("payload"));

        store.put("tenant-1/object", input);

        assertThat(input.closed).as("input closed by put").isFalse();
        assertThat(input.read()).as("input read to the end").isEqualTo(-1);
        assertThat(read("tenant-1/object")).isEqualTo("payload");
    }

    @Test
    public void overwriteReplacesContentAndSize() throws IOException {
        store.put("tenant-1/object", bytes("a much longer first version"));
        store.put("tenant-1/object", bytes("v2"));

        assertThat(read("tenant-1/object")).isEqualTo("v2");
        assertThat(store.attributes("tenant-1/object")).map(ObjectAttributes::size).contains(2L);
        assertThat(list("", ListMode.RECURSIVE)).containsExactly("tenant-1/object");
    }

    @Test
    public void writesAndDeletesAreVisibleImmediately() throws IOException {
        store.put("tenant-1/blocks/01/meta.json", bytes("meta"));

        assertThat(store.exists("tenant-1/blocks/01/meta.json")).isTrue();
        assertThat(store.attributes("tenant-1/blocks/01/meta.json")).map(ObjectAttributes::size).contains(4L);
        assertThat(list("tenant-1/", ListMode.RECURSIVE)).containsExactly("tenant-1/blocks/01/meta.json");
        assertThat(list("tenant-1/blocks/", ListMode.DELIMITED)).containsExactly("tenant-1/blocks/01/");

        store.delete("tenant-1/blocks/01/meta.json");

        assertThat(store.exists("tenant-1/blocks/01/meta.json")).isFalse();
        assertThat(store.attributes("tenant-1/blocks/01/meta.json")).isEmpty();
        assertThatThrownBy(() -> store.get("tenant-1/blocks/01/meta.json")).isInstanceOf(NoSuchObjectException.class);
        assertThat(list("", ListMode.RECURSIVE)).isEmpty();
        assertThat(list("", ListMode.DELIMITED)).as("no directory entry is left once its last object is deleted").isEmpty();
        assertThat(list("tenant-1/blocks/", ListMode.DELIMITED)).isEmpty();
    }

    @Test
    public void prefixOfAnObjectIsNotAnObject() throws IOException {
        store.put("tenant-1/blocks/01/meta.json", bytes("meta"));

        for (String prefix : List.of("tenant-1", "tenant-1/blocks", "tenant-1/blocks/01")) {
            assertThat(store.exists(prefix)).as("exists(%s)", prefix).isFalse();
            assertThat(store.attributes(prefix)).as("attributes(%s)", prefix).isEmpty();
            assertThatThrownBy(() -> store.get(prefix)).as("get(%s)", prefix).isInstanceOf(NoSuchObjectException.class);
            store.delete(prefix);
        }
        assertThat(read("tenant-1/blocks/01/meta.json")).isEqualTo("meta");
    }

    @Test
    public void lastModifiedIsWhenTheObjectWasWritten() throws IOException {
        store.put("tenant-1/object", bytes("x"));

        Instant now = Instant.now();
        assertThat(store.attributes("tenant-1/object"))
                .map(ObjectAttributes::lastModified)
                .hasValueSatisfying(lastModified -> assertThat(lastModified).isBetween(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofMinutes(1))));
    }

    @Test
    public void rangeReadsReturnTheRequestedBytes() throws IOException {
        store.put("tenant-1/digits", DIGITS);

        assertThat(readRange("tenant-1/digits", 0, 3)).as("offset 0").isEqualTo("012");
        assertThat(readRange("tenant-1/digits", 4, 3)).as("offset in the middle").isEqualTo("456");
        assertThat(readRange("tenant-1/digits", 9, 1)).as("last byte").isEqualTo("9");
        assertThat(readRange("tenant-1/digits", 0, 10)).as("whole object").isEqualTo("0123456789");
        assertThat(readRange("tenant-1/digits", 3, -1)).as("length -1 reads to the end").isEqualTo("3456789");
        assertThat(readRange("tenant-1/digits", 0, -1)).as("offset 0, length -1").isEqualTo("0123456789");
    }

    @Test
    public void rangeReadsAreTruncatedAtTheEnd() throws IOException {
        store.put("tenant-1/digits", DIGITS);

        assertThat(readRange("tenant-1/digits", 7, 10)).as("range past the end").isEqualTo("789");
        assertThat(readRange("tenant-1/digits", 5, Long.MAX_VALUE)).as("huge length").isEqualTo("56789");
        assertThat(readRange("tenant-1/digits", 10, 5)).as("offset == size").isEmpty();
        assertThat(readRange("tenant-1/digits", 10, -1)).as("offset == size, to the end").isEmpty();
        assertThat(readRange("tenant-1/digits", 11, 5)).as("offset > size").isEmpty();
        assertThat(readRange("tenant-1/digits", Long.MAX_VALUE, 1)).as("huge offset").isEmpty();
        assertThat(readRange("tenant-1/digits", 4, 0)).as("length 0").isEmpty();
    }

    @Test
    public void invalidRangesAreRejected() throws IOException {
        store.put("tenant-1/digits", DIGITS);

        assertThatIllegalArgumentException().isThrownBy(() -> store.getRange("tenant-1/digits", -1, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> store.getRange("tenant-1/digits", Long.MIN_VALUE, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> store.getRange("tenant-1/digits", 0, -2));
        assertThatIllegalArgumentException().isThrownBy(() -> store.getRange("tenant-1/digits", 0, Long.MIN_VALUE));
    }

    @Test
    public void invalidKeysAreRejectedByEveryOperation() throws IOException {
        List<String> invalidKeys = List.of("", "/", "/tenant-1/object", "tenant-1/object/", "tenant-1//object", "..", ".",
                "../escape", "tenant-1/../escape", "tenant-1/./object", "./object", "tenant-1/..", "tenant-1/.", "a\\b");
        for (String key : invalidKeys) {
            assertThatIllegalArgumentException().as("get(\"%s\")", key).isThrownBy(() -> store.get(key));
            assertThatIllegalArgumentException().as("getRange(\"%s\")", key).isThrownBy(() -> store.getRange(key, 0, 1));
            assertThatIllegalArgumentException().as("put(\"%s\")", key).isThrownBy(() -> store.put(key, bytes("x")));
            assertThatIllegalArgumentException().as("delete(\"%s\")", key).isThrownBy(() -> store.delete(key));
            assertThatIllegalArgumentException().as("exists(\"%s\")", key).isThrownBy(() -> store.exists(key));
            assertThatIllegalArgumentException().as("attributes(\"%s\")", key).isThrownBy(() -> store.attributes(key));
        }
        assertThat(list("", ListMode.RECURSIVE)).as("nothing was written").isEmpty();
    }

    @Test
    public void recursiveListingIsInUtf8ByteOrder() throws IOException {
        // Expected order written out by hand: '-' (0x2D) < '.' (0x2E) < '/' (0x2F) < '0' (0x30), so the
        // keys below "a/" sit between "a.b" and "a0"; U+E000 (EE 80 80) < U+FFFD (EF BF BD) <
        // U+10000 (F0 90 80 80), although UTF-16 puts the surrogate pair D800 DC00 first.
        List<String> keys = List.of("a-b", "a.b", "a/b", "a/c/d", "a0", "b", "x/\uE000", "x/\uFFFD", "x/\uD800\uDC00",
                "\u00E9", "\uE000", "\uFFFD", "\uD800\uDC00");
        putAll(keys.reversed());

        assertThat(list("", ListMode.RECURSIVE)).containsExactlyElementsOf(keys);
        assertThat(list("x/", ListMode.RECURSIVE)).containsExactly("x/\uE000", "x/\uFFFD", "x/\uD800\uDC00");
        assertThat(list("a", ListMode.RECURSIVE)).containsExactly("a-b", "a.b", "a/b", "a/c/d", "a0");
        assertThat(list("a/", ListMode.RECURSIVE)).containsExactly("a/b", "a/c/d");
    }

    @Test
    public void delimitedListingCollapsesDirectoriesInUtf8ByteOrder() throws IOException {
        List<String> keys = List.of("a-b", "a.b", "a/b", "a/c/d", "a/c/e", "a0", "b", "x/\uFFFD", "x/\uD800\uDC00",
                "\uFFFD/y", "\uD800\uDC00");
        putAll(keys.reversed());

        assertThat(list("", ListMode.DELIMITED)).containsExactly("a-b", "a.b", "a/", "a0", "b", "x/", "\uFFFD/", "\uD800\uDC00");
        assertThat(list("a/", ListMode.DELIMITED)).containsExactly("a/b", "a/c/");
        assertThat(list("a/c/", ListMode.DELIMITED)).containsExactly("a/c/d", "a/c/e");
        assertThat(list("a", ListMode.DELIMITED)).containsExactly("a-b", "a.b", "a/", "a0");
        assertThat(list("x/", ListMode.DELIMITED)).containsExactly("x/\uFFFD", "x/\uD800\uDC00");
    }

    @Test
    public void prefixNeedNotEndAtADirectory() throws IOException {
        putAll(List.of("tenant-1/blocks/01/meta.json", "tenant-1/blocks/01/chunks/000001", "tenant-1/blocks/02/meta.json",
                "tenant-1/bloom", "tenant-1/bl", "tenant-1/other/x", "tenant-10/blocks/01/meta.json"));

        assertThat(list("tenant-1/blo", ListMode.DELIMITED)).containsExactly("tenant-1/blocks/", "tenant-1/bloom");
        assertThat(list("tenant-1/blo", ListMode.RECURSIVE)).containsExactly(
                "tenant-1/blocks/01/chunks/000001", "tenant-1/blocks/01/meta.json", "tenant-1/blocks/02/meta.json", "tenant-1/bloom");
        assertThat(list("tenant-1", ListMode.DELIMITED)).containsExactly("tenant-1/", "tenant-10/");
        assertThat(list("tenant-1/blocks/01/meta", ListMode.RECURSIVE)).containsExactly("tenant-1/blocks/01/meta.json");
        assertThat(list("tenant-1/blocks/01/meta.json", ListMode.DELIMITED)).containsExactly("tenant-1/blocks/01/meta.json");
        assertThat(list("tenant-1/bloom/", ListMode.RECURSIVE)).as("an object is not a directory").isEmpty();
        assertThat(list("tenant-1/blocks/01/meta.json/", ListMode.DELIMITED)).isEmpty();
        assertThat(list("tenant-2/", ListMode.RECURSIVE)).isEmpty();
        assertThat(list("zzz", ListMode.DELIMITED)).isEmpty();
    }

    @Test
    public void delimitedListingOfNestedDirectories() throws IOException {
        putAll(List.of("tenant-1/blocks/01/meta.json", "tenant-1/blocks/01/chunks/000001", "tenant-1/blocks/01/chunks/000002",
                "tenant-1/blocks/01/index", "tenant-1/blocks/02/meta.json", "tenant-1/markers/01-deletion-mark.json",
                "tenant-1/bucket-index.json.gz", "tenant-2/blocks/03/meta.json"));

        assertThat(list("", ListMode.DELIMITED)).containsExactly("tenant-1/", "tenant-2/");
        assertThat(list("tenant-1/", ListMode.DELIMITED)).containsExactly("tenant-1/blocks/", "tenant-1/bucket-index.json.gz", "tenant-1/markers/");
        assertThat(list("tenant-1/blocks/", ListMode.DELIMITED)).containsExactly("tenant-1/blocks/01/", "tenant-1/blocks/02/");
        assertThat(list("tenant-1/blocks/01/", ListMode.DELIMITED)).containsExactly(
                "tenant-1/blocks/01/chunks/", "tenant-1/blocks/01/index", "tenant-1/blocks/01/meta.json");
        assertThat(list("tenant-1/blocks/01/chunks/", ListMode.DELIMITED)).containsExactly(
                "tenant-1/blocks/01/chunks/000001", "tenant-1/blocks/01/chunks/000002");
    }

    @Test
    public void listingStopsWhenTheConsumerThrows() throws IOException {
        putAll(List.of("a/1", "a/2", "b/1"));
        List<String> seen = new ArrayList<>();
        RuntimeException stop = new RuntimeException("stop");

        assertThatThrownBy(() -> store.list("", ListMode.RECURSIVE, key -> {
            seen.add(key);
            throw stop;
        })).isSameAs(stop);
        assertThat(seen).containsExactly("a/1");
    }

    @Test
    public void largeObjectIsStreamedThrough() throws IOException {
        long size = largeObjectSize();
        store.put("tenant-1/large", new GeneratedInputStream(size));

        assertThat(store.attributes("tenant-1/large")).map(ObjectAttributes::size).contains(size);
        try (InputStream expected = new GeneratedInputStream(size); InputStream actual = store.get("tenant-1/large")) {
            assertThat(Checksum.of(actual)).isEqualTo(Checksum.of(expected));
        }
        for (long offset : List.of(0L, size / 2 - 3, size - 100)) {
            byte[] range = readBytes(store.getRange("tenant-1/large", offset, 1000));
            assertThat(range).as("range at %s", offset).isEqualTo(GeneratedInputStream.bytesAt(offset, (int) Math.min(1000, size - offset)));
        }
    }

    @Test
    public void failedPutLeavesPreviousObject() throws IOException {
        store.put("tenant-1/object", bytes("previous"));

        assertThatThrownBy(() -> store.put("tenant-1/object", new FailingInputStream(1024 * 1024 + 17)))
                .isInstanceOf(IOException.class);

        assertThat(read("tenant-1/object")).isEqualTo("previous");
        assertThat(store.attributes("tenant-1/object")).map(ObjectAttributes::size).contains(8L);
        assertThat(list("", ListMode.RECURSIVE)).containsExactly("tenant-1/object");
    }

    @Test
    public void failedPutOfNewKeyLeavesNoObject() throws IOException {
        assertThatThrownBy(() -> store.put("tenant-1/blocks/01/index", new FailingInputStream(1024 * 1024 + 17)))
                .isInstanceOf(IOException.class);

        assertThat(store.exists("tenant-1/blocks/01/index")).isFalse();
        assertThat(list("", ListMode.RECURSIVE)).isEmpty();
        assertThat(list("", ListMode.DELIMITED)).isEmpty();
    }

    @Test
    public void concurrentWritersToDifferentKeysAreAllVisible() throws Exception {
        // Writers share parent directories, so backends that create directories race on them.
        List<String> expected = putConcurrently((thread, i) -> "tenant-" + (i % 4) + "/blocks/" + (i % 5) + "/writer-" + thread + "-" + i, false);

        assertThat(list("", ListMode.RECURSIVE)).containsExactlyInAnyOrderElementsOf(expected).isSorted();
        assertEachObjectHoldsItsKey(expected);
    }

    @Test
    public void concurrentPutsAndDeletesInSharedDirectories() throws Exception {
        // Every thread writes into the same directories at the same time while the odd ones are
        // emptied again, so a backend that removes empty directories races with writers into them.
        List<String> expected = putConcurrently((thread, i) -> "shared/" + (i % 10) + "/" + (i % 2) + "/writer-" + thread + "-" + i, true);

        assertThat(list("", ListMode.RECURSIVE)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(list("shared/1/", ListMode.DELIMITED)).isEmpty();
        assertEachObjectHoldsItsKey(expected);
    }

    @Test
    public void concurrentOverwritesLeaveOneCompleteValue() throws Exception {
        int writers = 4;
        int readers = 2;
        int rounds = 8;
        int valueSize = 256 * 1024;
        store.put("tenant-1/contended", writerValue(0, valueSize));

        runConcurrently(writers + readers, thread -> {
            for (int round = 0; round < rounds; round++) {
                if (thread < writers) {
                    store.put("tenant-1/contended", writerValue(thread, valueSize));
                }
                else {
                    try (InputStream input = store.get("tenant-1/contended")) {
                        assertCompleteWriterValue(readBytes(input), writers, valueSize);
                    }
                }
            }
        });

        assertCompleteWriterValue(readBytes(store.get("tenant-1/contended")), writers, valueSize);
        assertThat(store.attributes("tenant-1/contended")).map(ObjectAttributes::size).contains((long) valueSize);
        assertThat(list("", ListMode.RECURSIVE)).containsExactly("tenant-1/contended");
    }

    // ---- helpers

    /** Lists into a list. */
    protected final List<String> list(String prefix, ListMode mode) throws IOException {
        List<String> keys = new ArrayList<>();
        store.list(prefix, mode, keys::add);
        return keys;
    }

    /** Reads a whole object as UTF-8. */
    protected final String read(String key) throws IOException {
        return new String(readBytes(store.get(key)), UTF_8);
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private String readRange(String key, long offset, long length) throws IOException {
        return new String(readBytes(store.getRange(key, offset, length)), UTF_8);
    }

    private static byte[] readBytes(InputStream input) throws IOException {
        try (input) {
            return input.readAllBytes();
        }
    }

    private void putAll(List<String> keys) throws IOException {
        for (String key : keys) {
            store.put(key, bytes(key));
        }
    }

    /**
     * Has {@value #CONCURRENT_WRITERS} threads put {@value #KEYS_PER_WRITER} keys each, the key as value;
     * with {@code deleteOddKeys} each thread deletes its odd-numbered keys right after putting them.
     *
     * @return the keys that should remain
     */
    private List<String> putConcurrently(KeyScheme keys, boolean deleteOddKeys) throws Exception {
        runConcurrently(CONCURRENT_WRITERS, thread -> {
            for (int i = 0; i < KEYS_PER_WRITER; i++) {
                String key = keys.key(thread, i);
                store.put(key, bytes(key));
                if (deleteOddKeys && i % 2 == 1) {
                    store.delete(key);
                }
            }
        });
        List<String> remaining = new ArrayList<>();
        for (int thread = 0; thread < CONCURRENT_WRITERS; thread++) {
            for (int i = 0; i < KEYS_PER_WRITER; i += deleteOddKeys ? 2 : 1) {
                remaining.add(keys.key(thread, i));
            }
        }
        return remaining;
    }

    private void assertEachObjectHoldsItsKey(List<String> keys) throws IOException {
        for (String key : keys) {
            assertThat(read(key)).isEqualTo(key);
        }
    }

    /** The key a concurrent test's thread writes as its {@code index}-th. */
    @FunctionalInterface
    private interface KeyScheme {
        String key(int thread, int index);
    }

    /** Writer {@code w}'s value: {@code size} bytes of {@code w + 1}, so a torn or short value is detectable. */
    private static byte[] writerValue(int writer, int size) {
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) (writer + 1));
        return value;
    }

    private static void assertCompleteWriterValue(byte[] value, int writers, int size) {
        assertThat(value).as("value length").hasSize(size);
        byte first = value[0];
        assertThat((int) first).as("writer of the value").isBetween(1, writers);
        for (int i = 0; i < value.length; i++) {
            if (value[i] != first) {
                throw new AssertionError("value mixes two writers: byte " + i + " is " + value[i] + ", byte 0 is " + first);
            }
        }
    }

    @FunctionalInterface
    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads that start together; fails if any fails or hangs. */
    private static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int index = thread;
                futures.add(executor.submit(() -> {
                    start.await(TASK_TIMEOUT_SECONDS, SECONDS);
                    body.run(index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(TASK_TIMEOUT_SECONDS, SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
            if (!executor.awaitTermination(TASK_TIMEOUT_SECONDS, SECONDS)) {
                throw new AssertionError("writer threads did not stop");
            }
        }
    }

    /** CRC32C and length of a stream, read in chunks. */
    private record Checksum(long crc, long length) {
        static Checksum of(InputStream input) throws IOException {
            CRC32C crc = new CRC32C();
            byte[] buffer = new byte[BUFFER_SIZE];
            long length = 0;
            int read;
            while ((read = input.read(buffer)) != -1) {
                crc.update(buffer, 0, read);
                length += read;
            }
            return new Checksum(crc.getValue(), length);
        }
    }

    /**
     * A stream of {@code size} pseudo-random bytes in which each byte is a function of its position,
     * so any range can be checked without keeping the data.
     */
    private static class GeneratedInputStream extends InputStream {
        private final long size;
        private long position;

        GeneratedInputStream(long size) {
            this.size = size;
        }

        static byte[] bytesAt(long offset, int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = byteAt(offset + i);
            }
            return bytes;
        }

        private static byte byteAt(long position) {
            return (byte) (word(position >>> 3) >>> ((position & 7) << 3));
        }

        /** SplitMix64 of the word index. */
        private static long word(long index) {
            long z = (index + 1) * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            if (position >= size) {
                return -1;
            }
            int count = (int) Math.min(length, size - position);
            long word = word(position >>> 3);
            for (int i = 0; i < count; i++) {
                long at = position + i;
                if ((at & 7) == 0) {
                    word = word(at >>> 3);
                }
                buffer[offset + i] = (byte) (word >>> ((at & 7) << 3));
            }
            position += count;
            return count;
        }
    }

    /** Generated bytes, then an {@link IOException} as if the client's upload broke off. */
    private static final class FailingInputStream extends GeneratedInputStream {
        private final long failAfter;
        private long served;

        FailingInputStream(long failAfter) {
            super(Long.MAX_VALUE);
            this.failAfter = failAfter;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (served >= failAfter) {
                throw new IOException("injected failure after " + served + " bytes");
            }
            int read = super.read(buffer, offset, (int) Math.min(length, failAfter - served));
            served += read;
            return read;
        }
    }

    private static final class CloseTrackingInputStream extends InputStream {
        private final ByteArrayInputStream delegate;
        private boolean closed;

        CloseTrackingInputStream(byte[] data) {
            this.delegate = new ByteArrayInputStream(data);
        }

        @Override
        public int read() {
            return delegate.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return delegate.read(buffer, offset, length);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
