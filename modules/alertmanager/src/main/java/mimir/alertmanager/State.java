package mimir.alertmanager;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Timestamp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import mimir.alertmanager.model.AmMatcher;
import mimir.alertmanager.model.Silence;
import mimir.proto.alertspb.Entry;
import mimir.proto.alertspb.FullState;
import mimir.proto.alertspb.FullStateDesc;
import mimir.proto.alertspb.Matcher;
import mimir.proto.alertspb.MeshEntry;
import mimir.proto.alertspb.MeshSilence;
import mimir.proto.alertspb.Part;
import mimir.proto.alertspb.Receiver;

/**
 * A tenant's durable Alertmanager state: its silences and its notification log (what was sent to
 * which receiver, so a restart does not notify twice). Stored in Mimir's format: a
 * {@code FullStateDesc} whose parts {@code sil:<tenant>} and {@code nfl:<tenant>} are Prometheus
 * Alertmanager's length-delimited silence and notification-log entries. Not thread-safe.
 */
final class State {
    /** One notification-log entry: what a receiver integration was last sent for a group. */
    record Notified(Set<Long> firing, Set<Long> resolved, long timestamp, long expiresAt) {
        Notified {
            firing = Set.copyOf(firing);
            resolved = Set.copyOf(resolved);
        }
    }

    /** A notification log key: group key, receiver name, integration name and index. */
    record LogKey(String groupKey, String receiver, String integration, int index) {}

    final Map<String, Silence> silences = new LinkedHashMap<>();
    final Map<LogKey, Notified> log = new HashMap<>();

    /** Drops silences expired longer than {@code retention} ago and notification-log entries past their expiry. */
    void gc(long now, long retentionMillis) {
        silences.values().removeIf(s -> s.endsAt() + retentionMillis < now);
        log.values().removeIf(n -> n.expiresAt() < now);
    }

    byte[] toBytes(String tenant, long retentionMillis) {
        ByteArrayOutputStream silenceBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        try {
            for (Silence silence : silences.values()) {
                mimir.proto.alertspb.Silence.Builder s = mimir.proto.alertspb.Silence.newBuilder().setId(silence.id())
                        .setStartsAt(timestamp(silence.startsAt())).setEndsAt(timestamp(silence.endsAt())).setUpdatedAt(timestamp(silence.updatedAt()))
                        .setCreatedBy(silence.createdBy()).setComment(silence.comment());
                for (AmMatcher matcher : silence.matchers()) {
                    s.addMatchers(Matcher.newBuilder().setName(matcher.name()).setPattern(matcher.value()).setType(switch (matcher.type()) {
                        case EQUAL -> Matcher.Type.EQUAL;
                        case NOT_EQUAL -> Matcher.Type.NOT_EQUAL;
                        case REGEX -> Matcher.Type.REGEXP;
                        case NOT_REGEX -> Matcher.Type.NOT_REGEXP;
                    }));
                }
                MeshSilence.newBuilder().setSilence(s).setExpiresAt(timestamp(silence.endsAt() + retentionMillis)).build().writeDelimitedTo(silenceBytes);
            }
            for (Map.Entry<LogKey, Notified> entry : log.entrySet()) {
                LogKey key = entry.getKey();
                Notified n = entry.getValue();
                Entry.Builder e = Entry.newBuilder().setGroupKey(ByteString.copyFromUtf8(key.groupKey()))
                        .setReceiver(Receiver.newBuilder().setGroupName(key.receiver()).setIntegration(key.integration()).setIdx(key.index()))
                        .setTimestamp(timestamp(n.timestamp())).addAllFiringAlerts(new TreeSet<>(n.firing()))
                        .addAllResolvedAlerts(new TreeSet<>(n.resolved())).setResolved(n.firing().isEmpty());
                MeshEntry.newBuilder().setEntry(e).setExpiresAt(timestamp(n.expiresAt())).build().writeDelimitedTo(logBytes);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FullState state = FullState.newBuilder()
                .addParts(Part.newBuilder().setKey("sil:" + tenant).setData(ByteString.copyFrom(silenceBytes.toByteArray())))
                .addParts(Part.newBuilder().setKey("nfl:" + tenant).setData(ByteString.copyFrom(logBytes.toByteArray()))).build();
        return FullStateDesc.newBuilder().setState(state).build().toByteArray();
    }

    static State fromBytes(byte[] bytes) throws IOException {
        State state = new State();
        for (Part part : FullStateDesc.parseFrom(bytes).getState().getPartsList()) {
            CodedInputStream in = CodedInputStream.newInstance(part.getData().toByteArray());
            if (part.getKey().startsWith("sil:")) {
                while (!in.isAtEnd()) {
                    int length = in.readRawVarint32();
                    int limit = in.pushLimit(length);
                    mimir.proto.alertspb.Silence s = MeshSilence.parseFrom(in).getSilence();
                    in.popLimit(limit);
                    List<AmMatcher> matchers = new ArrayList<>();
                    for (Matcher m : s.getMatchersList()) {
                        matchers.add(AmMatcher.of(switch (m.getType()) {
                            case REGEXP -> AmMatcher.Type.REGEX;
                            case NOT_EQUAL -> AmMatcher.Type.NOT_EQUAL;
                            case NOT_REGEXP -> AmMatcher.Type.NOT_REGEX;
                            default -> AmMatcher.Type.EQUAL;
                        }, m.getName(), m.getPattern()));
                    }
                    state.silences.put(s.getId(), new Silence(s.getId(), matchers, millis(s.getStartsAt()), millis(s.getEndsAt()), millis(s.getUpdatedAt()),
                            s.getCreatedBy(), s.getComment()));
                }
            }
            else if (part.getKey().startsWith("nfl:")) {
                while (!in.isAtEnd()) {
                    int length = in.readRawVarint32();
                    int limit = in.pushLimit(length);
                    MeshEntry mesh = MeshEntry.parseFrom(in);
                    in.popLimit(limit);
                    Entry e = mesh.getEntry();
                    LogKey key = new LogKey(e.getGroupKey().toString(StandardCharsets.UTF_8), e.getReceiver().getGroupName(),
                            e.getReceiver().getIntegration(), e.getReceiver().getIdx());
                    state.log.put(key, new Notified(Set.copyOf(e.getFiringAlertsList()), Set.copyOf(e.getResolvedAlertsList()), millis(e.getTimestamp()),
                            millis(mesh.getExpiresAt())));
                }
            }
        }
        return state;
    }

    private static Timestamp timestamp(long millis) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000)).setNanos((int) Math.floorMod(millis, 1000) * 1_000_000).build();
    }

    private static long millis(Timestamp timestamp) {
        return timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1_000_000;
    }
}
