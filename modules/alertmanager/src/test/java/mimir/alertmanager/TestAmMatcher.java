package mimir.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import mimir.alertmanager.model.AmMatcher;
import mimir.alertmanager.model.AmMatcher.Type;

class TestAmMatcher {
    @Test
    void parsesAlertmanagersMatcherSyntax() {
        List<AmMatcher> matchers = AmMatcher.parse("{alertname=\"Down\", job=~\"api|db\" ,instance!=\"x\\\"y\", env!~staging.*}");
        assertThat(matchers).extracting(AmMatcher::type).containsExactly(Type.EQUAL, Type.REGEX, Type.NOT_EQUAL, Type.NOT_REGEX);
        assertThat(matchers).extracting(AmMatcher::value).containsExactly("Down", "api|db", "x\"y", "staging.*");
        assertThat(AmMatcher.all(matchers, Map.of("alertname", "Down", "job", "db", "env", "prod"))).isTrue();
        assertThat(AmMatcher.all(matchers, Map.of("alertname", "Down", "job", "dbx", "env", "prod"))).isFalse();
        assertThat(AmMatcher.parse("severity=page")).singleElement().satisfies(m -> assertThat(m.toString()).isEqualTo("severity=\"page\""));
    }

    @Test
    void aMissingLabelMatchesTheEmptyString() {
        assertThat(AmMatcher.of(Type.EQUAL, "team", "").matches(Map.of())).isTrue();
        assertThat(AmMatcher.of(Type.NOT_REGEX, "team", ".+").matches(Map.of())).isTrue();
    }

    @Test
    void badMatchersAreRefusedWithTheReason() {
        assertThatThrownBy(() -> AmMatcher.parse("a=~\"(\"")).hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> AmMatcher.parse("just-a-name")).hasMessageContaining("bad matcher format");
        assertThatThrownBy(() -> AmMatcher.parse("{a=\"b\"")).hasMessageContaining("missing closing '}'");
    }
}
