package mimir.bucket;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectStore;

/**
 * A tenant's series deletion requests (beyond Mimir), kept in the bucket under
 * {@code <tenant>/markers/series-deletion/<id>.json} so they survive restarts and every component sees
 * them: the querier hides the matched samples from every answer, ingesters drop them from their heads,
 * and the compactor rewrites the blocks that hold them (and then records the request as applied to
 * those blocks).
 */
public final class SeriesDeletions {
    public static final String PREFIX = BlockMarks.MARKERS + "series-deletion/";
    private static final JsonFactory JSON = new JsonFactory();

    private final ObjectStore store;

    public SeriesDeletions(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    /**
     * One request: the samples in {@code [start, end]} (milliseconds, inclusive) of every series that
     * matches any of the selectors (each a list of matchers that must all match).
     *
     * @param id        a unique, sortable ID (a ULID)
     * @param createdAt Unix milliseconds of the request
     */
    public record Request(String id, List<List<Matcher>> selectors, long start, long end, long createdAt) {
        public Request {
            requireNonNull(id, "id is null");
            selectors = selectors.stream().map(List::copyOf).toList();
            if (selectors.isEmpty()) {
                throw new IllegalArgumentException("a deletion request needs at least one selector");
            }
            if (end < start) {
                throw new IllegalArgumentException("end before start");
            }
        }

        /** Whether the request covers any sample of {@code labels} (its time range aside). */
        public boolean matches(Labels labels) {
            for (List<Matcher> selector : selectors) {
                boolean all = true;
                for (Matcher matcher : selector) {
                    if (!matcher.matches(labels.get(matcher.name()) == null ? "" : labels.get(matcher.name()))) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the request's time range reaches into {@code [mint, maxt]}. */
        public boolean overlaps(long mint, long maxt) {
            return start <= maxt && mint <= end;
        }
    }

    private static String key(String tenant, String id) {
        return tenant + "/" + PREFIX + id + ".json";
    }

    /** Stores a request. */
    public void add(String tenant, Request request) throws IOException {
        store.put(key(tenant, request.id()), encode(request));
    }

    /** The tenant's requests, oldest first. */
    public List<Request> list(String tenant) throws IOException {
        List<String> keys = new ArrayList<>();
        store.list(tenant + "/" + PREFIX, ObjectStore.ListMode.DELIMITED, key -> {
            if (key.endsWith(".json")) {
                keys.add(key);
            }
        });
        List<Request> requests = new ArrayList<>();
        for (String key : keys) {
            try (InputStream in = store.get(key)) {
                requests.add(decode(in.readAllBytes()));
            }
            catch (NoSuchObjectException e) {
                // removed meanwhile
            }
            catch (IllegalArgumentException | IOException e) {
                throw new IOException("series deletion request " + key + " is unreadable: " + e.getMessage(), e);
            }
        }
        requests.sort(Comparator.comparing(Request::id));
        return requests;
    }

    static byte[] encode(Request request) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("id", request.id());
            out.writeArrayFieldStart("selectors");
            for (List<Matcher> selector : request.selectors()) {
                out.writeStartArray();
                for (Matcher matcher : selector) {
                    out.writeStartObject();
                    out.writeStringField("type", matcher.type().symbol());
                    out.writeStringField("name", matcher.name());
                    out.writeStringField("value", matcher.value());
                    out.writeEndObject();
                }
                out.writeEndArray();
            }
            out.writeEndArray();
            out.writeNumberField("start_ms", request.start());
            out.writeNumberField("end_ms", request.end());
            out.writeNumberField("created_at_ms", request.createdAt());
            out.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Request decode(byte[] json) throws IOException {
        try (JsonParser in = JSON.createParser(json)) {
            expect(in.nextToken(), JsonToken.START_OBJECT);
            String id = null;
            List<List<Matcher>> selectors = new ArrayList<>();
            long start = 0;
            long end = 0;
            long created = 0;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken value = in.nextToken();
                switch (field) {
                    case "id" -> id = in.getText();
                    case "start_ms" -> start = in.getLongValue();
                    case "end_ms" -> end = in.getLongValue();
                    case "created_at_ms" -> created = in.getLongValue();
                    case "selectors" -> {
                        expect(value, JsonToken.START_ARRAY);
                        while (in.nextToken() == JsonToken.START_ARRAY) {
                            List<Matcher> selector = new ArrayList<>();
                            while (in.nextToken() == JsonToken.START_OBJECT) {
                                String type = null;
                                String name = null;
                                String text = null;
                                while (in.nextToken() == JsonToken.FIELD_NAME) {
                                    String key = in.currentName();
                                    in.nextToken();
                                    switch (key) {
                                        case "type" -> type = in.getText();
                                        case "name" -> name = in.getText();
                                        case "value" -> text = in.getText();
                                        default -> in.skipChildren();
                                    }
                                }
                                selector.add(Matcher.of(type(type), requireNonNull(name, "matcher name missing"), requireNonNull(text, "matcher value missing")));
                            }
                            selectors.add(selector);
                        }
                    }
                    default -> in.skipChildren();
                }
            }
            return new Request(requireNonNull(id, "id missing"), selectors, start, end, created);
        }
        catch (NullPointerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Matcher.Type type(String symbol) throws IOException {
        for (Matcher.Type type : Matcher.Type.values()) {
            if (type.symbol().equals(symbol)) {
                return type;
            }
        }
        throw new IOException("unknown matcher type " + symbol);
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", got " + actual);
        }
    }
}
