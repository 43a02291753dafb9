package mimir.ruler;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The call by which a ruler asks the other rulers of the ring for their groups of a tenant, so that
 * the rules and alerts API of any ruler lists them all (Mimir's {@code ruler.Ruler/Rules}). Both ends
 * are in this module; no generated stubs.
 *
 * <p>The messages are ours, not Mimir's {@code ruler.proto} (whose group states would need Prometheus's
 * whole rule model on the wire): each ruler answers with its own groups already rendered as the
 * Prometheus API renders them, so the asking ruler only merges, sorts and paginates. To keep a Mimir
 * ruler from misreading them, the method is {@code ruler.Ruler/RulesJson} (a Mimir peer answers
 * {@code UNIMPLEMENTED}). In protobuf terms:
 *
 * <pre>
 * message RulesJsonRequest {            // the tenant travels in the x-scope-orgid header
 *   string type = 1;                    // "", "alert" or "record"
 *   repeated string rule_name = 2;
 *   repeated string rule_group = 3;
 *   repeated string file = 4;           // namespaces
 *   bool exclude_alerts = 5;
 *   bool alerts = 6;                    // true: fill alert_json (for /api/v1/alerts), not group_json
 * }
 * message RulesJsonResponse { repeated Group groups = 1; }
 * message Group {
 *   string namespace = 1;
 *   string name = 2;
 *   string group_json = 3;              // one element of /api/v1/rules' data.groups, filters applied
 *   repeated string alert_json = 4;     // the elements of /api/v1/alerts' data.alerts
 * }
 * </pre>
 */
final class RulerGrpc {
    static final String SERVICE_NAME = "ruler.Ruler";

    /** The tenant of a call, as in Mimir. */
    static final Metadata.Key<String> TENANT_HEADER = Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER);

    static final MethodDescriptor<Request, Response> RULES = MethodDescriptor.<Request, Response>newBuilder(
                    new Codec<Request>(RulerGrpc::encode, RulerGrpc::decodeRequest), new Codec<Response>(RulerGrpc::encode, RulerGrpc::decodeResponse))
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "RulesJson"))
            .build();

    private RulerGrpc() {}

    /** Which groups and rules to answer with: the filters of {@code GET /api/v1/rules}. */
    record Filters(String type, Set<String> ruleNames, Set<String> ruleGroups, Set<String> files, boolean excludeAlerts) {
        static final Filters NONE = new Filters("", Set.of(), Set.of(), Set.of(), false);

        Filters {
            requireNonNull(type, "type is null");
            ruleNames = Set.copyOf(ruleNames);
            ruleGroups = Set.copyOf(ruleGroups);
            files = Set.copyOf(files);
        }
    }

    record Request(Filters filters, boolean alerts) {
        Request {
            requireNonNull(filters, "filters is null");
        }
    }

    /** One group as rendered by the ruler that runs it. */
    record RenderedGroup(String namespace, String name, String json, List<String> alerts) {
        RenderedGroup {
            requireNonNull(namespace, "namespace is null");
            requireNonNull(name, "name is null");
            requireNonNull(json, "json is null");
            alerts = List.copyOf(alerts);
        }
    }

    record Response(List<RenderedGroup> groups) {
        Response {
            groups = List.copyOf(groups);
        }
    }

    // ---- wire format

    static byte[] encode(Request request) {
        return write(out -> {
            Filters f = request.filters();
            if (!f.type().isEmpty()) {
                out.writeString(1, f.type());
            }
            for (String name : f.ruleNames()) {
                out.writeString(2, name);
            }
            for (String group : f.ruleGroups()) {
                out.writeString(3, group);
            }
            for (String file : f.files()) {
                out.writeString(4, file);
            }
            if (f.excludeAlerts()) {
                out.writeBool(5, true);
            }
            if (request.alerts()) {
                out.writeBool(6, true);
            }
        });
    }

    static Request decodeRequest(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String type = "";
        Set<String> names = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        boolean excludeAlerts = false;
        boolean alerts = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> type = in.readString();
                case 2 -> names.add(in.readString());
                case 3 -> groups.add(in.readString());
                case 4 -> files.add(in.readString());
                case 5 -> excludeAlerts = in.readBool();
                case 6 -> alerts = in.readBool();
                default -> in.skipField(tag);
            }
        }
        return new Request(new Filters(type, names, groups, files, excludeAlerts), alerts);
    }

    static byte[] encode(Response response) {
        return write(out -> {
            for (RenderedGroup group : response.groups()) {
                byte[] bytes = write(g -> {
                    g.writeString(1, group.namespace());
                    g.writeString(2, group.name());
                    if (!group.json().isEmpty()) {
                        g.writeString(3, group.json());
                    }
                    for (String alert : group.alerts()) {
                        g.writeString(4, alert);
                    }
                });
                out.writeByteArray(1, bytes);
            }
        });
    }

    static Response decodeResponse(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        List<RenderedGroup> groups = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                groups.add(decodeGroup(in.readByteArray()));
            }
            else {
                in.skipField(tag);
            }
        }
        return new Response(groups);
    }

    private static RenderedGroup decodeGroup(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        String namespace = "";
        String name = "";
        String json = "";
        List<String> alerts = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> namespace = in.readString();
                case 2 -> name = in.readString();
                case 3 -> json = in.readString();
                case 4 -> alerts.add(in.readString());
                default -> in.skipField(tag);
            }
        }
        return new RenderedGroup(namespace, name, json, alerts);
    }

    @FunctionalInterface
    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            writer.write(out);
            out.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @FunctionalInterface
    private interface Decoder<T> {
        T decode(byte[] bytes) throws IOException;
    }

    /** A message as its protobuf bytes; a malformed message fails the call with gRPC's parse error. */
    private record Codec<T>(java.util.function.Function<T, byte[]> encoder, Decoder<T> decoder) implements MethodDescriptor.Marshaller<T> {
        @Override
        public InputStream stream(T value) {
            return new ByteArrayInputStream(encoder.apply(value));
        }

        @Override
        public T parse(InputStream stream) {
            try (stream) {
                return decoder.decode(stream.readAllBytes());
            }
            catch (IOException e) {
                throw new IllegalArgumentException("malformed " + SERVICE_NAME + " message: " + e.getMessage(), e);
            }
        }
    }
}
