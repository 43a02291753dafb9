package mimir.bucket;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON text for the small documents written to the bucket by hand (meta.json's thanos section, marks). */
public final class BucketJson {
    private BucketJson() {}

    /** {@code text} as a quoted JSON string, escaped by Jackson. */
    public static String string(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
