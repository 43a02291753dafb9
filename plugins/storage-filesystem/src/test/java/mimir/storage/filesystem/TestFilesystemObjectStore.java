package mimir.storage.filesystem;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import mimir.spi.objstore.ObjectStore.ListMode;
import mimir.spi.objstore.ObjectStore;
import mimir.testing.AbstractTestObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFilesystemObjectStore extends AbstractTestObjectStore {
    @TempDir
    Path scratch;

    /** The store's directory, inside {@link #scratch} so that tests have an "outside" next to it. */
    private Path root;
    private Path outside;

    @Override
    protected ObjectStore createStore() throws IOException {
        root = scratch.resolve("bucket");
        return new FilesystemObjectStore(root);
    }

    @BeforeEach
    void createOutsideFile() throws IOException {
        outside = Files.createDirectories(scratch.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
    }

    @Test
    void objectsAreFilesNamedByTheirKeys() throws IOException {
        store().put("tenant-1/01HZX/meta.json", bytes("{}"));

        assertThat(root.resolve("tenant-1/01HZX/meta.json")).hasContent("{}");
    }

    @Test
    void keysThatWouldEscapeAreRejected() throws IOException {
        for (String key : List.of("../outside/secret", "tenant-1/../../outside/secret", "../escape", outside.resolve("secret").toString())) {
            assertThatIllegalArgumentException().as("get(%s)", key).isThrownBy(() -> store().get(key));
            assertThatIllegalArgumentException().as("put(%s)", key).isThrownBy(() -> store().put(key, bytes("overwritten")));
            assertThatIllegalArgumentException().as("delete(%s)", key).isThrownBy(() -> store().delete(key));
        }
        assertThat(outside.resolve("secret")).hasContent("secret");
        assertThat(scratch.resolve("escape")).doesNotExist();
        assertThat(list("../", ListMode.RECURSIVE)).isEmpty();
        assertThat(list("../outside/", ListMode.DELIMITED)).isEmpty();
    }

    @Test
    void symbolicLinkOutOfTheDirectoryIsRefused() throws IOException {
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("tenant-1"), outside);

        assertThatThrownBy(() -> store().get("tenant-1/secret")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store().exists("tenant-1/secret")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store().put("tenant-1/planted", bytes("x"))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store().delete("tenant-1/secret")).isInstanceOf(AccessDeniedException.class);
        assertThat(list("", ListMode.RECURSIVE)).isEmpty();
        assertThat(list("", ListMode.DELIMITED)).isEmpty();
        assertThat(list("tenant-1/", ListMode.RECURSIVE)).isEmpty();
        assertThat(outside.resolve("secret")).hasContent("secret");
        assertThat(outside.resolve("planted")).doesNotExist();
    }

    @Test
    void symbolicLinkAsObjectIsRefused() throws IOException {
        Files.createDirectories(root.resolve("tenant-1"));
        Files.createSymbolicLink(root.resolve("tenant-1/leak"), outside.resolve("secret"));

        assertThatThrownBy(() -> store().get("tenant-1/leak")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store().attributes("tenant-1/leak")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> store().put("tenant-1/leak", bytes("overwritten"))).isInstanceOf(AccessDeniedException.class);
        assertThat(list("tenant-1/", ListMode.RECURSIVE)).isEmpty();
        assertThat(outside.resolve("secret")).hasContent("secret");
    }

    @Test
    void directoryItselfMayBeASymbolicLink() throws IOException {
        Path target = Files.createDirectories(scratch.resolve("real-bucket"));
        Path link = Files.createSymbolicLink(scratch.resolve("linked-bucket"), target);

        try (ObjectStore linked = new FilesystemObjectStore(link)) {
            linked.put("tenant-1/object", bytes("via link"));
            assertThat(readString(linked, "tenant-1/object")).isEqualTo("via link");
        }
        assertThat(target.resolve("tenant-1/object")).hasContent("via link");
    }

    @Test
    void temporaryFilesAreNeverListed() throws IOException {
        Path temporary = root.resolve(FilesystemObjectStore.TEMPORARY_DIRECTORY);
        Files.writeString(temporary.resolve("in-flight.tmp"), "partial");
        store().put("tenant-1/object", bytes("x"));

        assertThat(list("", ListMode.RECURSIVE)).containsExactly("tenant-1/object");
        assertThat(list("", ListMode.DELIMITED)).containsExactly("tenant-1/");
        assertThat(list(".", ListMode.DELIMITED)).isEmpty();
        assertThat(list(FilesystemObjectStore.TEMPORARY_DIRECTORY + "/", ListMode.RECURSIVE)).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> store().put(FilesystemObjectStore.TEMPORARY_DIRECTORY + "/x", bytes("x")));
        assertThatIllegalArgumentException().isThrownBy(() -> store().get(FilesystemObjectStore.TEMPORARY_DIRECTORY + "/in-flight.tmp"));
        assertThat(temporaryFiles()).as("a successful put leaves no temporary file").containsExactly("in-flight.tmp");
    }

    @Test
    void failedPutDeletesItsTemporaryFile() throws IOException {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }
        };

        assertThatThrownBy(() -> store().put("tenant-1/object", failing)).hasMessage("client went away");

        assertThat(temporaryFiles()).isEmpty();
        assertThat(root.resolve("tenant-1")).doesNotExist();
    }

    @Test
    void staleTemporaryFilesAreDeletedOnOpen() throws IOException {
        Path temporary = root.resolve(FilesystemObjectStore.TEMPORARY_DIRECTORY);
        Path stale = Files.writeString(temporary.resolve("crashed.tmp"), "partial");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(FilesystemObjectStore.STALE_TEMPORARY_FILE_HOURS + 1))));
        Files.writeString(temporary.resolve("in-flight.tmp"), "partial");

        new FilesystemObjectStore(root).close();

        assertThat(temporaryFiles()).containsExactly("in-flight.tmp");
    }

    @Test
    void objectsSurviveReopening() throws IOException {
        store().put("tenant-1/blocks/01/meta.json", bytes("meta"));
        store().close();

        try (ObjectStore reopened = new FilesystemObjectStore(root)) {
            assertThat(readString(reopened, "tenant-1/blocks/01/meta.json")).isEqualTo("meta");
            List<String> keys = new ArrayList<>();
            reopened.list("", ListMode.RECURSIVE, keys::add);
            assertThat(keys).containsExactly("tenant-1/blocks/01/meta.json");
        }
    }

    @Test
    void deleteRemovesDirectoriesItLeavesEmpty() throws IOException {
        store().put("tenant-1/blocks/01/meta.json", bytes("meta"));
        store().put("tenant-1/bucket-index.json.gz", bytes("index"));

        store().delete("tenant-1/blocks/01/meta.json");
        assertThat(root.resolve("tenant-1/blocks")).doesNotExist();
        assertThat(root.resolve("tenant-1")).isDirectory();

        store().delete("tenant-1/bucket-index.json.gz");
        assertThat(root.resolve("tenant-1")).doesNotExist();
        assertThat(root).isDirectory();
    }

    @Test
    void emptyDirectoriesAreNotListed() throws IOException {
        Files.createDirectories(root.resolve("abandoned/nested/deeper"));
        Files.createDirectories(root.resolve("tenant-1/empty"));
        store().put("tenant-1/blocks/01/meta.json", bytes("meta"));

        assertThat(list("", ListMode.DELIMITED)).containsExactly("tenant-1/");
        assertThat(list("tenant-1/", ListMode.DELIMITED)).containsExactly("tenant-1/blocks/");
        assertThat(list("", ListMode.RECURSIVE)).containsExactly("tenant-1/blocks/01/meta.json");
    }

    @Test
    void filesNoKeyCanNameAreNotListed() throws IOException {
        Files.writeString(Files.createDirectories(root.resolve("tenant-1")).resolve("back\\slash"), "x");

        assertThat(list("", ListMode.RECURSIVE)).isEmpty();
        assertThat(list("", ListMode.DELIMITED)).isEmpty();
    }

    @Test
    void keyAndKeysBelowItCannotBothExist() throws IOException {
        store().put("tenant-1/object", bytes("object"));
        store().put("tenant-1/directory/object", bytes("below"));

        assertThatThrownBy(() -> store().put("tenant-1/object/below", bytes("x"))).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> store().put("tenant-1/directory", bytes("x"))).isInstanceOf(FileAlreadyExistsException.class);

        assertThat(read("tenant-1/object")).isEqualTo("object");
        assertThat(read("tenant-1/directory/object")).isEqualTo("below");
        assertThat(temporaryFiles()).isEmpty();
    }


    private static String readString(ObjectStore store, String key) throws IOException {
        try (InputStream input = store.get(key)) {
            return new String(input.readAllBytes(), UTF_8);
        }
    }

    private List<String> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(FilesystemObjectStore.TEMPORARY_DIRECTORY))) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
