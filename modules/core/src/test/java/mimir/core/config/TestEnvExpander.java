package mimir.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TestEnvExpander {
    private static final Map<String, String> ENV = Map.of("HOST", "db", "EMPTY", "", "MULTI", "a\nb", "_X1", "ok");

    @Test
    void expandsBracedBareAndDefaultedReferences() {
        assertThat(EnvExpander.expand("${HOST}:$HOST/${_X1}", ENV)).isEqualTo("db:db/ok");
        assertThat(EnvExpander.expand("${MISSING:fallback value}|${EMPTY:used}|${HOST:unused}", ENV)).isEqualTo("fallback value|used|db");
        assertThat(EnvExpander.expand("${MISSING}x$MISSING", ENV)).isEqualTo("x");
    }

    @Test
    void followsGoEdgeCases() {
        assertThat(EnvExpander.expand("cost: 5$", ENV)).isEqualTo("cost: 5$");
        assertThat(EnvExpander.expand("a $ b", ENV)).isEqualTo("a $ b");
        assertThat(EnvExpander.expand("x${}y", ENV)).isEqualTo("xy");
        assertThat(EnvExpander.expand("x${HOST", ENV)).isEqualTo("xHOST");
        assertThat(EnvExpander.expand("p$$w", ENV)).isEqualTo("pw");
        assertThat(EnvExpander.expand("v: ${MULTI}", ENV)).isEqualTo("v: ab");
    }
}
