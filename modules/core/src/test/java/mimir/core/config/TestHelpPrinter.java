package mimir.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TestHelpPrinter {
    private final TestingSettings settings = new TestingSettings();

    @Test
    void basicHelpPrintsBasicFlagsGroupedInMimirsFormat() {
        ConfigRegistryImpl registry = settings.registry();
        ConfigLoader.registerCommon(registry);
        assertThat(print(registry, false)).isEqualTo("""
                Usage of ./mimir:
                  -target comma-separated-list-of-strings
                    \tComma-separated list of components to include in the instantiated process. (default all)

                  # auth
                  -auth.multitenancy-enabled
                    \tWhen set to true, incoming HTTP requests must specify tenant ID in HTTP X-Scope-OrgId header. (default true)

                  # blocks-storage
                  -blocks-storage.s3.bucket-name string
                    \tS3 bucket name
                  -blocks-storage.s3.secret-access-key string
                    \tS3 secret access key

                  # config
                  -config.expand-env
                    \tExpands ${var} or $var in config according to the values of the environment variables.
                  -config.file string
                    \tConfiguration file to load.

                  # log
                  -log.level string
                    \tOnly log messages with the given severity or above. (default "info")

                  # server
                  -server.http-listen-port int
                    \tHTTP server listen port. (default 8080)

                To see all flags, use -help-all
                """);
    }

    @Test
    void helpAllAddsAdvancedAndMarksExperimental() {
        String all = print(settings.registry(), true);
        assertThat(all).contains("""
                  -blocks-storage.tsdb.head-ratio float
                    \t[experimental] A made-up experimental ratio. (default 0.5)
                """);
        assertThat(all).contains("""
                  -server.graceful-shutdown-timeout duration
                    \tTimeout for graceful shutdowns (default 30s)
                  -server.http-listen-port int
                """);
        assertThat(all).doesNotContain("To see all flags");
    }

    private static String print(ConfigRegistryImpl registry, boolean all) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        HelpPrinter.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), registry.settings(), all);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
