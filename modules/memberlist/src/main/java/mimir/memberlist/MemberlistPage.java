package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import mimir.memberlist.MemberlistMessages.KeyValue;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;

/**
 * {@code GET /memberlist}, like dskit's memberlist status page: this node (name, address, incarnation,
 * heartbeat), the members it knows with their liveness, and the keys of the KV store with their size
 * and generation; JSON with {@code Accept: application/json}. Before any ring uses memberlist (no node
 * runs yet) it says so.
 */
final class MemberlistPage {
    private final Supplier<MemberlistNode> node;

    MemberlistPage(Supplier<MemberlistNode> node) {
        this.node = requireNonNull(node, "node is null");
    }

    void register(HttpRoutes routes) {
        routes.register("/memberlist", HttpRoutes.Auth.NONE, "Memberlist Status", this::handle, "GET");
    }

    HttpResponse handle(HttpRequest request) {
        MemberlistNode current = node.get();
        boolean json = request.header("accept").map(a -> a.contains("application/json")).orElse(false);
        if (current == null) {
            String message = "memberlist is not running in this process: no ring or KV scope uses -<scope>.store=memberlist";
            return json ? HttpResponse.json(200, "{\"running\":false,\"message\":" + quote(message) + "}") : HttpResponse.ok(HttpResponse.TEXT, message + "\n");
        }
        MemberlistMembers members = current.members();
        MemberlistMember self = members.self();
        List<MemberlistMember> known = new ArrayList<>(members.gossipList());
        known.removeIf(member -> member.name().equals(self.name()));
        known.sort(Comparator.comparing(MemberlistMember::name));
        List<KeyValue> keys = new ArrayList<>(current.store().snapshot());
        keys.sort(Comparator.comparing(KeyValue::key));
        return json ? HttpResponse.json(200, json(self, known, members, keys)) : HttpResponse.ok(HttpResponse.HTML, html(self, known, members, keys));
    }

    private static String json(MemberlistMember self, List<MemberlistMember> known, MemberlistMembers members, List<KeyValue> keys) {
        StringBuilder out = new StringBuilder("{\"running\":true,\"self\":").append(member(self, "ALIVE")).append(",\"members\":[");
        for (int i = 0; i < known.size(); i++) {
            MemberlistMember member = known.get(i);
            out.append(i == 0 ? "" : ",").append(member(member, liveness(members, member)));
        }
        out.append("],\"live_members\":").append(members.liveCount()).append(",\"keys\":[");
        for (int i = 0; i < keys.size(); i++) {
            KeyValue kv = keys.get(i);
            out.append(i == 0 ? "" : ",").append("{\"key\":").append(quote(kv.key())).append(",\"codec\":").append(quote(kv.codecId()))
                    .append(",\"generation\":").append(kv.generation()).append(",\"bytes\":").append(kv.data().length).append('}');
        }
        return out.append("],\"now\":").append(quote(Instant.now().toString())).append('}').toString();
    }

    private static String member(MemberlistMember member, String liveness) {
        return "{\"name\":" + quote(member.name()) + ",\"address\":" + quote(member.host() + ":" + member.port()) + ",\"incarnation\":"
                + member.incarnation() + ",\"heartbeat\":" + member.heartbeat() + ",\"state\":" + quote(liveness) + "}";
    }

    private static String liveness(MemberlistMembers members, MemberlistMember member) {
        MemberlistMembers.Liveness liveness = members.liveness(member.name());
        return liveness == null ? "FORGOTTEN" : liveness.name();
    }

    private static String html(MemberlistMember self, List<MemberlistMember> known, MemberlistMembers members, List<KeyValue> keys) {
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>Memberlist Status</title></head><body>\n"
                + "<h1>Memberlist Status</h1>\n<p>Current time: ").append(Instant.now()).append(". This node: ")
                .append(HttpResponse.escapeHtml(self.name())).append(" at ").append(HttpResponse.escapeHtml(self.host() + ":" + self.port()))
                .append(", incarnation ").append(self.incarnation()).append(", heartbeat ").append(self.heartbeat())
                .append(". Live members (this one included): ").append(members.liveCount()).append(".</p>\n<h2>Members</h2>\n"
                        + "<table border=\"1\" cellpadding=\"4\">\n<tr><th>Name</th><th>Address</th><th>State</th><th>Incarnation</th><th>Heartbeat</th></tr>\n");
        for (MemberlistMember member : known) {
            out.append("<tr><td>").append(HttpResponse.escapeHtml(member.name())).append("</td><td>")
                    .append(HttpResponse.escapeHtml(member.host() + ":" + member.port())).append("</td><td>").append(liveness(members, member))
                    .append("</td><td>").append(member.incarnation()).append("</td><td>").append(member.heartbeat()).append("</td></tr>\n");
        }
        out.append("</table>\n<h2>KV store</h2>\n<table border=\"1\" cellpadding=\"4\">\n<tr><th>Key</th><th>Codec</th><th>Generation</th><th>Size (bytes)</th></tr>\n");
        for (KeyValue kv : keys) {
            out.append("<tr><td>").append(HttpResponse.escapeHtml(kv.key())).append("</td><td>").append(HttpResponse.escapeHtml(kv.codecId()))
                    .append("</td><td>").append(kv.generation()).append("</td><td>").append(kv.data().length).append("</td></tr>\n");
        }
        return out.append("</table>\n</body></html>\n").toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            }
            else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            }
            else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
