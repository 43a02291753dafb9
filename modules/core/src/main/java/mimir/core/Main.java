package mimir.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The entry point of {@code bin/mimir}. SIGTERM and SIGINT stop every service gracefully (within
 * {@code -server.graceful-shutdown-timeout}) and the process exits 0; a failed service exits 1.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        Launcher launcher = new Launcher(pluginDir(), image(), System.out, System.err, System.getenv());
        Runnable stop = launcher::stop;
        // Handle TERM/INT ourselves: a JVM shutdown hook would make the exit status 143.
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> Thread.ofPlatform().name("signal-" + signal).start(stop));
            }
            catch (IllegalArgumentException e) {
                // The signal is not available on this platform; the JVM's default handling applies.
            }
        }
        int exit = launcher.run(Arrays.asList(args));
        System.out.flush();
        System.err.flush();
        System.exit(exit);
    }

    /**
     * The image's name: the {@code name=} line of {@code <mimir.home>/IMAGE} (written by
     * jlink/build-image.sh), else empty (not run from an image).
     */
    static String image() {
        String home = System.getProperty("mimir.home");
        if (home == null || home.isEmpty()) {
            return "";
        }
        Path file = Path.of(home, "IMAGE");
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(line -> line.startsWith("name="))
                    .map(line -> line.substring("name=".length()).strip()).findFirst().orElse("") : "";
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** {@code -Dmimir.plugins.dir}, else {@code <mimir.home>/plugins}, else {@code ./plugins}. */
    static Path pluginDir() {
        String explicit = System.getProperty("mimir.plugins.dir");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String home = System.getProperty("mimir.home");
        return home != null && !home.isEmpty() ? Path.of(home, "plugins") : Path.of("plugins");
    }
}
