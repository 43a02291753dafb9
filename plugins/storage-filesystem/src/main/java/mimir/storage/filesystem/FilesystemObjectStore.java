package mimir.storage.filesystem;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectKeys;
import mimir.spi.objstore.ObjectStore;

/**
 * An {@link ObjectStore} that keeps each object in a regular file below one directory. See the
 * package documentation for the rules it follows. Thread-safe; several stores (and processes) may use
 * the same directory.
 */
public final class FilesystemObjectStore implements ObjectStore {
    /** Root-level directory for files being written; never listed, reserved as a key segment. */
    static final String TEMPORARY_DIRECTORY = ".mimir-tmp";
    /** Temporary files older than this were left by a crashed writer. */
    static final long STALE_TEMPORARY_FILE_HOURS = 1;

    private static final Logger LOG = System.getLogger(FilesystemObjectStore.class.getName());
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Renames retried after a concurrent delete removed the target directory. */
    private static final int PUT_ATTEMPTS = 10;
    private static final Comparator<Entry> ENTRY_ORDER = (left, right) -> ObjectKeys.compareUtf8(left.sortKey(), right.sortKey());

    private final Path root;
    private final Path temporaryDirectory;

    /**
     * Opens the store in {@code directory}, creating it if missing, and deletes stale temporary files.
     *
     * @throws IOException if the directory cannot be created or is not a directory
     */
    public FilesystemObjectStore(Path directory) throws IOException {
        requireNonNull(directory, "directory is null");
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
        }
        // The real path, so that a symbolic link naming the directory itself is fine and every check
        // below compares paths without links.
        this.root = directory.toRealPath();
        this.temporaryDirectory = root.resolve(TEMPORARY_DIRECTORY);
        createTemporaryDirectory();
        deleteStaleTemporaryFiles();
    }

    @Override
    public String backend() {
        return "filesystem";
    }

    @Override
    public InputStream get(String key) throws IOException {
        return getRange(key, 0, -1);
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        ObjectKeys.checkRange(offset, length);
        Path path = objectPath(key);
        if (objectFile(path) == null) {
            throw new NoSuchObjectException(key);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, READ, NOFOLLOW_LINKS);
        }
        catch (NoSuchFileException e) {
            throw new NoSuchObjectException(key);
        }
        try {
            long size = channel.size();
            long start = Math.min(offset, size);
            long remaining = size - start;
            long count = length == -1 ? remaining : Math.min(length, remaining);
            return new FileRangeInputStream(channel, start, start + count);
        }
        catch (IOException | RuntimeException e) {
            closeSuppressing(channel, e);
            throw e;
        }
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        Path path = objectPath(key);
        requireNonNull(data, "data is null");
        Path temporaryFile = writeTemporaryFile(data);
        try {
            moveIntoPlace(key, temporaryFile, path);
        }
        catch (IOException | RuntimeException | Error e) {
            deleteSuppressing(temporaryFile, e);
            throw e;
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = objectPath(key);
        if (objectFile(path) == null) {
            return;
        }
        try {
            Files.delete(path);
        }
        catch (NoSuchFileException e) {
            return; // deleted concurrently
        }
        syncDirectory(deleteEmptyDirectories(path.getParent()));
    }

    @Override
    public boolean exists(String key) throws IOException {
        return objectFile(objectPath(key)) != null;
    }

    @Override
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        BasicFileAttributes attributes = objectFile(objectPath(key));
        if (attributes == null) {
            return Optional.empty();
        }
        return Optional.of(new ObjectAttributes(attributes.size(), attributes.lastModifiedTime().toInstant()));
    }

    @Override
    public void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException {
        requireNonNull(prefix, "prefix is null");
        requireNonNull(mode, "mode is null");
        requireNonNull(consumer, "consumer is null");
        // "tenant-1/blo" lists directory "tenant-1/" for names starting with "blo".
        int slash = prefix.lastIndexOf('/');
        String directoryKey = prefix.substring(0, slash + 1);
        Path directory = listedDirectory(directoryKey);
        if (directory != null) {
            listDirectory(directory, directoryKey, prefix.substring(slash + 1), mode, consumer);
        }
    }

    /** Nothing to release: every operation opens and closes its own files. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "FilesystemObjectStore{" + root + "}";
    }

    // ---- keys and paths

    /** The path of a key's file: validated, and strictly below the root. */
    private Path objectPath(String key) {
        ObjectKeys.validate(key);
        if (key.equals(TEMPORARY_DIRECTORY) || key.startsWith(TEMPORARY_DIRECTORY + "/")) {
            throw new IllegalArgumentException("object key is in the filesystem backend's reserved directory " + TEMPORARY_DIRECTORY + ": " + key);
        }
        Path path;
        try {
            path = root.resolve(key).normalize();
        }
        catch (InvalidPathException e) {
            throw new IllegalArgumentException("object key cannot be a file name with this JVM's file name encoding (sun.jnu.encoding="
                    + System.getProperty("sun.jnu.encoding") + "; run with a UTF-8 locale such as LANG=C.UTF-8): " + key, e);
        }
        // Validation already excludes ".." segments; this guards against any path syntax it does not know.
        if (!path.startsWith(root) || path.getNameCount() <= root.getNameCount()) {
            throw new IllegalArgumentException("object key resolves outside the storage directory: " + key);
        }
        return path;
    }

    /**
     * The attributes of the regular file that holds an object, or null if there is none: a missing
     * file, a directory, or a path through a regular file. Checks each level so that no symbolic link
     * below the root is followed.
     */
    private BasicFileAttributes objectFile(Path path) throws IOException {
        Path current = root;
        int last = path.getNameCount() - 1;
        for (int i = root.getNameCount(); i <= last; i++) {
            current = current.resolve(path.getName(i));
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(current, BasicFileAttributes.class, NOFOLLOW_LINKS);
            }
            catch (NoSuchFileException e) {
                return null;
            }
            if (attributes.isSymbolicLink()) {
                throw symbolicLinkRefused(current);
            }
            if (i == last) {
                return attributes.isRegularFile() ? attributes : null;
            }
            if (!attributes.isDirectory()) {
                return null;
            }
        }
        throw new IllegalStateException("path is not below the root: " + path);
    }

    private AccessDeniedException symbolicLinkRefused(Path link) {
        return new AccessDeniedException(link.toString(), null, "is a symbolic link; the filesystem object store does not follow links below " + root);
    }

    // ---- put

    private void createTemporaryDirectory() throws IOException {
        Files.createDirectories(temporaryDirectory);
        if (!Files.isDirectory(temporaryDirectory, NOFOLLOW_LINKS)) {
            throw new FileSystemException(temporaryDirectory.toString(), null, "must be a directory, not a symbolic link");
        }
    }

    private Path writeTemporaryFile(InputStream data) throws IOException {
        Path file = temporaryDirectory.resolve(UUID.randomUUID() + ".tmp");
        try (FileChannel channel = createTemporaryFile(file)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            int read;
            while ((read = data.read(buffer)) != -1) {
                wrapped.clear().limit(read);
                while (wrapped.hasRemaining()) {
                    channel.write(wrapped);
                }
            }
            channel.force(true);
        }
        catch (IOException | RuntimeException | Error e) {
            deleteSuppressing(file, e);
            throw e;
        }
        return file;
    }

    private FileChannel createTemporaryFile(Path file) throws IOException {
        try {
            return FileChannel.open(file, CREATE_NEW, WRITE);
        }
        catch (NoSuchFileException e) {
            // someone removed the temporary directory while the store was open
            createTemporaryDirectory();
            return FileChannel.open(file, CREATE_NEW, WRITE);
        }
    }

    private void moveIntoPlace(String key, Path temporaryFile, Path path) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Path highestCreated = createParentDirectories(key, path);
                if (Files.isSymbolicLink(path)) {
                    throw symbolicLinkRefused(path);
                }
                rename(key, temporaryFile, path);
                Path lastChanged = highestCreated == null ? path.getParent() : highestCreated.getParent();
                for (Path directory = path.getParent(); ; directory = directory.getParent()) {
                    syncDirectory(directory);
                    if (directory.equals(lastChanged)) {
                        break;
                    }
                }
                return;
            }
            catch (NoSuchFileException e) {
                // A concurrent delete removed a parent directory that was empty for a moment.
                if (attempt == PUT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Creates the missing parent directories of {@code path}; returns the highest one created, or null. */
    private Path createParentDirectories(String key, Path path) throws IOException {
        Path highestCreated = null;
        Path current = root;
        for (int i = root.getNameCount(); i < path.getNameCount() - 1; i++) {
            current = current.resolve(path.getName(i));
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(current, BasicFileAttributes.class, NOFOLLOW_LINKS);
            }
            catch (NoSuchFileException missing) {
                try {
                    Files.createDirectory(current);
                    if (highestCreated == null) {
                        highestCreated = current;
                    }
                    continue;
                }
                catch (FileAlreadyExistsException e) {
                    attributes = Files.readAttributes(current, BasicFileAttributes.class, NOFOLLOW_LINKS);
                }
            }
            if (attributes.isSymbolicLink()) {
                throw symbolicLinkRefused(current);
            }
            if (!attributes.isDirectory()) {
                throw new FileAlreadyExistsException(current.toString(), null,
                        "is an object, so it cannot also be a directory for object " + key + " (a filesystem cannot hold both)");
            }
        }
        return highestCreated;
    }

    private static void rename(String key, Path temporaryFile, Path path) throws IOException {
        try {
            Files.move(temporaryFile, path, ATOMIC_MOVE, REPLACE_EXISTING);
        }
        catch (NoSuchFileException e) {
            throw e;
        }
        catch (FileSystemException e) {
            if (Files.isDirectory(path, NOFOLLOW_LINKS)) {
                FileAlreadyExistsException conflict = new FileAlreadyExistsException(path.toString(), null,
                        "is a directory of other objects, so it cannot also hold object " + key + " (a filesystem cannot hold both)");
                conflict.addSuppressed(e);
                throw conflict;
            }
            throw e;
        }
    }

    // ---- delete

    /** Removes {@code directory} and its ancestors below the root while they are empty; returns the first one kept. */
    private Path deleteEmptyDirectories(Path directory) throws IOException {
        Path current = directory;
        while (!current.equals(root)) {
            try {
                Files.delete(current);
            }
            catch (DirectoryNotEmptyException e) {
                return current;
            }
            catch (NoSuchFileException e) {
                // removed by a concurrent delete; its parent may be empty now too
            }
            current = current.getParent();
        }
        return root;
    }

    // ---- list

    /** The directory a listing reads, or null if no key can start with {@code directoryKey}. */
    private Path listedDirectory(String directoryKey) throws IOException {
        if (directoryKey.isEmpty()) {
            return root;
        }
        Path directory;
        try {
            directory = objectPath(directoryKey.substring(0, directoryKey.length() - 1));
        }
        catch (IllegalArgumentException e) {
            return null; // "../", "a//", reserved or unencodable: no valid key starts with it
        }
        Path current = root;
        for (int i = root.getNameCount(); i < directory.getNameCount(); i++) {
            current = current.resolve(directory.getName(i));
            try {
                if (!Files.readAttributes(current, BasicFileAttributes.class, NOFOLLOW_LINKS).isDirectory()) {
                    return null; // an object, or a symbolic link, which listing skips
                }
            }
            catch (NoSuchFileException e) {
                return null;
            }
        }
        return directory;
    }

    private void listDirectory(Path directory, String directoryKey, String namePrefix, ListMode mode, Consumer<String> consumer) throws IOException {
        for (Entry entry : readEntries(directory, directoryKey.isEmpty(), namePrefix)) {
            if (!entry.directory()) {
                consumer.accept(directoryKey + entry.name());
            }
            else if (mode == ListMode.RECURSIVE) {
                listDirectory(directory.resolve(entry.name()), directoryKey + entry.sortKey(), "", mode, consumer);
            }
            else if (containsObject(directory.resolve(entry.name()))) {
                consumer.accept(directoryKey + entry.sortKey());
            }
        }
    }

    /** A directory's objects and sub-directories whose names start with {@code namePrefix}, in listing order. */
    private static List<Entry> readEntries(Path directory, boolean atRoot, String namePrefix) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (!name.startsWith(namePrefix) || (atRoot && name.equals(TEMPORARY_DIRECTORY)) || !isKeySegment(name)) {
                    continue;
                }
                BasicFileAttributes attributes = attributesOrNull(child);
                if (attributes != null && attributes.isRegularFile()) {
                    entries.add(new Entry(name, false, name));
                }
                else if (attributes != null && attributes.isDirectory()) {
                    entries.add(new Entry(name, true, name + "/"));
                }
                // symbolic links and special files are not objects
            }
        }
        catch (NoSuchFileException | NotDirectoryException e) {
            return List.of(); // removed while listing
        }
        entries.sort(ENTRY_ORDER);
        return entries;
    }

    /** True if an object exists anywhere below {@code directory}; stops at the first one. */
    private static boolean containsObject(Path directory) throws IOException {
        List<Path> subdirectories = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                if (!isKeySegment(child.getFileName().toString())) {
                    continue;
                }
                BasicFileAttributes attributes = attributesOrNull(child);
                if (attributes != null && attributes.isRegularFile()) {
                    return true;
                }
                if (attributes != null && attributes.isDirectory()) {
                    subdirectories.add(child);
                }
            }
        }
        catch (NoSuchFileException | NotDirectoryException e) {
            return false;
        }
        for (Path subdirectory : subdirectories) {
            if (containsObject(subdirectory)) {
                return true;
            }
        }
        return false;
    }

    private static BasicFileAttributes attributesOrNull(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW_LINKS);
        }
        catch (NoSuchFileException e) {
            return null; // deleted while listing
        }
    }

    /** File names that no valid key can contain (a backslash) are not listed, so every listed key can be read. */
    private static boolean isKeySegment(String name) {
        return name.indexOf('\\') < 0;
    }



    /**
     * One directory entry.
     *
     * @param sortKey the entry's part of the keys it leads to: the name, plus {@code /} for a directory
     */
    private record Entry(String name, boolean directory, String sortKey) {}

    // ---- housekeeping

    /** Makes renames and deletes in {@code directory} durable, where the OS lets a directory be opened for that. */
    private static void syncDirectory(Path directory) {
        FileChannel channel;
        try {
            channel = FileChannel.open(directory, READ);
        }
        catch (IOException e) {
            return; // e.g. Windows, where directories cannot be opened; or already removed
        }
        try (channel) {
            channel.force(true);
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "cannot sync directory dir={0} error={1}", directory, e.toString());
        }
    }

    private void deleteStaleTemporaryFiles() throws IOException {
        Instant cutoff = Instant.now().minus(Duration.ofHours(STALE_TEMPORARY_FILE_HOURS));
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(temporaryDirectory)) {
            for (Path file : files) {
                BasicFileAttributes attributes = attributesOrNull(file);
                if (attributes != null && attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
                    if (Files.deleteIfExists(file)) {
                        deleted++;
                    }
                }
            }
        }
        if (deleted > 0) {
            LOG.log(Level.INFO, "deleted stale temporary files dir={0} count={1}", temporaryDirectory, deleted);
        }
    }

    private static void closeSuppressing(AutoCloseable resource, Throwable failure) {
        try {
            resource.close();
        }
        catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteSuppressing(Path file, Throwable failure) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
