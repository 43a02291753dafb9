package mimir.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import mimir.spi.objstore.ObjectKeys;

/**
 * A fake of the GCS JSON API on 127.0.0.1, enough for google-cloud-storage's HTTP client: bucket create/get, multipart and
 * resumable uploads (gzip-compressed request bodies inflated), media download with Range, object metadata, delete, and list
 * with prefix, delimiter and page tokens in UTF-8 byte order, as GCS lists. Object bodies live in temporary files, so the
 * fake's heap stays small however large the objects.
 */
public final class FakeGcsServer implements AutoCloseable {
    private static final Comparator<String> UTF8 = ObjectKeys::compareUtf8;
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");

    private record StoredObject(Path file, long size, long generation, Instant updated) {}

    private record Upload(String bucket, String name, Path file) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final Path dir;
    private final Map<String, NavigableMap<String, StoredObject>> buckets = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(1);
    /** Page size the fake uses when the client asks for more, to exercise page tokens. */
    private final int maxPageSize;

    public FakeGcsServer(int maxPageSize) throws IOException {
        this.maxPageSize = maxPageSize;
        this.dir = Files.createTempDirectory("fake-gcs");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            }
            catch (RuntimeException | IOException e) {
                try {
                    send(exchange, 500, "{\"error\":{\"code\":500,\"message\":\"" + json(String.valueOf(e)) + "\"}}");
                }
                catch (IOException ignored) {
                    // the client went away
                }
            }
        });
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void createBucket(String name) {
        buckets.putIfAbsent(name, new ConcurrentSkipListMap<>(UTF8));
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        executor.shutdownNow();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(decode(segment));
            }
        }
        // /storage/v1/b[/{bucket}[/o[/{object}]]], /upload/storage/v1/b/{bucket}/o, /download/storage/v1/b/{bucket}/o/{object}
        String root = segments.isEmpty() ? "" : segments.getFirst();
        int base = root.equals("storage") ? 2 : 3;
        if (segments.size() < base + 1 || !segments.get(base).equals("b")) {
            send(exchange, 404, error(404, "no such route " + method + " " + path));
            return;
        }
        String bucket = segments.size() > base + 1 ? segments.get(base + 1) : null;
        String object = segments.size() > base + 3 ? String.join("/", segments.subList(base + 3, segments.size())) : null;
        if (root.equals("upload")) {
            upload(exchange, method, bucket, query);
            return;
        }
        if (bucket == null) {
            if (method.equals("POST")) {
                String name = name(body(exchange));
                createBucket(name);
                send(exchange, 200, bucketJson(name));
                return;
            }
            send(exchange, 405, error(405, method));
            return;
        }
        NavigableMap<String, StoredObject> objects = buckets.get(bucket);
        if (objects == null) {
            send(exchange, 404, error(404, "bucket " + bucket + " not found"));
            return;
        }
        if (segments.size() == base + 2) {
            send(exchange, 200, bucketJson(bucket));
            return;
        }
        if (object == null) {
            list(exchange, bucket, objects, query);
            return;
        }
        StoredObject stored = objects.get(object);
        String generation = query.get("generation");
        if (stored == null || (generation != null && Long.parseLong(generation) != stored.generation())) {
            send(exchange, 404, error(404, "object " + object + " not found"));
            return;
        }
        switch (method) {
            case "DELETE" -> {
                objects.remove(object, stored);
                exchange.sendResponseHeaders(204, -1);
            }
            case "GET" -> {
                if ("media".equals(query.get("alt")) || root.equals("download")) {
                    media(exchange, stored);
                }
                else {
                    send(exchange, 200, objectJson(bucket, object, stored));
                }
            }
            default -> send(exchange, 405, error(405, method));
        }
    }

    private void media(HttpExchange exchange, StoredObject stored) throws IOException {
        long start = 0;
        long end = stored.size() - 1;
        String range = exchange.getRequestHeaders().getFirst("Range");
        int status = 200;
        if (range != null && range.startsWith("bytes=")) {
            String[] parts = range.substring(6).split("-", -1);
            start = Long.parseLong(parts[0]);
            if (!parts[1].isEmpty()) {
                end = Math.min(end, Long.parseLong(parts[1]));
            }
            if (start >= stored.size()) {
                send(exchange, 416, error(416, "range not satisfiable"));
                return;
            }
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + stored.size());
        }
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().set("x-goog-generation", Long.toString(stored.generation()));
        long length = end - start + 1;
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length > 0) {
            try (InputStream in = Files.newInputStream(stored.file()); OutputStream out = exchange.getResponseBody()) {
                in.skipNBytes(start);
                byte[] buffer = new byte[64 * 1024];
                long left = length;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        }
    }

    private void list(HttpExchange exchange, String bucket, NavigableMap<String, StoredObject> objects, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        String delimiter = query.get("delimiter");
        String token = query.get("pageToken");
        int pageSize = Math.min(maxPageSize, Integer.parseInt(query.getOrDefault("maxResults", "1000")));
        List<String> items = new ArrayList<>();
        TreeSet<String> prefixes = new TreeSet<>(UTF8);
        String last = null;
        int count = 0;
        boolean more = false;
        for (Map.Entry<String, StoredObject> entry : objects.tailMap(prefix, true).entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(prefix)) {
                break;
            }
            String entryName = name;
            if (delimiter != null) {
                int at = name.indexOf(delimiter, prefix.length());
                if (at >= 0) {
                    entryName = name.substring(0, at + delimiter.length());
                }
            }
            if (token != null && UTF8.compare(entryName, token) <= 0) {
                continue;
            }
            if (entryName.equals(last)) {
                continue;
            }
            if (count == pageSize) {
                more = true;
                break;
            }
            if (entryName.equals(name)) {
                items.add(objectJson(bucket, name, entry.getValue()));
            }
            else {
                prefixes.add(entryName);
            }
            last = entryName;
            count++;
        }
        StringBuilder json = new StringBuilder("{\"kind\":\"storage#objects\"");
        if (more) {
            json.append(",\"nextPageToken\":\"").append(json(last)).append('"');
        }
        json.append(",\"items\":[").append(String.join(",", items)).append("],\"prefixes\":[");
        json.append(String.join(",", prefixes.stream().map(p -> "\"" + json(p) + "\"").toList())).append("]}");
        send(exchange, 200, json.toString());
    }

    private void upload(HttpExchange exchange, String method, String bucket, Map<String, String> query) throws IOException {
        NavigableMap<String, StoredObject> objects = bucket == null ? null : buckets.get(bucket);
        if (objects == null) {
            send(exchange, 404, error(404, "bucket " + bucket + " not found"));
            return;
        }
        String type = query.get("uploadType");
        if ("multipart".equals(type)) {
            byte[] body = body(exchange);
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String boundary = "--" + contentType.substring(contentType.indexOf("boundary=") + 9).replace("\"", "").split(";")[0].trim();
            List<byte[]> parts = multipart(body, boundary.getBytes(UTF_8));
            String name = name(new String(parts.get(0), UTF_8));
            Path file = Files.createTempFile(dir, "obj", ".bin");
            Files.write(file, parts.get(1));
            send(exchange, 200, objectJson(bucket, name, store(objects, name, file)));
            return;
        }
        if (!"resumable".equals(type)) {
            send(exchange, 400, error(400, "uploadType " + type));
            return;
        }
        String uploadId = query.get("upload_id");
        if (uploadId == null) {  // start a session
            String name = query.containsKey("name") ? query.get("name") : name(new String(body(exchange), UTF_8));
            String id = UUID.randomUUID().toString();
            uploads.put(id, new Upload(bucket, name, Files.createTempFile(dir, "upload", ".bin")));
            exchange.getResponseHeaders().set("Location", endpoint() + "/upload/storage/v1/b/" + bucket + "/o?uploadType=resumable&upload_id=" + id);
            send(exchange, 200, "");
            return;
        }
        Upload upload = uploads.get(uploadId);
        if (upload == null) {
            send(exchange, 404, error(404, "no upload " + uploadId));
            return;
        }
        if (method.equals("DELETE")) {
            uploads.remove(uploadId);
            Files.deleteIfExists(upload.file());
            send(exchange, 499, "");
            return;
        }
        String contentRange = exchange.getRequestHeaders().getFirst("Content-Range");
        Matcher m = CONTENT_RANGE.matcher(contentRange == null ? "bytes */*" : contentRange);
        if (!m.matches()) {
            send(exchange, 400, error(400, "bad Content-Range " + contentRange));
            return;
        }
        long have = Files.size(upload.file());
        if (m.group(2) != null) {
            long start = Long.parseLong(m.group(2));
            try (InputStream in = requestBody(exchange); OutputStream out = Files.newOutputStream(upload.file(), StandardOpenOption.WRITE)) {
                if (start != have) {  // a retried chunk: rewrite from its start
                    try (var channel = java.nio.channels.FileChannel.open(upload.file(), StandardOpenOption.WRITE)) {
                        channel.truncate(start);
                    }
                }
                try (OutputStream append = Files.newOutputStream(upload.file(), StandardOpenOption.APPEND)) {
                    in.transferTo(append);
                }
            }
            have = Files.size(upload.file());
        }
        else {
            requestBody(exchange).close();
        }
        String total = m.group(4);
        if (!total.equals("*") && Long.parseLong(total) == have) {
            uploads.remove(uploadId);
            Path file = Files.createTempFile(dir, "obj", ".bin");
            Files.move(upload.file(), file, StandardCopyOption.REPLACE_EXISTING);
            send(exchange, 200, objectJson(bucket, upload.name(), store(buckets.get(upload.bucket()), upload.name(), file)));
            return;
        }
        if (have > 0) {
            exchange.getResponseHeaders().set("Range", "bytes=0-" + (have - 1));
        }
        exchange.getResponseHeaders().set("Content-Length", "0");
        exchange.sendResponseHeaders(308, -1);
    }

    private StoredObject store(NavigableMap<String, StoredObject> objects, String name, Path file) throws IOException {
        StoredObject stored = new StoredObject(file, Files.size(file), generations.incrementAndGet(), Instant.now());
        StoredObject previous = objects.put(name, stored);
        if (previous != null) {
            // Readers pinned to the previous generation may still stream it; temp files go with the directory.
            previous.file().toFile().deleteOnExit();
        }
        return stored;
    }

    private static List<byte[]> multipart(byte[] body, byte[] boundary) {
        List<byte[]> parts = new ArrayList<>();
        int at = indexOf(body, boundary, 0);
        while (at >= 0) {
            int start = at + boundary.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(UTF_8), start);
            int next = indexOf(body, boundary, headersEnd + 4);
            int end = next - 2;  // the CRLF before the boundary
            parts.add(java.util.Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, end)));
            at = next;
        }
        return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static InputStream requestBody(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        return encoding != null && encoding.contains("gzip") ? new GZIPInputStream(in) : in;
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = requestBody(exchange)) {
            return in.readAllBytes();
        }
    }

    private static String name(byte[] json) {
        return name(new String(json, UTF_8));
    }

    private static String name(String json) {
        Matcher m = NAME.matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no name in " + json);
        }
        return unjson(m.group(1));
    }

    private static String bucketJson(String name) {
        return "{\"kind\":\"storage#bucket\",\"id\":\"" + json(name) + "\",\"name\":\"" + json(name) + "\",\"location\":\"US\",\"storageClass\":\"STANDARD\","
                + "\"metageneration\":\"1\",\"timeCreated\":\"2026-01-01T00:00:00.000Z\",\"updated\":\"2026-01-01T00:00:00.000Z\"}";
    }

    private static String objectJson(String bucket, String name, StoredObject o) {
        return "{\"kind\":\"storage#object\",\"id\":\"" + json(bucket + "/" + name + "/" + o.generation()) + "\",\"name\":\"" + json(name)
                + "\",\"bucket\":\"" + json(bucket) + "\",\"generation\":\"" + o.generation() + "\",\"metageneration\":\"1\","
                + "\"contentType\":\"application/octet-stream\",\"size\":\"" + o.size() + "\",\"timeCreated\":\"" + o.updated()
                + "\",\"updated\":\"" + o.updated() + "\",\"storageClass\":\"STANDARD\"}";
    }

    private static String error(int code, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + json(message) + "\",\"errors\":[{\"message\":\"" + json(message)
                + "\",\"reason\":\"" + (code == 404 ? "notFound" : "invalid") + "\"}]}}";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return query;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), UTF_8);
    }

    private static String json(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String unjson(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                default -> out.append(e);
            }
        }
        return out.toString();
    }

}
