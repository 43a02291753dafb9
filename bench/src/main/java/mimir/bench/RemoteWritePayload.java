package mimir.bench;

import java.util.Random;

import mimir.proto.prompb.Label;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;

/**
 * Remote-write requests shaped like Prometheus' (max_samples_per_send 2,000): series of a Kubernetes
 * scrape with 10 sorted labels each, counter-like values, millisecond timestamps of one scrape.
 */
final class RemoteWritePayload {
    private static final String[] METRICS = {
        "container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "http_requests_total",
        "http_request_duration_seconds_bucket", "kube_pod_status_phase", "node_network_receive_bytes_total",
        "process_resident_memory_bytes", "go_goroutines", "up", "grpc_server_handled_total"};

    private RemoteWritePayload() {}

    /** A request of {@code series} series with {@code samplesPerSeries} samples each. */
    static WriteRequest request(int series, int samplesPerSeries, long seed) {
        Random random = new Random(seed);
        WriteRequest.Builder request = WriteRequest.newBuilder();
        long timestamp = 1_764_633_600_000L;
        for (int s = 0; s < series; s++) {
            TimeSeries.Builder builder = TimeSeries.newBuilder()
                    .addLabels(label("__name__", METRICS[s % METRICS.length]))
                    .addLabels(label("cluster", "prod-eu-west-1"))
                    .addLabels(label("code", Integer.toString(200 + 100 * (s % 4))))
                    .addLabels(label("container", "app-" + (s % 13)))
                    .addLabels(label("instance", "10.1." + (s % 50) + "." + (s % 251) + ":9100"))
                    .addLabels(label("job", "kubernetes-pods"))
                    .addLabels(label("le", Double.toString(0.005 * (1 << (s % 12)))))
                    .addLabels(label("namespace", "team-" + (s % 7)))
                    .addLabels(label("pod", "app-" + (s % 13) + "-7d9f8b6c4-" + Integer.toString(s * 7919 % 46656, 36)))
                    .addLabels(label("region", "eu-west-1"));
            double value = random.nextInt(1_000_000);
            for (int i = 0; i < samplesPerSeries; i++) {
                value += random.nextInt(100);
                builder.addSamples(Sample.newBuilder().setTimestamp(timestamp + 15_000L * i + random.nextInt(5)).setValue(value));
            }
            request.addTimeseries(builder);
        }
        return request.build();
    }

    private static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }
}
