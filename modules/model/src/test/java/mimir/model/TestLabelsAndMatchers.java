package mimir.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestLabelsAndMatchers {
    @Test
    void labelsAreSortedUniqueAndDropEmptyValues() {
        Labels labels = Labels.of("job", "api", "__name__", "up", "empty", "");
        assertThat(labels.names()).containsExactly("__name__", "job");
        assertThat(labels.get("job")).isEqualTo("api");
        assertThat(labels.get("missing")).isEmpty();
        assertThat(labels.metricName()).isEqualTo("up");
        assertThat(labels).isEqualTo(Labels.of("__name__", "up", "job", "api")).hasSameHashCodeAs(Labels.of("__name__", "up", "job", "api"));
        assertThat(labels.toString()).isEqualTo("{__name__=\"up\", job=\"api\"}");
        assertThat(labels.without("__name__")).isEqualTo(Labels.of("job", "api"));
        assertThat(labels.keep("job", "nope")).isEqualTo(Labels.of("job", "api"));
        assertThatThrownBy(() -> Labels.of("a", "1", "a", "2")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Labels.ofSorted(new String[] {"b", "1", "a", "2"})).hasMessageContaining("not sorted");
    }

    @Test
    void orderIsPrometheusOrderByUtf8Bytes() {
        assertThat(Labels.of("a", "1").compareTo(Labels.of("a", "1", "b", "2"))).isNegative();
        assertThat(Labels.of("a", "2").compareTo(Labels.of("a", "10"))).isPositive();
        // U+FFFD is 3 UTF-8 bytes (EF BF BD), U+1F600 is 4 (F0 ...): the emoji sorts last in UTF-8, first in UTF-16.
        assertThat(Labels.compareUtf8("\uFFFD", "\uD83D\uDE00")).isNegative();
        assertThat(Labels.of("x", "\uD83D\uDE00", "y", "1").names()).containsExactly("x", "y");
    }

    @Test
    void matchersFollowPrometheusSemantics() {
        assertThat(Matcher.equal("job", "api").matches("api")).isTrue();
        assertThat(Matcher.equal("job", "").matches("")).isTrue();
        assertThat(Matcher.notEqual("job", "api").matches("")).isTrue();
        assertThat(Matcher.regex("job", "api.*").matches("api-server")).isTrue();
        assertThat(Matcher.regex("job", "api.*").prefix()).isEqualTo("api");
        assertThat(Matcher.regex("job", "pi").matches("api")).as("fully anchored").isFalse();
        assertThat(Matcher.regex("job", "a|b|c").setMatches()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(Matcher.regex("job", "a|b|c").matches("b")).isTrue();
        assertThat(Matcher.regex("job", "a.c").matches("a\nc")).as("dot matches newline").isTrue();
        assertThat(Matcher.notRegex("job", ".+").matches("")).isTrue();
        assertThat(Matcher.regex("job", ".*").matchesEmpty()).isTrue();
        assertThat(Matcher.regex("job", "(a|b)+x").matches("abx")).isTrue();
        assertThatThrownBy(() -> Matcher.regex("job", "(")).hasMessageContaining("error parsing regexp");
        assertThat(Matcher.regex("job", "a\"b").toString()).isEqualTo("job=~\"a\\\"b\"");
    }

    @Test
    void regexesRunInLinearTimeWithGoSyntax() {
        // Exponential for a backtracking engine (java.util.regex took ~115 s of CPU for this one value).
        Matcher pathological = Matcher.regex("pod", "(.*a){12}");
        assertThat(pathological.matches("a".repeat(11) + "b".repeat(29))).isFalse();
        assertThat(pathological.matches("a".repeat(12))).isTrue();
        // Go's RE2: named groups in Go syntax, dot matches newline, fully anchored.
        assertThat(Matcher.regex("a", "(?P<x>f)o+").matches("foo")).isTrue();
        assertThat(Matcher.regex("a", "f.o").matches("f\no")).isTrue();
        assertThat(Matcher.regex("a", "o+").matches("foo")).isFalse();
    }

    @Test
    void regexSyntaxThatGoRejectsIsRejected() {
        assertThatThrownBy(() -> Matcher.regex("a", "(a)\\1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("error parsing regexp: invalid escape sequence");
        assertThatThrownBy(() -> Matcher.regex("a", "a(?=b)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("error parsing regexp: invalid or unsupported Perl syntax");
        assertThatThrownBy(() -> Matcher.regex("a", "a*+")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("error parsing regexp: invalid nested repetition operator");
        assertThatThrownBy(() -> Matcher.notRegex("a", "(a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("error parsing regexp: missing closing ): `^(?s:(a)$`");
    }
}
