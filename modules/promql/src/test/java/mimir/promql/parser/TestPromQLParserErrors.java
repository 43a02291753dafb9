package mimir.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parse errors: Prometheus's message text and position range for invalid queries, the cases of
 * Prometheus's own parser tests (promql/parser/parse_test.go at v3.14), all features enabled.
 */
class TestPromQLParserErrors {
    static Stream<Arguments> prometheusCases() {
        return Stream.of(
                Arguments.of("", 0, 0, "no expression found in input"),
                Arguments.of("# just a comment\n\n", 0, 0, "no expression found in input"),
                Arguments.of("1+", 2, 2, "unexpected end of input"),
                Arguments.of(".", 0, 1, "unexpected character: '.'"),
                Arguments.of("2.5.", 0, 4, "bad number or duration syntax: \"2.5.\""),
                Arguments.of("100..4", 0, 6, "bad number or duration syntax: \"100..\""),
                Arguments.of("0deadbeef", 0, 9, "bad number or duration syntax: \"0de\""),
                Arguments.of("1 /", 3, 3, "unexpected end of input"),
                Arguments.of("*1", 0, 1, "unexpected <op:*>"),
                Arguments.of("(1))", 4, 4, "unexpected right parenthesis ')'"),
                Arguments.of("((1)", 4, 4, "unclosed left parenthesis"),
                Arguments.of("(", 1, 1, "unclosed left parenthesis"),
                Arguments.of("1 and 1", 0, 7, "set operator \"and\" not allowed in binary scalar expression"),
                Arguments.of("1 == 1", 2, 3, "comparisons between scalars must use BOOL modifier"),
                Arguments.of("1 or 1", 0, 6, "set operator \"or\" not allowed in binary scalar expression"),
                Arguments.of("1 unless 1", 0, 10, "set operator \"unless\" not allowed in binary scalar expression"),
                Arguments.of("1 !~ 1", 2, 6, "unexpected character after '!': '~'"),
                Arguments.of("1 =~ 1", 2, 6, "unexpected character after '=': '~'"),
                Arguments.of("-\"string\"", 0, 9, "unary expression only allowed on expressions of type scalar or instant vector, got \"string\""),
                Arguments.of("-test[5m]", 0, 9, "unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""),
                Arguments.of("*test", 0, 1, "unexpected <op:*>"),
                Arguments.of("@@", 0, 1, "unexpected <op:@>"),
                Arguments.of("1 offset 1d", 0, 1, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
                Arguments.of("foo offset 1s offset 2s", 0, 13, "offset may not be set multiple times"),
                Arguments.of("a - on(b) ignoring(c) d", 10, 18, "unexpected <ignoring>"),
                Arguments.of("foo and 1", 0, 9, "set operator \"and\" not allowed in binary scalar expression"),
                Arguments.of("1 and foo", 0, 9, "set operator \"and\" not allowed in binary scalar expression"),
                Arguments.of("foo or 1", 0, 8, "set operator \"or\" not allowed in binary scalar expression"),
                Arguments.of("1 or foo", 0, 8, "set operator \"or\" not allowed in binary scalar expression"),
                Arguments.of("foo unless 1", 0, 12, "set operator \"unless\" not allowed in binary scalar expression"),
                Arguments.of("1 unless foo", 0, 12, "set operator \"unless\" not allowed in binary scalar expression"),
                Arguments.of("1 or on(bar) foo", 0, 16, "vector matching only allowed between instant vectors"),
                Arguments.of("foo == on(bar) 10", 0, 17, "vector matching only allowed between instant vectors"),
                Arguments.of("foo + group_left(baz) bar", 6, 16, "unexpected <group_left>"),
                Arguments.of("foo and on(bar) group_left(baz) bar", 0, 35, "no grouping allowed for \"and\" operation"),
                Arguments.of("foo and on(bar) group_right(baz) bar", 0, 36, "no grouping allowed for \"and\" operation"),
                Arguments.of("foo or on(bar) group_left(baz) bar", 0, 34, "no grouping allowed for \"or\" operation"),
                Arguments.of("foo or on(bar) group_right(baz) bar", 0, 35, "no grouping allowed for \"or\" operation"),
                Arguments.of("foo unless on(bar) group_left(baz) bar", 0, 38, "no grouping allowed for \"unless\" operation"),
                Arguments.of("foo unless on(bar) group_right(baz) bar", 0, 39, "no grouping allowed for \"unless\" operation"),
                Arguments.of("http_requests{group=\"production\"} + on(instance) group_left(job,instance) cpu_count{type=\"smp\"}", 34, 72, "label \"instance\" must not occur in ON and GROUP clause at once"),
                Arguments.of("foo + bool bar", 4, 9, "bool modifier can only be used on comparison operators"),
                Arguments.of("foo + bool 10", 4, 9, "bool modifier can only be used on comparison operators"),
                Arguments.of("foo and bool 10", 4, 11, "bool modifier can only be used on comparison operators"),
                Arguments.of("foo @ +Inf", 0, 3, "timestamp out of bounds for @ modifier: +Inf"),
                Arguments.of("foo @ -Inf", 0, 3, "timestamp out of bounds for @ modifier: -Inf"),
                Arguments.of("foo @ NaN", 0, 3, "timestamp out of bounds for @ modifier: NaN"),
                Arguments.of("{", 1, 1, "unexpected end of input inside braces"),
                Arguments.of("}", 0, 1, "unexpected character: '}'"),
                Arguments.of("some{", 5, 5, "unexpected end of input inside braces"),
                Arguments.of("some}", 4, 5, "unexpected character: '}'"),
                Arguments.of("some_metric{a=b}", 14, 15, "unexpected identifier \"b\" in label matching, expected string"),
                Arguments.of("some_metric{a:b=\"b\"}", 13, 20, "unexpected character inside braces: ':'"),
                Arguments.of("foo{a*\"b\"}", 5, 10, "unexpected character inside braces: '*'"),
                Arguments.of("foo{gibberish}", 13, 14, "unexpected \"}\" in label matching, expected label matching operator"),
                Arguments.of("foo{1}", 4, 6, "unexpected character inside braces: '1'"),
                Arguments.of("foo{x=~\"a(?=b)\"}", 4, 15, "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
                Arguments.of("foo{x!~\"(a)\\\\1\"}", 4, 15, "error parsing regexp: invalid escape sequence: `\\1`"),
                Arguments.of("{}", 0, 2, "vector selector must contain at least one non-empty matcher"),
                Arguments.of("{x=\"\"}", 0, 6, "vector selector must contain at least one non-empty matcher"),
                Arguments.of("{x=~\".*\"}", 0, 9, "vector selector must contain at least one non-empty matcher"),
                Arguments.of("{x!~\".+\"}", 0, 9, "vector selector must contain at least one non-empty matcher"),
                Arguments.of("{x!=\"a\"}", 0, 8, "vector selector must contain at least one non-empty matcher"),
                Arguments.of("foo{__name__=\"bar\"}", 0, 19, "metric name must not be set twice: \"foo\" or \"bar\""),
                Arguments.of("foo{__name__= =}", 14, 15, "unexpected \"=\" in label matching, expected string"),
                Arguments.of("foo{,}", 4, 5, "unexpected \",\" in label matching, expected identifier or \"}\""),
                Arguments.of("foo{__name__ == \"bar\"}", 14, 15, "unexpected \"=\" in label matching, expected string"),
                Arguments.of("foo{__name__=\"bar\" lol}", 19, 22, "unexpected identifier \"lol\" in label matching, expected \",\" or \"}\""),
                Arguments.of("foo{\"a\"=}", 8, 9, "unexpected \"}\" in label matching, expected string"),
                Arguments.of("foo[5mm]", 4, 8, "bad number or duration syntax: \"5mm\""),
                Arguments.of("foo[5m1]", 4, 8, "bad number or duration syntax: \"5m1\""),
                Arguments.of("foo[5m:1m1]", 7, 11, "bad number or duration syntax: \"1m1\""),
                Arguments.of("foo[5y1hs]", 4, 9, "unknown unit \"hs\" in duration \"5y1hs\""),
                Arguments.of("foo[5m1h]", 4, 8, "not a valid duration string: \"5m1h\""),
                Arguments.of("foo[5m1m]", 4, 8, "not a valid duration string: \"5m1m\""),
                Arguments.of("foo[0m]", 4, 6, "duration must be greater than 0"),
                Arguments.of("foo[]", 4, 5, "unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()"),
                Arguments.of("foo[-1]", 4, 6, "duration must be greater than 0"),
                Arguments.of("some_metric[5m] OFFSET 1mm", 23, 26, "bad number or duration syntax: \"1mm\""),
                Arguments.of("some_metric[5m] OFFSET", 22, 22, "unexpected end of input in offset, expected number, duration, step(), or range()"),
                Arguments.of("some_metric OFFSET 1m[5m]", 21, 25, "no offset modifiers allowed before range"),
                Arguments.of("some_metric[5m] @", 17, 17, "unexpected end of input in @, expected timestamp"),
                Arguments.of("some_metric @ 1234 [5m]", 19, 23, "no @ modifiers allowed before range"),
                Arguments.of("some_metric @ start() [5m]", 22, 26, "no @ modifiers allowed before range"),
                Arguments.of("some_metric @ end()[5m]", 19, 23, "no @ modifiers allowed before range"),
                Arguments.of("some_metric offset step()[5m]", 25, 29, "no offset modifiers allowed before range"),
                Arguments.of("(foo + bar)[5m]", 11, 15, "ranges only allowed for vector selectors"),
                Arguments.of("sum by (\"foo)(some_metric{})", 8, 28, "unterminated quoted string"),
                Arguments.of("sum without(==)(some_metric)", 12, 14, "unexpected <op:==> in grouping opts, expected label"),
                Arguments.of("sum without(,)(some_metric)", 12, 13, "unexpected \",\" in grouping opts, expected label"),
                Arguments.of("sum without(foo,,)(some_metric)", 16, 17, "unexpected \",\" in grouping opts, expected label"),
                Arguments.of("sum some_metric by (test)", 4, 15, "unexpected identifier \"some_metric\""),
                Arguments.of("sum (some_metric) by test", 21, 25, "unexpected identifier \"test\" in grouping opts, expected \"(\""),
                Arguments.of("sum () by (test)", 0, 16, "no arguments for aggregate expression provided"),
                Arguments.of("MIN keep_common (some_metric)", 4, 15, "unexpected identifier \"keep_common\""),
                Arguments.of("MIN (some_metric) keep_common", 18, 29, "unexpected identifier \"keep_common\""),
                Arguments.of("sum (some_metric) without (test) by (test)", 33, 35, "unexpected <by>"),
                Arguments.of("sum without (test) (some_metric) by (test)", 33, 35, "unexpected <by>"),
                Arguments.of("topk(some_metric)", 0, 17, "wrong number of arguments for aggregate expression provided, expected 2, got 1"),
                Arguments.of("topk(some_metric,)", 16, 17, "trailing commas not allowed in function call args"),
                Arguments.of("topk(some_metric, other_metric)", 5, 16, "expected type scalar in aggregation parameter, got instant vector"),
                Arguments.of("count_values(5, other_metric)", 13, 14, "expected type string in aggregation parameter, got scalar"),
                Arguments.of("rate(some_metric[5m]) @ 1234", 0, 21, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
                Arguments.of("floor()", 0, 7, "expected 1 argument(s) in call to \"floor\", got 0"),
                Arguments.of("floor(some_metric, other_metric)", 0, 32, "expected 1 argument(s) in call to \"floor\", got 2"),
                Arguments.of("floor(some_metric, 1)", 0, 21, "expected 1 argument(s) in call to \"floor\", got 2"),
                Arguments.of("floor(1)", 6, 7, "expected type instant vector in call to function \"floor\", got scalar"),
                Arguments.of("hour(some_metric, some_metric, some_metric)", 0, 43, "expected at most 1 argument(s) in call to \"hour\", got 3"),
                Arguments.of("time(some_metric)", 0, 17, "expected 0 argument(s) in call to \"time\", got 1"),
                Arguments.of("non_existent_function_far_bar()", 0, 29, "unknown function with name \"non_existent_function_far_bar\""),
                Arguments.of("rate(some_metric)", 5, 16, "expected type range vector in call to function \"rate\", got instant vector"),
                Arguments.of("-=", 1, 2, "unexpected \"=\""),
                Arguments.of("++-++-+-+-<", 10, 11, "unexpected <op:<>"),
                Arguments.of("e-+=/(0)", 3, 4, "unexpected \"=\""),
                Arguments.of("a>b()", 2, 3, "unknown function with name \"b\""),
                Arguments.of("rate(avg)", 5, 8, "expected type range vector in call to function \"rate\", got instant vector"),
                Arguments.of("`\\``", 3, 4, "unterminated raw string"),
                Arguments.of("\"\\", 0, 2, "escape sequence not terminated"),
                Arguments.of("\"\\c\"", 0, 4, "unknown escape sequence U+0063 'c'"),
                Arguments.of("\"\\x.\"", 0, 5, "illegal character U+002E '.' in escape sequence"),
                Arguments.of("foo{bar=\"baz\"}[", 15, 15, "unexpected end of input in duration expression"),
                Arguments.of("test[5d] OFFSET 10s [10m:5s]", 0, 28, "subquery is only allowed on instant vector, got matrix instead"),
                Arguments.of("(foo + bar{nm=\"val\"})[5m:][10m:5s]", 0, 34, "subquery is only allowed on instant vector, got matrix instead"),
                Arguments.of("rate(food[1m])[1h] offset 1h", 14, 18, "ranges only allowed for vector selectors"),
                Arguments.of("rate(food[1m])[1h] @ 100", 14, 18, "ranges only allowed for vector selectors"),
                Arguments.of("info(rate(http_request_counter_total{}[5m]), target_info{foo=\"bar\"})", 45, 67, "expected label selectors only, got vector selector instead"),
                Arguments.of("info(http_request_counter_total{namespace=\"zzz\"}, {foo=\"bar\"} == 1)", 50, 66, "expected label selectors only"),
                Arguments.of("foo[step]", 8, 9, "unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()"),
                Arguments.of("foo[step()/0d]", 10, 11, "division by zero"),
                Arguments.of("foo[5s/0d]", 6, 7, "division by zero"),
                Arguments.of("foo offset (4d/0)", 14, 15, "division by zero"),
                Arguments.of("foo[5s%0d]", 6, 7, "modulo by zero"),
                Arguments.of("foo offset 9.5e10", 11, 17, "duration out of range"),
                Arguments.of("foo[9.5e10]", 4, 10, "duration out of range"),
                Arguments.of("sum(", 4, 4, "unclosed left parenthesis"),
                Arguments.of("sum(rate(", 9, 9, "unclosed left parenthesis"),
                Arguments.of("foo[5s x 5s]", 7, 12, "unexpected character: 'x', expected ':'"),
                Arguments.of("foo[5s s 5s]", 7, 12, "unexpected character: 's', expected ':'")
        );
    }

    @ParameterizedTest(name = "[{index}] {0}:{3}")
    @MethodSource("prometheusCases")
    void reportsPrometheusMessageAndPosition(String query, int start, int end, String message) {
        assertThatThrownBy(() -> PromQLParser.parse(query))
                .isInstanceOfSatisfying(ParseException.class, e -> {
                    assertThat(e.error().message()).isEqualTo(message);
                    assertThat(e.error().position()).isEqualTo(new PositionRange(start, end));
                });
    }

    @Test
    void rendersLineAndColumnLikePrometheus() {
        assertThatThrownBy(() -> PromQLParser.parse("sum(rate(x[5m])) +"))
                .hasMessage("1:19: parse error: unexpected end of input");
        assertThatThrownBy(() -> PromQLParser.parse("foo +\n  bar{a=b}"))
                .hasMessage("2:9: parse error: unexpected identifier \"b\" in label matching, expected string");
    }

    @Test
    void experimentalSyntaxNeedsItsFeatureFlag() {
        PromQLParser stable = new PromQLParser(ParserOptions.STABLE);
        assertThatThrownBy(() -> stable.parseExpr("limitk(1, x)"))
                .hasMessage("1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions");
        assertThatThrownBy(() -> stable.parseExpr("sort_by_label(x, \"a\")"))
                .hasMessage("1:1: parse error: function \"sort_by_label\" is not enabled");
        assertThatThrownBy(() -> stable.parseExpr("rate(x[1m+1m])"))
                .hasMessage("1:8: parse error: experimental duration expression is not enabled");
        assertThatThrownBy(() -> stable.parseExpr("rate(x[1m] anchored)"))
                .hasMessage("1:6: parse error: anchored modifier is experimental and not enabled");
        assertThatThrownBy(() -> stable.parseExpr("a + fill(0) b"))
                .hasMessage("1:1: parse error: binop fill modifiers are experimental and not enabled");
        assertThat(stable.parseExpr("rate(x[5m] offset -1m)")).isInstanceOf(Call.class);
    }
}
