package mimir.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The printer's canonical text, as Prometheus's {@code String()} prints these inputs. */
class TestPrinter {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', textBlock = """
            sum by() (task:errors:rate10s{job="s"})                 | sum(task:errors:rate10s{job="s"})
            sum by(code) (task:errors:rate10s{job="s"})             | sum by (code) (task:errors:rate10s{job="s"})
            sum without() (task:errors:rate10s{job="s"})            | sum without () (task:errors:rate10s{job="s"})
            sum by("foo.bar") (x)                                   | sum by ("foo.bar") (x)
            topk(5, task:errors:rate10s{job="s"})                   | topk(5, task:errors:rate10s{job="s"})
            count_values("value", task:errors:rate10s{job="s"})     | count_values("value", task:errors:rate10s{job="s"})
            a - on(b) c                                             | a - on (b) c
            a - ignoring() c                                        | a - c
            a - on(b) group_left c                                  | a - on (b) group_left () c
            a - ignoring() group_left c                             | a - ignoring () group_left () c
            a + fill_left(5) fill_right(5) b                        | a + fill (5) b
            a + on(b) group_left fill(-23) c                        | a + on (b) group_left () fill (-23) c
            a + fill_left(-23) fill_right(42) b                     | a + fill_left (-23) fill_right (42) b
            up > bool 0                                             | up > bool 0
            a offset 1m                                             | a offset 1m
            a offset -7m                                            | a offset -7m
            a{c="d"}[5m] offset 1m                                  | a{c="d"}[5m] offset 1m
            a @ 10                                                  | a @ 10.000
            a[1m] @ 10                                              | a[1m] @ 10.000
            a @ start()                                             | a @ start()
            a[1m] @ end() offset 5m                                 | a[1m] @ end() offset 5m
            a[1m:] @ -100.5                                         | a[1m:] @ -100.500
            {__name__="a"}                                          | {__name__="a"}
            {"my.metric", "label.name"="v"}                         | {"label.name"="v",__name__="my.metric"}
            {"_0"="1"}                                              | {_0="1"}
            a{b!~"c",d=~"e\\\\."}                                   | a{b!~"c",d=~"e\\\\."}
            rate(x[300])                                            | rate(x[5m])
            x[90m:1h]                                               | x[1h30m:1h]
            foo offset +(5)                                         | foo offset (5)
            foo offset +min_of(10s, 20s)                            | foo offset min_of(10s, 20s)
            foo[200-min_of(-step()^+step(),1)]                      | foo[200 - min_of(-step() ^ step(), 1)]
            rate(x[5m] anchored)                                    | rate(x[5m] anchored)
            x smoothed                                              | x smoothed
            -some_metric                                            | -some_metric
            1e-7 + 1e21                                             | 0.0000001 + 1000000000000000000000
            -Inf * NaN                                              | -Inf * NaN
            5m + 1                                                  | 5m + 1
            'it\\'s'                                                | "it's"
            `a\\b`                                                  | "a\\\\b"
            """)
    void printsLikePrometheus(String query, String expected) {
        Expr parsed = PromQLParser.parse(query.strip());
        assertThat(Printer.print(parsed)).isEqualTo(expected.strip());
        assertThat(parsed.toString()).isEqualTo(Printer.print(parsed));
    }
}
