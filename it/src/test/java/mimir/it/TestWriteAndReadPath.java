package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mimir.it.RemoteWrite.Series;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One multi-tenant process of the built image, fed by remote-write clients written from the wire
 * format: bad input of every kind gets a 4xx naming the problem while the process stays up and keeps
 * what it accepted, tenants never see each other's data on any read endpoint, and remote write 2.0 is
 * answered with the spec's headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestWriteAndReadPath {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String P = "/prometheus/api/v1";

    @TempDir
    static Path dir;

    private MimirProcess mimir;
    private long now;

    @BeforeAll
    void start() throws Exception {
        mimir = MimirProcess.start(dir, WritePath.args(dir, "-distributor.max-recv-msg-size=1048576",
                "-query-frontend.max-total-query-length=768h", "-querier.cardinality-analysis-enabled=true",
                "-ingester.max-global-exemplars-per-user=1000", "-tenant-federation.enabled=true"), Map.of());
        mimir.awaitReady(Duration.ofSeconds(90));
        now = System.currentTimeMillis();
    }

    @AfterAll
    void stop() throws Exception {
        if (mimir != null) {
            try {
                // Every line the process wrote, gRPC's, Netty's and the SDKs' included, is logfmt.
                List<String> notLogfmt = mimir.stderr().lines()
                        .filter(line -> !line.matches("ts=\\S+ level=(debug|info|warn|error) caller=\\S+ msg=\".*"))
                        .filter(line -> !line.startsWith("WARNING: ")) // the JVM's own start-up warnings, not a logger's
                        .toList();
                assertThat(notLogfmt).as("stderr lines that are not logfmt").isEmpty();
            }
            finally {
                mimir.close();
            }
        }
    }

    private HttpResponse<String> push(String tenant, Series... series) {
        return RemoteWrite.push(mimir.httpPort, tenant, RemoteWrite.snappy(RemoteWrite.encode(List.of(series))));
    }

    private JsonNode query(String tenant, String pathAndQuery) throws IOException {
        HttpResponse<String> response = mimir.get(pathAndQuery, "X-Scope-OrgID", tenant);
        assertThat(response.statusCode()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String q(String text) {
        return PrometheusServer.encode(text);
    }

    /** A bad request, its expected status and a text its message must contain. */
    record Bad(String name, int status, String message, java.util.function.Supplier<HttpResponse<String>> call) {}

    private static String[] labels(int count) {
        String[] labels = new String[2 * count + 2];
        labels[0] = "__name__";
        labels[1] = "many_labels";
        for (int i = 1; i <= count; i++) {
            labels[2 * i] = "l" + i;
            labels[2 * i + 1] = "v";
        }
        return labels;
    }

    @Test
    void badInputIsRefusedWithA4xxAndAcceptedDataSurvives() throws Exception {
        String tenant = "bad-input";
        assertThat(push(tenant, Series.of(now - 60_000, 42, "__name__", "kept_metric", "job", "a")).statusCode()).isEqualTo(200);
        long t = now - 30_000;
        byte[] valid = RemoteWrite.snappy(RemoteWrite.encode(List.of(Series.of(t, 1, "__name__", "x", "job", "a"))));
        String longName = "n".repeat(1025);
        String longValue = "v".repeat(2049);
        List<Bad> table = List.of(
                new Bad("no tenant", 401, "no org id", () -> RemoteWrite.push(mimir.httpPort, null, valid)),
                new Bad("tenant ../", 400, "tenant ID", () -> RemoteWrite.push(mimir.httpPort, "../etc", valid)),
                new Bad("tenant too long", 400, "too long", () -> RemoteWrite.push(mimir.httpPort, "t".repeat(151), valid)),
                new Bad("two tenants on push", 400, "multiple tenant IDs", () -> RemoteWrite.push(mimir.httpPort, "a|b", valid)),
                new Bad("broken snappy", 400, "snappy", () -> RemoteWrite.push(mimir.httpPort, tenant, "not snappy at all".getBytes(StandardCharsets.UTF_8))),
                new Bad("broken protobuf", 400, "", () -> RemoteWrite.push(mimir.httpPort, tenant, RemoteWrite.snappy(new byte[] {0x0a, 0x7f, 0x01}))),
                new Bad("unsupported content type", 415, "", () -> RemoteWrite.push(mimir.httpPort, tenant, valid, "Content-Type", "text/plain")),
                new Bad("unsupported proto", 415, "", () -> RemoteWrite.push(mimir.httpPort, tenant, valid, "Content-Type", "application/x-protobuf;proto=foo.Bar")),
                new Bad("unsupported encoding", 415, "", () -> RemoteWrite.push(mimir.httpPort, tenant, valid, "Content-Encoding", "br")),
                new Bad("oversized body", 413, "", () -> RemoteWrite.push(mimir.httpPort, tenant, RemoteWrite.snappy(new byte[2 << 20]))),
                new Bad("missing metric name", 400, "err-mimir-missing-metric-name", () -> push(tenant, Series.of(t, 1, "job", "a"))),
                new Bad("invalid metric name", 400, "err-mimir-metric-name-invalid", () -> push(tenant, Series.of(t, 1, "__name__", "1abc"))),
                new Bad("invalid label name", 400, "err-mimir-label-invalid", () -> push(tenant, Series.of(t, 1, "__name__", "x", "bad-label", "v"))),
                new Bad("label name too long", 400, "err-mimir-label-name-too-long", () -> push(tenant, Series.of(t, 1, "__name__", "x", longName, "v"))),
                new Bad("label value too long", 400, "err-mimir-label-value-too-long", () -> push(tenant, Series.of(t, 1, "__name__", "x", "l", longValue))),
                new Bad("too many labels", 400, "err-mimir-max-label-names-per-series", () -> push(tenant, Series.of(t, 1, labels(31)))),
                new Bad("duplicate label names", 400, "err-mimir-duplicate-label-names", () -> push(tenant, Series.of(t, 1, "__name__", "x", "a", "1", "a", "2"))),
                new Bad("too far in the future", 400, "err-mimir-too-far-in-future", () -> push(tenant, Series.of(now + 3_600_000, 1, "__name__", "x", "job", "future"))),
                new Bad("out of order", 400, "err-mimir-sample-out-of-order", () -> push(tenant, Series.of(now - 120_000, 1, "__name__", "kept_metric", "job", "a"))),
                new Bad("duplicate timestamp", 400, "err-mimir-sample-duplicate-timestamp", () -> push(tenant, Series.of(now - 60_000, 43, "__name__", "kept_metric", "job", "a"))),
                new Bad("bad PromQL", 400, "parse error", () -> mimir.get(P + "/query?query=" + q("sum("), "X-Scope-OrgID", tenant)),
                new Bad("bad regex", 400, "error parsing regexp", () -> mimir.get(P + "/query?query=" + q("{a=~\"(\"}"), "X-Scope-OrgID", tenant)),
                new Bad("backreference", 400, "error parsing regexp", () -> mimir.get(P + "/query?query=" + q("{a=~\"(a)\\\\1\"}"), "X-Scope-OrgID", tenant)),
                new Bad("start after end", 400, "end timestamp must not be before start time", () -> mimir.get(P + "/query_range?query=up&start=200&end=100&step=10", "X-Scope-OrgID", tenant)),
                new Bad("zero step", 400, "zero or negative query resolution step widths are not accepted", () -> mimir.get(P + "/query_range?query=up&start=100&end=200&step=0", "X-Scope-OrgID", tenant)),
                new Bad("too many points", 400, "exceeded maximum resolution of 11,000 points per timeseries", () -> mimir.get(P + "/query_range?query=up&start=0&end=100000&step=1", "X-Scope-OrgID", tenant)),
                new Bad("huge range", 400, "err-mimir-max-total-query-length", () -> mimir.get(P + "/query_range?query=up&start=0&end=" + (now / 1000) + "&step=1000000", "X-Scope-OrgID", tenant)),
                new Bad("bad time", 400, "invalid parameter \\\"time\\\"", () -> mimir.get(P + "/query?query=up&time=yesterday", "X-Scope-OrgID", tenant)),
                new Bad("bad step", 400, "invalid parameter \\\"step\\\"", () -> mimir.get(P + "/query_range?query=up&start=1&end=2&step=fast", "X-Scope-OrgID", tenant)),
                new Bad("bad timeout", 400, "invalid parameter \\\"timeout\\\"", () -> mimir.get(P + "/query?query=up&timeout=soon", "X-Scope-OrgID", tenant)),
                new Bad("series without match[]", 400, "no match[] parameter provided", () -> mimir.get(P + "/series", "X-Scope-OrgID", tenant)),
                new Bad("bad match[]", 400, "parse error", () -> mimir.get(P + "/series?match[]=" + q("{"), "X-Scope-OrgID", tenant)),
                new Bad("bad label name", 400, "invalid label name", () -> mimir.get(P + "/label/1bad%20name/values", "X-Scope-OrgID", tenant)),
                new Bad("remote read garbage", 400, "", () -> RemoteWrite.post(mimir.httpPort, P + "/read", "garbage".getBytes(StandardCharsets.UTF_8),
                        List.of("X-Scope-OrgID", tenant, "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy"))),
                new Bad("query without tenant", 401, "no org id", () -> mimir.get(P + "/query?query=up")),
                new Bad("user stats without tenant", 401, "no org id", () -> mimir.get("/api/v1/user_stats")),
                new Bad("unknown endpoint", 404, "", () -> mimir.get(P + "/no_such_endpoint", "X-Scope-OrgID", tenant)));
        assertThat(table).hasSizeGreaterThanOrEqualTo(30);
        List<String> failures = new ArrayList<>();
        for (Bad bad : table) {
            HttpResponse<String> response = bad.call.get();
            if (response.statusCode() != bad.status || !response.body().contains(bad.message)) {
                failures.add(bad.name + ": got " + response.statusCode() + " " + response.body().strip() + " (want " + bad.status + " containing '"
                        + bad.message + "')");
            }
        }
        assertThat(failures).isEmpty();

        // Still up, and what was accepted before and around the bad input is intact.
        assertThat(mimir.get("/ready").statusCode()).isEqualTo(200);
        JsonNode kept = query(tenant, P + "/query?query=kept_metric&time=" + (now / 1000.0));
        assertThat(kept.at("/data/result/0/value/1").asText()).isEqualTo("42");
        assertThat(kept.at("/data/result").size()).isEqualTo(1);
    }

    @Test
    void aBatchWithSomeBadSeriesStoresTheGoodOnes() throws Exception {
        String tenant = "partial";
        long t = now - 10_000;
        HttpResponse<String> response = push(tenant,
                Series.of(t, 1, "__name__", "good_one", "job", "a"),
                Series.of(t, 2, "__name__", "bad one"),
                Series.of(t, 3, "__name__", "good_two", "job", "a"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("err-mimir-metric-name-invalid");
        JsonNode result = query(tenant, P + "/query?query=" + q("{job=\"a\"}") + "&time=" + (now / 1000.0));
        assertThat(result.at("/data/result").size()).isEqualTo(2);
    }

    @Test
    void pathologicalRegexesAnswerPromptly() throws Exception {
        String tenant = "regex";
        assertThat(push(tenant, Series.of(now - 5_000, 1, "__name__", "pods", "pod", "a".repeat(11) + "b".repeat(29))).statusCode()).isEqualTo(200);
        // A backtracking engine spends minutes of CPU on this one value; RE2 answers at once (the request has a 20 s timeout).
        JsonNode result = query(tenant, P + "/query?query=" + q("pods{pod=~\"(.*a){12}\"}") + "&time=" + (now / 1000.0));
        assertThat(result.at("/data/result").size()).isZero();
    }

    @Test
    void tenantsNeverSeeEachOthersData() throws Exception {
        long t = now - 20_000;
        assertThat(push("tenant-a", Series.of(t, 11, "__name__", "secret_metric_a", "job", "ja", "owner", "alice")).statusCode()).isEqualTo(200);
        assertThat(push("tenant-b", Series.of(t, 22, "__name__", "public_metric_b", "job", "jb")).statusCode()).isEqualTo(200);
        String time = Double.toString(now / 1000.0);
        String window = "start=" + (t / 1000 - 60) + "&end=" + (now / 1000 + 1);
        List<String> reads = List.of(
                P + "/query?query=" + q("{__name__=~\".+\"}") + "&time=" + time,
                P + "/query_range?query=" + q("{__name__=~\".+\"}") + "&" + window + "&step=15",
                P + "/series?match[]=" + q("{__name__=~\".+\"}") + "&" + window,
                P + "/labels?" + window,
                P + "/label/__name__/values?" + window,
                P + "/label/owner/values?" + window,
                P + "/metadata",
                P + "/query_exemplars?query=" + q("{__name__=~\".+\"}") + "&" + window,
                P + "/cardinality/label_names",
                P + "/cardinality/label_values?label_names[]=__name__",
                P + "/cardinality/active_series?selector=" + q("{__name__=~\".+\"}"),
                "/api/v1/user_stats");
        for (String read : reads) {
            HttpResponse<String> b = mimir.get(read, "X-Scope-OrgID", "tenant-b");
            assertThat(b.statusCode()).as("%s: %s", read, b.body()).isEqualTo(200);
            assertThat(b.body()).as("tenant-b's answer to %s", read).doesNotContain("secret_metric_a", "alice", "ja\"");
            HttpResponse<String> a = mimir.get(read, "X-Scope-OrgID", "tenant-a");
            assertThat(a.body()).as("tenant-a's answer to %s", read).doesNotContain("public_metric_b", "jb\"");
        }
        assertThat(mimir.get(reads.getFirst(), "X-Scope-OrgID", "tenant-a").body()).contains("secret_metric_a");
        assertThat(mimir.get(reads.getFirst(), "X-Scope-OrgID", "tenant-b").body()).contains("public_metric_b");
        // Federation is opt-in per request and labels every series with its tenant.
        String federated = mimir.get(reads.getFirst(), "X-Scope-OrgID", "tenant-a|tenant-b").body();
        assertThat(federated).contains("secret_metric_a", "public_metric_b", "\"__tenant_id__\":\"tenant-a\"", "\"__tenant_id__\":\"tenant-b\"");
    }

    @Test
    void remoteWrite2IsAcceptedWithTheSpecsHeaders() throws Exception {
        String tenant = "rw2";
        long t = now - 15_000;
        // symbols: "", then the strings the series and metadata refer to.
        List<String> symbols = List.of("", "__name__", "rw2_requests_total", "job", "api", "Requests.", "trace_id", "abc123");
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream ts = CodedOutputStream.newInstance(series);
        ByteArrayOutputStream refs = new ByteArrayOutputStream();
        CodedOutputStream r = CodedOutputStream.newInstance(refs);
        for (int ref : new int[] {1, 2, 3, 4}) {
            r.writeUInt32NoTag(ref);
        }
        r.flush();
        ts.writeByteArray(1, refs.toByteArray());
        for (int i = 0; i < 3; i++) {
            ByteArrayOutputStream sample = new ByteArrayOutputStream();
            CodedOutputStream s = CodedOutputStream.newInstance(sample);
            s.writeDouble(1, 10 + i);
            s.writeInt64(2, t + i * 1000L);
            s.flush();
            ts.writeByteArray(2, sample.toByteArray());
        }
        ByteArrayOutputStream metadata = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(metadata);
        m.writeEnum(1, 1);
        m.writeUInt32(3, 5);
        m.flush();
        ts.writeByteArray(5, metadata.toByteArray());
        ts.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(request);
        for (String symbol : symbols) {
            out.writeString(4, symbol);
        }
        out.writeByteArray(5, series.toByteArray());
        out.flush();

        HttpResponse<String> response = RemoteWrite.push(mimir.httpPort, tenant, RemoteWrite.snappy(request.toByteArray()),
                "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request", "X-Prometheus-Remote-Write-Version", "2.0.0");
        assertThat(response.statusCode()).as(response.body()).isIn(200, 204);
        assertThat(response.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written")).hasValue("3");
        assertThat(response.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written")).hasValue("0");
        assertThat(response.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written")).hasValue("0");

        JsonNode result = query(tenant, P + "/query?query=" + q("sum_over_time(rw2_requests_total{job=\"api\"}[1m])") + "&time=" + ((t + 2000) / 1000.0));
        assertThat(result.at("/data/result/0/value/1").asText()).isEqualTo("33");
        JsonNode meta = query(tenant, P + "/metadata?metric=rw2_requests_total");
        assertThat(meta.at("/data/rw2_requests_total/0/type").asText()).isEqualTo("counter");
        assertThat(meta.at("/data/rw2_requests_total/0/help").asText()).isEqualTo("Requests.");
    }
}
