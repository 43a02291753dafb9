package mimir.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Version and build facts recorded when {@code mimir.core} was built, for {@code -version} and
 * {@code /api/v1/status/buildinfo}.
 *
 * @param version   the project version
 * @param buildDate when the jar was built (UTC)
 */
public record BuildInfo(String version, String buildDate) {
    /** The build facts of this jar. */
    public static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(properties.getProperty("version", "unknown"), properties.getProperty("buildDate", ""));
    }

    /** Prometheus's {@code version.Print} layout, as {@code mimir -version} prints it. */
    public String versionText() {
        return "Mimir, version " + version + " (branch: , revision: )\n"
                + "  build user:   \n"
                + "  build date:   " + buildDate + "\n"
                + "  java version: " + Runtime.version() + "\n"
                + "  platform:     " + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/" + System.getProperty("os.arch") + "\n";
    }

    /** The {@code data} of {@code /api/v1/status/buildinfo}: Prometheus's fields plus Mimir's {@code application} and {@code features}. */
    public Map<String, Object> buildInfoData() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("application", "Grafana Mimir");
        data.put("version", version);
        data.put("revision", "");
        data.put("branch", "");
        data.put("buildUser", "");
        data.put("buildDate", buildDate);
        data.put("goVersion", "java" + Runtime.version().feature());
        data.put("features", Map.of());
        return data;
    }
}
