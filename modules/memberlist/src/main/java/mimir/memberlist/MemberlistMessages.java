package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire format: one message per TCP connection (two for a push-pull: request and reply), written
 * with {@link DataOutputStream} (big-endian).
 *
 * <pre>
 * message  = magic:int32 ("MLJV") version:int8 (1) type:int8 length:int32 body[length]
 * body     = clusterLabel:utf sender:utf memberCount:int32 member* valueCount:int32 value*
 * member   = name:utf host:utf port:int32 incarnation:int64 heartbeat:int64 left:int8 (0|1)
 * value    = key:utf codecId:utf generation:int64 dataLength:int32 data[dataLength]
 * </pre>
 *
 * <p>{@code utf} is {@link DataOutputStream#writeUTF}. Types: 1 gossip (one way: recent changes and
 * the member list), 2 push-pull request and 3 push-pull reply (each the sender's full state). A value
 * of odd generation is a tombstone and has no data.
 *
 * <p>Reading trusts nothing: the magic and version are checked before anything else, the length
 * against {@link #MAX_MESSAGE_BYTES} before any allocation, and every count and length against the
 * bytes that remain; trailing bytes are an error too. Any violation is an
 * {@link InvalidMessageException}.
 */
final class MemberlistMessages {
    static final int MAGIC = 0x4D4C4A56;
    static final byte VERSION = 1;

    /**
     * The largest message accepted or sent, 100 MiB: a full state of a few rings is well below a
     * megabyte, so anything near this is a peer that is not speaking our protocol.
     */
    static final int MAX_MESSAGE_BYTES = 100 << 20;

    private static final int HEADER_BYTES = 10;
    // The smallest encodings, used to reject counts that cannot fit in the bytes that remain.
    private static final int MIN_MEMBER_BYTES = 2 + 2 + 4 + 8 + 8 + 1;
    private static final int MIN_VALUE_BYTES = 2 + 2 + 8 + 4;

    private MemberlistMessages() {}

    enum Type {
        GOSSIP,
        PUSH_PULL,
        PUSH_PULL_REPLY;

        byte code() {
            return (byte) (ordinal() + 1);
        }

        static Type of(int code) throws InvalidMessageException {
            Type[] types = values();
            if (code < 1 || code > types.length) {
                throw new InvalidMessageException("unknown message type " + code);
            }
            return types[code - 1];
        }
    }

    /**
     * One message.
     *
     * @param type         what it is
     * @param clusterLabel the sender's {@code -memberlist.cluster-label}
     * @param sender       the sender's node name
     * @param members      what the sender knows about members, itself included
     * @param values       values: recent changes (gossip) or everything (push-pull)
     */
    record Message(Type type, String clusterLabel, String sender, List<MemberlistMember> members, List<KeyValue> values) {
        Message {
            requireNonNull(type, "type is null");
            requireNonNull(clusterLabel, "clusterLabel is null");
            requireNonNull(sender, "sender is null");
            members = List.copyOf(members);
            values = List.copyOf(values);
        }
    }

    /**
     * One key's value as gossiped.
     *
     * @param key        the key
     * @param codecId    the {@link mimir.spi.kv.KvCodec#id()} of the value
     * @param generation see {@link MemberlistStore}: even for a value, odd for a tombstone
     * @param data       the encoded value; empty for a tombstone. Not copied: treated as immutable
     */
    record KeyValue(String key, String codecId, long generation, byte[] data) {
        KeyValue {
            requireNonNull(key, "key is null");
            requireNonNull(codecId, "codecId is null");
            requireNonNull(data, "data is null");
        }

        boolean isTombstone() {
            return (generation & 1) == 1;
        }
    }

    /** A message that is not one of ours: garbage, too large, truncated or inconsistent. */
    static final class InvalidMessageException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidMessageException(String message) {
            super(message);
        }
    }

    /**
     * The message as bytes, ready to be written.
     *
     * @throws InvalidMessageException if it would be larger than {@link #MAX_MESSAGE_BYTES}
     */
    static byte[] encode(Message message) throws InvalidMessageException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(message.type().code());
            out.writeInt(0); // length, patched below
            out.writeUTF(message.clusterLabel());
            out.writeUTF(message.sender());
            out.writeInt(message.members().size());
            for (MemberlistMember member : message.members()) {
                out.writeUTF(member.name());
                out.writeUTF(member.host());
                out.writeInt(member.port());
                out.writeLong(member.incarnation());
                out.writeLong(member.heartbeat());
                out.writeByte(member.left() ? 1 : 0);
            }
            out.writeInt(message.values().size());
            for (KeyValue value : message.values()) {
                out.writeUTF(value.key());
                out.writeUTF(value.codecId());
                out.writeLong(value.generation());
                out.writeInt(value.data().length);
                out.write(value.data());
                if (bytes.size() > MAX_MESSAGE_BYTES + HEADER_BYTES) {
                    break;
                }
            }
        }
        catch (IOException e) {
            // Only writeUTF can fail (a string over 64 KiB); the byte array stream itself cannot.
            throw new UncheckedIOException("cannot encode memberlist message: " + e.getMessage(), e);
        }
        byte[] result = bytes.toByteArray();
        int length = result.length - HEADER_BYTES;
        if (length > MAX_MESSAGE_BYTES) {
            throw new InvalidMessageException("message of more than " + MAX_MESSAGE_BYTES + " bytes (100 MiB) not sent");
        }
        result[6] = (byte) (length >>> 24);
        result[7] = (byte) (length >>> 16);
        result[8] = (byte) (length >>> 8);
        result[9] = (byte) length;
        return result;
    }

    /**
     * Reads one message from {@code input}, which the caller bounds in time (socket timeouts).
     *
     * @throws InvalidMessageException if the bytes are not a valid message
     * @throws EOFException if the stream ends before the header is complete
     */
    static Message read(InputStream input) throws IOException {
        DataInputStream in = new DataInputStream(input);
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new InvalidMessageException("not a memberlist message (bad magic 0x" + Integer.toHexString(magic) + ")");
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new InvalidMessageException("unsupported protocol version " + version);
        }
        Type type = Type.of(in.readUnsignedByte());
        int length = in.readInt();
        if (length < 0 || length > MAX_MESSAGE_BYTES) {
            throw new InvalidMessageException("message of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of "
                    + MAX_MESSAGE_BYTES + " bytes (100 MiB)");
        }
        // readNBytes grows its buffer with the bytes that actually arrive, so a peer that announces a
        // large message and sends little makes us allocate little.
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new InvalidMessageException("message truncated: " + body.length + " of " + length + " bytes");
        }
        try {
            return decodeBody(type, body);
        }
        catch (EOFException e) {
            throw new InvalidMessageException("message body ends early");
        }
    }

    private static Message decodeBody(Type type, byte[] body) throws IOException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(body);
        DataInputStream in = new DataInputStream(bytes);
        String clusterLabel = in.readUTF();
        String sender = in.readUTF();
        if (sender.isEmpty()) {
            throw new InvalidMessageException("no sender");
        }
        int memberCount = count(in.readInt(), bytes.available(), MIN_MEMBER_BYTES, "member");
        List<MemberlistMember> members = new ArrayList<>(memberCount);
        for (int i = 0; i < memberCount; i++) {
            String name = in.readUTF();
            String host = in.readUTF();
            int port = in.readInt();
            long incarnation = in.readLong();
            long heartbeat = in.readLong();
            int left = in.readUnsignedByte();
            if (name.isEmpty() || host.isEmpty() || port < 1 || port > 65_535 || left > 1) {
                throw new InvalidMessageException("invalid member record for \"" + name + "\"");
            }
            members.add(new MemberlistMember(name, host, port, incarnation, heartbeat, left == 1));
        }
        int valueCount = count(in.readInt(), bytes.available(), MIN_VALUE_BYTES, "value");
        List<KeyValue> values = new ArrayList<>(valueCount);
        for (int i = 0; i < valueCount; i++) {
            String key = in.readUTF();
            String codecId = in.readUTF();
            long generation = in.readLong();
            int dataLength = in.readInt();
            if (dataLength < 0 || dataLength > bytes.available()) {
                throw new InvalidMessageException("value of key \"" + key + "\" claims " + dataLength + " bytes, " + bytes.available() + " remain");
            }
            if (key.isEmpty() || codecId.isEmpty() || generation < 0 || ((generation & 1) == 1 && dataLength != 0)) {
                throw new InvalidMessageException("invalid value record for key \"" + key + "\"");
            }
            values.add(new KeyValue(key, codecId, generation, in.readNBytes(dataLength)));
        }
        if (bytes.available() != 0) {
            throw new InvalidMessageException(bytes.available() + " bytes after the end of the message");
        }
        return new Message(type, clusterLabel, sender, members, values);
    }

    private static int count(int count, int remaining, int minimumRecordBytes, String what) throws InvalidMessageException {
        if (count < 0 || (long) count * minimumRecordBytes > remaining) {
            throw new InvalidMessageException("message claims " + count + " " + what + " records in " + remaining + " bytes");
        }
        return count;
    }
}
