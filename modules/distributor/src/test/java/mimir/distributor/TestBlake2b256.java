package mimir.distributor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TestBlake2b256 {
    private static String hex(String input) {
        return HexFormat.of().formatHex(Blake2b256.hash(input.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void matchesKnownDigests() {
        assertThat(hex("")).isEqualTo("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
        assertThat(hex("abc")).isEqualTo("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    }

    @Test
    void hashesInputsLongerThanOneBlockDifferently() {
        String long1 = "a".repeat(300);
        String long2 = "a".repeat(299) + "b";
        assertThat(hex(long1)).hasSize(64).isNotEqualTo(hex(long2));
        assertThat(hex("a".repeat(128))).isNotEqualTo(hex("a".repeat(129)));
    }
}
