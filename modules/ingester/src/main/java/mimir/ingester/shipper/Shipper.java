package mimir.ingester.shipper;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mimir.bucket.BlockUpload;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;

/**
 * Uploads one tenant's blocks to the blocks storage, Mimir's ingester shipper, through
 * {@link BlockUpload} (meta.json last, {@code thanos.source} {@code receive}, no external labels), so a
 * reader that sees a block's meta.json sees a complete block and an interrupted upload is redone whole.
 *
 * <p>What was shipped is recorded in the tenant directory's {@code shipper.json} (Thanos's format,
 * {@code {"version":1,"uploaded":[…]}}), written atomically after each upload, so a restart neither
 * uploads a block twice nor forgets one. A block whose {@code meta.json} is already in the store but
 * not in the file (a crash between the two) is recorded without uploading again, as in Mimir. Only
 * level-1 blocks with samples are shipped. Not thread-safe: one sync at a time per tenant.
 */
public final class Shipper {
    /** The file recording the shipped blocks, in the tenant's TSDB directory. */
    public static final String FILE_NAME = "shipper.json";

    private static final System.Logger LOG = System.getLogger(Shipper.class.getName());
    private static final Pattern ULID_TEXT = Pattern.compile("\"([0-9A-HJKMNP-TV-Z]{26})\"");

    /** Counts a sync's outcome; the ingester turns these into its metrics. */
    public interface Listener {
        void uploaded(Ulid block);

        void failed(Ulid block, IOException cause);
    }

    private final String tenant;
    private final Path dir;
    private final ObjectStore store;
    private final Listener listener;
    private final Set<Ulid> shipped;

    /** Reads {@code dir/shipper.json} if there is one. */
    public Shipper(String tenant, Path dir, ObjectStore store, Listener listener) throws IOException {
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.dir = requireNonNull(dir, "dir is null");
        this.store = requireNonNull(store, "store is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.shipped = Collections.synchronizedSet(readShipped(dir));
    }

    /** The ULIDs of {@code shipper.json} in {@code dir}, empty if it has none. */
    public static Set<Ulid> readShipped(Path dir) throws IOException {
        String text;
        try {
            text = Files.readString(dir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException e) {
            return new LinkedHashSet<>();
        }
        if (!text.replaceAll("\\s", "").contains("\"version\":1")) {
            throw new IOException("unexpected version in " + dir.resolve(FILE_NAME));
        }
        Set<Ulid> result = new LinkedHashSet<>();
        int uploaded = text.indexOf("\"uploaded\"");
        if (uploaded >= 0) {
            Matcher matcher = ULID_TEXT.matcher(text);
            matcher.region(uploaded, text.length());
            while (matcher.find()) {
                result.add(Ulid.parse(matcher.group(1)));
            }
        }
        return result;
    }

    /** True if the block is recorded as shipped. */
    public boolean isShipped(Ulid block) {
        return shipped.contains(block);
    }

    /**
     * Uploads every level-1 block among {@code blocks} (oldest first) that was not shipped yet. A block
     * whose upload fails is left for the next sync; the others are still tried.
     *
     * @return blocks shipped by this call
     */
    public int sync(List<BlockMeta> blocks) {
        List<BlockMeta> sorted = new ArrayList<>(blocks);
        sorted.sort((a, b) -> Long.compare(a.minTime(), b.minTime()));
        int count = 0;
        for (BlockMeta meta : sorted) {
            if (shipped.contains(meta.ulid()) || meta.compaction().level() > 1 || meta.stats().numSamples() == 0) {
                continue;
            }
            try {
                if (!store.exists(metaKey(meta.ulid()))) {
                    upload(meta);
                }
                shipped.add(meta.ulid());
                writeShipped();
                count++;
                listener.uploaded(meta.ulid());
                LOG.log(Level.INFO, "shipped block user=" + tenant + " block=" + meta.ulid());
            }
            catch (IOException | RuntimeException e) {
                IOException cause = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                listener.failed(meta.ulid(), cause);
                LOG.log(Level.WARNING, "shipping block failed, retrying at the next ship interval user=" + tenant + " block=" + meta.ulid()
                        + " err=\"" + e.getMessage() + "\"");
            }
        }
        return count;
    }

    private String metaKey(Ulid block) {
        return tenant + "/" + block + "/" + BlockMeta.FILE_NAME;
    }

    private void upload(BlockMeta meta) throws IOException {
        BlockUpload.upload(store, tenant, dir.resolve(meta.ulid().toString()), "receive", Map.of());
    }

    private void writeShipped() throws IOException {
        StringBuilder json = new StringBuilder("{\n\t\"version\": 1,\n\t\"uploaded\": [");
        List<Ulid> ulids;
        synchronized (shipped) {
            ulids = new ArrayList<>(shipped);
        }
        Collections.sort(ulids);
        for (int i = 0; i < ulids.size(); i++) {
            json.append(i == 0 ? "\n\t\t" : ",\n\t\t").append('"').append(ulids.get(i)).append('"');
        }
        json.append(ulids.isEmpty() ? "]\n}\n" : "\n\t]\n}\n");
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(json.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Forgets blocks that no longer exist locally, so the file does not grow forever. */
    public void forgetMissing(Set<Ulid> local) throws IOException {
        if (shipped.retainAll(local)) {
            writeShipped();
        }
    }
}
