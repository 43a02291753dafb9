package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of a {@link GrpcIngesterClient}, with Mimir's defaults. The distributor and the querier
 * bind them to their flags.
 *
 * @param maxReceiveMessageSize largest message accepted from the ingester, bytes (Mimir's
 *                              {@code -ingester.client.grpc-max-recv-msg-size}, 100 MiB)
 * @param maxSendMessageSize    largest push sent to the ingester, bytes; a larger one fails with a
 *                              413 before it is sent (Mimir's {@code -ingester.client.grpc-max-send-msg-size},
 *                              100 MiB)
 * @param pushTimeout           deadline of a push (Mimir's {@code -distributor.remote-timeout}, 2 s)
 * @param queryTimeout          deadline of every read call; for {@code QueryStream} it covers the
 *                              whole stream, however slowly the caller reads it (Mimir's
 *                              {@code -querier.timeout}, 2 m)
 */
public record GrpcIngesterClientConfig(int maxReceiveMessageSize, int maxSendMessageSize, Duration pushTimeout, Duration queryTimeout) {
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 100 << 20;

    public GrpcIngesterClientConfig {
        requireNonNull(pushTimeout, "pushTimeout is null");
        requireNonNull(queryTimeout, "queryTimeout is null");
        if (maxReceiveMessageSize <= 0 || maxSendMessageSize <= 0) {
            throw new IllegalArgumentException("message sizes must be positive: " + maxReceiveMessageSize + ", " + maxSendMessageSize);
        }
        if (!pushTimeout.isPositive() || !queryTimeout.isPositive()) {
            throw new IllegalArgumentException("timeouts must be positive: " + pushTimeout + ", " + queryTimeout);
        }
    }

    /** Mimir's defaults: 100 MiB messages both ways, 2 s per push, 2 m per read. */
    public static GrpcIngesterClientConfig defaults() {
        return new GrpcIngesterClientConfig(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE, Duration.ofSeconds(2), Duration.ofMinutes(2));
    }

    public GrpcIngesterClientConfig withMaxReceiveMessageSize(int bytes) {
        return new GrpcIngesterClientConfig(bytes, maxSendMessageSize, pushTimeout, queryTimeout);
    }

    public GrpcIngesterClientConfig withMaxSendMessageSize(int bytes) {
        return new GrpcIngesterClientConfig(maxReceiveMessageSize, bytes, pushTimeout, queryTimeout);
    }

    public GrpcIngesterClientConfig withPushTimeout(Duration timeout) {
        return new GrpcIngesterClientConfig(maxReceiveMessageSize, maxSendMessageSize, timeout, queryTimeout);
    }

    public GrpcIngesterClientConfig withQueryTimeout(Duration timeout) {
        return new GrpcIngesterClientConfig(maxReceiveMessageSize, maxSendMessageSize, pushTimeout, timeout);
    }
}
