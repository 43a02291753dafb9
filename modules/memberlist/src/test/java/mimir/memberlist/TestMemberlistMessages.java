package mimir.memberlist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import mimir.memberlist.MemberlistMessages.InvalidMessageException;
import mimir.memberlist.MemberlistMessages.KeyValue;
import mimir.memberlist.MemberlistMessages.Message;
import mimir.memberlist.MemberlistMessages.Type;

/** The wire format: what is written is read back, and what is not a message is rejected before it costs anything. */
class TestMemberlistMessages {
    private static final MemberlistMember MEMBER = new MemberlistMember("node-1", "10.0.0.1", 7946, 1700000000000L, 42, false);

    @Test
    void messageRoundTrips() throws IOException {
        Message message = new Message(Type.PUSH_PULL, "prod", "node-1", List.of(MEMBER, MEMBER.leaving()),
                List.of(new KeyValue("collectors/ring", "ringDesc", 2, "value".getBytes(UTF_8)), new KeyValue("gone", "ringDesc", 3, new byte[0])));

        Message read = MemberlistMessages.read(new ByteArrayInputStream(MemberlistMessages.encode(message)));

        assertThat(read.type()).isEqualTo(Type.PUSH_PULL);
        assertThat(read.clusterLabel()).isEqualTo("prod");
        assertThat(read.sender()).isEqualTo("node-1");
        assertThat(read.members()).containsExactly(MEMBER, MEMBER.leaving());
        assertThat(read.values()).hasSize(2);
        assertThat(read.values().get(0).key()).isEqualTo("collectors/ring");
        assertThat(read.values().get(0).data()).asString(UTF_8).isEqualTo("value");
        assertThat(read.values().get(1).isTombstone()).isTrue();
    }

    @Test
    void oversizedMessageIsRejectedNamingTheLimit() throws IOException {
        byte[] header = MemberlistMessages.encode(new Message(Type.GOSSIP, "", "node-1", List.of(), List.of()));
        header[6] = 0x7f;
        header[7] = (byte) 0xff;
        header[8] = (byte) 0xff;
        header[9] = (byte) 0xff;

        assertThatExceptionOfType(InvalidMessageException.class)
                .isThrownBy(() -> MemberlistMessages.read(new ByteArrayInputStream(header)))
                .withMessage("message of 2147483647 bytes exceeds the limit of 104857600 bytes (100 MiB)");
    }

    @Test
    void truncatedMessageIsRejected() throws IOException {
        byte[] whole = MemberlistMessages.encode(new Message(Type.GOSSIP, "", "node-1", List.of(MEMBER), List.of()));

        assertThatExceptionOfType(InvalidMessageException.class)
                .isThrownBy(() -> MemberlistMessages.read(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 1))))
                .withMessageContaining("truncated");
    }

    @Test
    void countThatCannotFitIsRejectedBeforeAllocating() throws IOException {
        byte[] message = MemberlistMessages.encode(new Message(Type.GOSSIP, "", "node-1", List.of(), List.of()));
        // The member count follows the header (10 bytes), the empty label (2) and the sender (2 + 6).
        int countOffset = 10 + 2 + 2 + "node-1".length();
        message[countOffset] = 0x7f;

        assertThatExceptionOfType(InvalidMessageException.class)
                .isThrownBy(() -> MemberlistMessages.read(new ByteArrayInputStream(message)))
                .withMessageContaining("member records");
    }

    @Test
    void tombstoneWithDataIsRejected() throws IOException {
        byte[] message = MemberlistMessages.encode(new Message(Type.GOSSIP, "", "node-1", List.of(),
                List.of(new KeyValue("k", "ringDesc", 1, "x".getBytes(UTF_8)))));

        assertThatExceptionOfType(InvalidMessageException.class)
                .isThrownBy(() -> MemberlistMessages.read(new ByteArrayInputStream(message)))
                .withMessageContaining("invalid value record");
    }

    @Test
    void unknownTypeAndVersionAreRejected() throws IOException {
        byte[] message = MemberlistMessages.encode(new Message(Type.GOSSIP, "", "node-1", List.of(), List.of()));
        byte[] badType = message.clone();
        badType[5] = 9;
        byte[] badVersion = message.clone();
        badVersion[4] = 2;

        assertThatExceptionOfType(InvalidMessageException.class)
                .isThrownBy(() -> MemberlistMessages.read(new ByteArrayInputStream(badType)))
                .withMessage("unknown message type 9");
        assertThatExceptionOfType(InvalidMessageException.class)
                .isThrownBy(() -> MemberlistMessages.read(new ByteArrayInputStream(badVersion)))
                .withMessage("unsupported protocol version 2");
    }
}
