package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of a {@link GrpcStoreGatewayClient}. Mimir exposes none of these as flags ("we prefer sane
 * defaults", {@code pkg/querier/store_gateway_client.go}; its {@code -querier.store-gateway-client.*}
 * flags are TLS only), so neither do we: the querier passes Mimir's fixed sizes and its own
 * {@code -querier.timeout}.
 *
 * @param maxReceiveMessageSize largest message accepted from a store-gateway, bytes (Mimir: 100 MiB)
 * @param maxSendMessageSize    largest request sent, bytes (Mimir: 16 MiB)
 * @param timeout               deadline of every call; for {@code Series} it covers the whole stream
 */
public record GrpcStoreGatewayClientConfig(int maxReceiveMessageSize, int maxSendMessageSize, Duration timeout) {
    public GrpcStoreGatewayClientConfig {
        requireNonNull(timeout, "timeout is null");
        if (maxReceiveMessageSize <= 0 || maxSendMessageSize <= 0) {
            throw new IllegalArgumentException("message sizes must be positive: " + maxReceiveMessageSize + ", " + maxSendMessageSize);
        }
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** Mimir's sizes (100 MiB in, 16 MiB out) with {@code timeout}. */
    public static GrpcStoreGatewayClientConfig withTimeout(Duration timeout) {
        return new GrpcStoreGatewayClientConfig(100 << 20, 16 << 20, timeout);
    }
}
