package mimir.spi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestValueTypes {
    @Test
    void scalarsParseAndRejectWithAMessage() {
        assertThat(ValueTypes.BOOLEAN.parse("true")).isTrue();
        assertThat(ValueTypes.BOOLEAN.parse("0")).isFalse();
        assertThatThrownBy(() -> ValueTypes.BOOLEAN.parse("yes please")).hasMessageContaining("invalid boolean");
        assertThat(ValueTypes.INT.parse(" 8080 ")).isEqualTo(8080);
        assertThatThrownBy(() -> ValueTypes.INT.parse("80.5")).hasMessageContaining("invalid int");
        assertThat(ValueTypes.DOUBLE.format(10000.0)).isEqualTo("10000");
        assertThat(ValueTypes.DOUBLE.format(0.5)).isEqualTo("0.5");
        assertThat(ValueTypes.oneOf("a", "b").parse("b")).isEqualTo("b");
        assertThatThrownBy(() -> ValueTypes.oneOf("a", "b").parse("c")).hasMessageContaining("supported values: a, b");
    }

    @Test
    void stringListsComeFromCommasOrYamlSequences() {
        assertThat(ValueTypes.STRING_LIST.parse("a, b,,c")).containsExactly("a", "b", "c");
        assertThat(ValueTypes.STRING_LIST.parse("")).isEmpty();
        assertThat(ValueTypes.STRING_LIST.fromYaml(List.of("x", "y"))).containsExactly("x", "y");
        assertThat(ValueTypes.STRING_LIST.fromYaml("x,y")).containsExactly("x", "y");
        assertThatThrownBy(() -> ValueTypes.INT.fromYaml(Map.of("a", "b"))).hasMessageContaining("mapping");
    }
}
