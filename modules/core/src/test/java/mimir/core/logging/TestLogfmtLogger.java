package mimir.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestLogfmtLogger {
    private static String format(String message) {
        StringBuilder line = new StringBuilder();
        LogfmtLogger.appendMessage(line, message);
        return line.toString();
    }

    @Test
    void textBecomesMsgAndPairsStayAsWritten() {
        assertThat(format("service running module=server service=http")).isEqualTo("msg=\"service running\" module=server service=http");
        assertThat(format("plain text only")).isEqualTo("msg=\"plain text only\"");
        assertThat(format("quote \"this\"\nnext")).isEqualTo("msg=\"quote \\\"this\\\"\\nnext\"");
    }
}
