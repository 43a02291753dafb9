package mimir.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real programs tests run as peers ({@code promtool}, {@code prometheus},
 * {@code prometheus-alertmanager}, {@code amtool}): an environment variable naming the executable,
 * else the program on the {@code PATH}. Absent programs fail the test (never skip it), with the
 * command that installs them.
 */
public final class TestingExecutables {
    private TestingExecutables() {}

    /** Debian's package install hint for the Prometheus programs. */
    public static final String PROMETHEUS_PACKAGE = "install it with `apt-get install prometheus` (Debian/Ubuntu), or run `bash .ci/setup`";
    public static final String ALERTMANAGER_PACKAGE = "install it with `apt-get install prometheus-alertmanager` (Debian/Ubuntu), or run `bash .ci/setup`";

    /** {@code $PROMTOOL}, else {@code promtool} on the PATH. */
    public static Path promtool() {
        return find("promtool", "PROMTOOL", PROMETHEUS_PACKAGE);
    }

    /**
     * {@code $<env>}, else {@code executable} on the PATH.
     *
     * @throws AssertionError if neither names an executable file
     */
    public static Path find(String executable, String env, String installHint) {
        String configured = System.getenv(env);
        if (configured != null && !configured.isBlank()) {
            if (!Files.isExecutable(Path.of(configured))) {
                throw new AssertionError(env + "=" + configured + " is not an executable file: these compatibility tests need " + executable + "; "
                        + installHint);
            }
            return Path.of(configured);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry).resolve(executable);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(executable + " not found on PATH (" + path + ") and " + env + " not set: these compatibility tests need it; "
                + installHint);
    }
}
