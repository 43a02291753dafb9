package mimir.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestTenantIds {
    @Test
    void acceptsEveryAllowedCharacter() {
        assertThat(TenantIds.validate("team-a_1.prod!*'()")).isEqualTo("team-a_1.prod!*'()");
    }

    @Test
    void rejectsLongDotReservedAndOddCharacters() {
        assertThat(TenantIds.validate("a".repeat(150))).hasSize(150);
        assertThatThrownBy(() -> TenantIds.validate("a".repeat(151))).hasMessageContaining("max 150");
        assertThatThrownBy(() -> TenantIds.validate(".")).isInstanceOf(InvalidTenantIdException.class);
        assertThatThrownBy(() -> TenantIds.validate("..")).isInstanceOf(InvalidTenantIdException.class);
        assertThatThrownBy(() -> TenantIds.validate("__mimir_cluster")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> TenantIds.validate("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> TenantIds.validate("tenant with space")).hasMessageContaining("' '");
        assertThatThrownBy(() -> TenantIds.validate("")).hasMessageContaining("empty");
    }

    @Test
    void federatedHeaderIsSortedAndDeduplicated() {
        assertThat(TenantIds.parseHeader("b|a|b")).containsExactly("a", "b");
        assertThatThrownBy(() -> TenantIds.parseHeader("a||b")).hasMessageContaining("empty");
    }
}
