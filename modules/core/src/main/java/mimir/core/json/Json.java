package mimir.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;

/**
 * Writes plain Java values as JSON: {@link Map} (keys in iteration order), {@link Collection},
 * {@link String}, {@link Number}, {@link Boolean}, {@code null}, and {@link java.time.Duration} or any
 * other object as its {@code toString()}.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** Compact JSON. */
    public static String write(Object value) {
        return write(value, false);
    }

    /** JSON, indented when {@code pretty}. */
    public static String write(Object value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (pretty) {
                generator.useDefaultPrettyPrinter();
            }
            writeValue(generator, value);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator generator, Object value) throws IOException {
        switch (value) {
            case null -> generator.writeNull();
            case Map<?, ?> map -> {
                generator.writeStartObject();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    generator.writeFieldName(String.valueOf(entry.getKey()));
                    writeValue(generator, entry.getValue());
                }
                generator.writeEndObject();
            }
            case Collection<?> list -> {
                generator.writeStartArray();
                for (Object element : list) {
                    writeValue(generator, element);
                }
                generator.writeEndArray();
            }
            case String s -> generator.writeString(s);
            case Integer i -> generator.writeNumber(i);
            case Long l -> generator.writeNumber(l);
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) {
                    generator.writeString(d.toString());
                }
                else {
                    generator.writeNumber(d);
                }
            }
            case Number n -> generator.writeNumber(n.toString());
            case Boolean b -> generator.writeBoolean(b);
            default -> generator.writeString(value.toString());
        }
    }
}
