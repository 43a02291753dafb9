/**
 * The filesystem backend of {@link mimir.spi.objstore.ObjectStore}: object {@code a/b/c} is the
 * regular file {@code <dir>/a/b/c}, so the directory is readable with ordinary tools and laid out as
 * Mimir's (Thanos's) filesystem bucket lays it out.
 *
 * <h2>Design rules</h2>
 * <ul>
 * <li><b>Key confinement.</b> Every key passes {@link mimir.spi.objstore.ObjectKeys#validate} and is
 *     then resolved, normalized and checked to lie strictly below the store's directory, whose real
 *     path is fixed when the store opens. Symbolic links below that directory are never followed:
 *     reading, writing or deleting through one fails with
 *     {@link java.nio.file.AccessDeniedException}, and listing skips them. A link could lead out of
 *     the directory, into a cycle, or onto another filesystem where the atomic rename below cannot
 *     work. This guards against mistakes and foreign files, not against a local user who can write to
 *     the directory while the store runs.</li>
 * <li><b>Atomic writes.</b> A put streams into a fresh file in the root-level directory
 *     {@value FilesystemObjectStore#TEMPORARY_DIRECTORY}, forces it to disk
 *     ({@code FileChannel.force(true)}), then renames it over the object's file with
 *     {@code ATOMIC_MOVE}. Readers see the old file or the new one, never a partial one; a failed put
 *     deletes its temporary file. The temporary directory is never listed, keys below it are
 *     rejected, and files in it older than {@value FilesystemObjectStore#STALE_TEMPORARY_FILE_HOURS}
 *     hour(s) (left by a crash) are deleted when a store opens.</li>
 * <li><b>Durable renames.</b> After a rename or delete the store forces the changed directories (the
 *     object's parent and the parents of directories it created) where the OS allows opening a
 *     directory for that; elsewhere it relies on the OS.</li>
 * <li><b>No empty directories.</b> Parent directories are created on demand; deleting an object
 *     removes the parent directories it leaves empty, up to the root, as Thanos does. Because a
 *     concurrent delete may remove a directory a put has just created, a put that finds its directory
 *     gone creates it again and retries the rename.</li>
 * <li><b>Streaming.</b> Reads are positioned reads on a {@link java.nio.channels.FileChannel} and
 *     writes copy through a fixed buffer; no object is held in memory. An open read keeps reading the
 *     version it opened, because a put replaces the file rather than writing into it.</li>
 * <li><b>Listing order.</b> Each directory's entries are sorted by the UTF-8 bytes of the key they
 *     lead to, a directory {@code d} counting as {@code d/}, so keys come out in the order the SPI
 *     promises whatever order the filesystem returns them in. A delimited listing does not descend
 *     into sub-directories except to check that one holds an object.</li>
 * </ul>
 *
 * <h2>Limits of a filesystem</h2>
 * A key and keys below it ({@code a} and {@code a/b}) cannot both exist: the second put fails with
 * {@link java.nio.file.FileAlreadyExistsException}. On case-insensitive filesystems keys differing
 * only in case collide. Keys with non-ASCII characters need the JVM to run with a UTF-8 locale (for
 * example {@code LANG=C.UTF-8}); otherwise they are rejected. The directory must be one filesystem.
 */
package mimir.storage.filesystem;
