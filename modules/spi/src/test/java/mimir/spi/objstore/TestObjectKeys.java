package mimir.spi.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestObjectKeys {
    @Test
    void utf8OrderPutsSupplementaryCharactersLastAndDirectoriesAfterPunctuation() {
        assertThat(ObjectKeys.compareUtf8("\uFFFD", "\uD800\uDC00")).isNegative();
        assertThat(ObjectKeys.compareUtf8("\uD800\uDC00", "\uE000")).isPositive();
        assertThat(ObjectKeys.compareUtf8("\uD7FF", "\uD800\uDC00")).isNegative();
        assertThat(ObjectKeys.compareUtf8("\uD800\uDC01", "\uD800\uDC00")).isPositive();
        assertThat(ObjectKeys.compareUtf8("a", "a/")).isNegative();
        assertThat(ObjectKeys.compareUtf8("a/", "a-b")).isPositive();
        assertThat(ObjectKeys.compareUtf8("a/", "a.b")).isPositive();
        assertThat(ObjectKeys.compareUtf8("a/", "a0")).isNegative();
        assertThat(ObjectKeys.compareUtf8("same", "same")).isZero();
    }

    @Test
    void keysAndRangesAreValidated() {
        assertThat(ObjectKeys.validate("tenant/01ABC/meta.json")).isEqualTo("tenant/01ABC/meta.json");
        assertThatThrownBy(() -> ObjectKeys.validate("a//b")).hasMessageContaining("segment");
        assertThatThrownBy(() -> ObjectKeys.validate("../x")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> ObjectKeys.checkRange(-1, 1)).hasMessageContaining("offset is negative");
        assertThatThrownBy(() -> ObjectKeys.checkRange(0, -2)).hasMessageContaining("length must be -1 or at least 0");
        ObjectKeys.checkRange(0, -1);
    }
}
