package mimir.memberlist;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.memberlist.MemberlistMessages.KeyValue;

/**
 * Changes waiting to be gossiped, at most one per key (a newer state of a key replaces the queued
 * one), each sent a limited number of times as memberlist does: {@code retransmit-factor *
 * ceil(log10(members + 1))} messages in all. Changes made on this node go first. What gossip misses
 * the periodic push-pull repairs. Thread-safe.
 */
final class MemberlistBroadcasts {
    private final Map<String, Pending> local = new LinkedHashMap<>();
    private final Map<String, Pending> relayed = new LinkedHashMap<>();

    private static final class Pending {
        final KeyValue value;
        int transmits;

        Pending(KeyValue value) {
            this.value = value;
        }
    }

    /** Queues the new state of a key: {@code local} if this node made the change, else one it passes on. */
    synchronized void add(KeyValue value, boolean local) {
        this.local.remove(value.key());
        relayed.remove(value.key());
        (local ? this.local : relayed).put(value.key(), new Pending(value));
    }

    /**
     * The changes for one gossip round to {@code targets} members, counting each as sent that many
     * times and dropping those sent {@code limit} times.
     */
    synchronized List<KeyValue> take(int targets, int limit) {
        List<KeyValue> result = new ArrayList<>(local.size() + relayed.size());
        take(local, targets, limit, result);
        take(relayed, targets, limit, result);
        return result;
    }

    /** Everything queued, for the last message before leaving; the queue is empty afterwards. */
    synchronized List<KeyValue> drain() {
        List<KeyValue> result = new ArrayList<>(local.size() + relayed.size());
        local.values().forEach(pending -> result.add(pending.value));
        relayed.values().forEach(pending -> result.add(pending.value));
        clear();
        return result;
    }

    synchronized void clear() {
        local.clear();
        relayed.clear();
    }

    private static void take(Map<String, Pending> queue, int targets, int limit, List<KeyValue> result) {
        for (Iterator<Pending> it = queue.values().iterator(); it.hasNext();) {
            Pending pending = it.next();
            result.add(pending.value);
            pending.transmits += targets;
            if (pending.transmits >= limit) {
                it.remove();
            }
        }
    }
}
