package mimir.memberlist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import mimir.memberlist.MemberlistMessages.KeyValue;
import mimir.memberlist.MemberlistMessages.Message;
import mimir.memberlist.MemberlistMessages.Type;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.Eventually;

/** Whatever arrives on the gossip port, the node closes that connection and goes on working. */
class TestMemberlistBadInput {
    private static final Duration CONVERGED = Duration.ofSeconds(10);
    /** Far below the time the node would need to read a message of the announced size. */
    private static final int CLOSED_WITHIN_MILLIS = 5_000;

    private TestingMemberlistNode a;
    private TestingMemberlistNode b;
    private TestingMemberlistNode late;

    @AfterEach
    void closeNodes() {
        for (TestingMemberlistNode node : new TestingMemberlistNode[] {late, b, a}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void garbageAndOversizedMessagesAreRejectedAndTheNodeKeepsWorking() throws Exception {
        // A stream timeout far beyond CLOSED_WITHIN_MILLIS: only the checks, not a timeout, can close in time.
        a = TestingMemberlistNode.start(TestingMemberlistNode.config("a").with(MemberlistConfig.STREAM_TIMEOUT, Duration.ofSeconds(30)));
        b = TestingMemberlistNode.start("b", a);

        assertClosedByNode(a.port(), "GET / HTTP/1.1\r\nHost: memberlist\r\n\r\n".getBytes(UTF_8));
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        assertClosedByNode(a.port(), noise);
        assertClosedByNode(a.port(), header(Integer.MAX_VALUE));
        assertClosedByNode(a.port(), header(MemberlistMessages.MAX_MESSAGE_BYTES + 1));
        assertClosedByNode(a.port(), header(-1));
        byte[] truncated = header(1_000);
        assertClosedByNode(a.port(), truncated, true);

        Eventually.assertThat(CONVERGED, () -> assertThat(a.counter("memberlist_tcp_transport_unknown_connections")).isEqualTo(6));
        a.cas("ring", current -> Counters.of("a", 1));
        Eventually.assertThat(CONVERGED, () -> assertThat(b.get("ring")).isEqualTo(Counters.of("a", 1)));
        late = TestingMemberlistNode.start("late", a);
        assertThat(late.get("ring")).isEqualTo(Counters.of("a", 1));
    }

    @Test
    void valueTheCodecCannotDecodeIsDroppedAndCounted() throws Exception {
        a = TestingMemberlistNode.start("a");
        MemberlistMember sender = new MemberlistMember("intruder", "127.0.0.1", 1, 1, 1, false);
        byte[] message = MemberlistMessages.encode(new Message(Type.GOSSIP, "", "intruder", List.of(sender),
                List.of(new KeyValue("ring", Counters.CODEC.id(), 0, "no equals sign".getBytes(UTF_8)))));

        try (Socket socket = new Socket("127.0.0.1", a.port())) {
            socket.getOutputStream().write(message);
        }

        Eventually.assertThat(CONVERGED, () -> assertThat(a.counter("memberlist_client_received_broadcasts_invalid")).isEqualTo(1));
        assertThat(a.get("ring")).isNull();
        a.cas("ring", current -> Counters.of("a", 1));
        assertThat(a.get("ring")).isEqualTo(Counters.of("a", 1));
    }

    @Test
    void silentConnectionIsClosedAfterTheStreamTimeout() throws Exception {
        a = TestingMemberlistNode.start(TestingMemberlistNode.config("a").with(MemberlistConfig.STREAM_TIMEOUT, Duration.ofMillis(200)));

        try (Socket socket = new Socket("127.0.0.1", a.port())) {
            socket.setSoTimeout(CLOSED_WITHIN_MILLIS);
            assertThat(readUntilClosed(socket.getInputStream())).isTrue();
        }
        Eventually.assertThat(CONVERGED, () -> assertThat(a.counter("memberlist_tcp_transport_unknown_connections")).isEqualTo(1));
    }

    /** A well-formed header announcing a gossip body of {@code length} bytes. */
    private static byte[] header(int length) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MemberlistMessages.MAGIC);
            out.writeByte(MemberlistMessages.VERSION);
            out.writeByte(1);
            out.writeInt(length);
        }
        return bytes.toByteArray();
    }

    private static void assertClosedByNode(int port, byte[] data) throws IOException {
        assertClosedByNode(port, data, false);
    }

    /** Sends {@code data} and checks that the node closes the connection soon, without an answer. */
    private static void assertClosedByNode(int port, byte[] data, boolean endOutput) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(CLOSED_WITHIN_MILLIS);
            socket.getOutputStream().write(data);
            socket.getOutputStream().flush();
            if (endOutput) {
                socket.shutdownOutput();
            }
            assertThat(readUntilClosed(socket.getInputStream())).as("connection closed by the node").isTrue();
        }
    }

    /** True once the peer has closed: end of stream, or a reset because our bytes were left unread. */
    private static boolean readUntilClosed(InputStream in) throws IOException {
        try {
            byte[] buffer = new byte[1024];
            while (true) {
                int read = in.read(buffer);
                if (read < 0) {
                    return true;
                }
                if (read > 0) {
                    fail("the node answered " + read + " bytes to bad input");
                }
            }
        }
        catch (SocketTimeoutException e) {
            return false;
        }
        catch (SocketException e) {
            return true;
        }
    }
}
