package mimir.ingester.client;

import java.time.Duration;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * Mimir's {@code -ingester.client.*} flags, shared by the distributor and the querier: both register the
 * same setting objects, which the launcher accepts once.
 */
public final class IngesterClientSettings {
    public static final Setting<Integer> MAX_RECV_MSG_SIZE = Setting.advanced("ingester.client.grpc-max-recv-msg-size",
            "ingester_client.grpc_client_config.max_recv_msg_size", ValueTypes.INT, GrpcIngesterClientConfig.DEFAULT_MAX_MESSAGE_SIZE,
            "gRPC client max receive message size (bytes).");
    public static final Setting<Integer> MAX_SEND_MSG_SIZE = Setting.advanced("ingester.client.grpc-max-send-msg-size",
            "ingester_client.grpc_client_config.max_send_msg_size", ValueTypes.INT, GrpcIngesterClientConfig.DEFAULT_MAX_MESSAGE_SIZE,
            "gRPC client max send message size (bytes).");

    private IngesterClientSettings() {}

    public static void register(ConfigRegistry registry) {
        registry.register(MAX_RECV_MSG_SIZE);
        registry.register(MAX_SEND_MSG_SIZE);
    }

    /** The client settings with the caller's deadlines (the distributor's push timeout, the querier's query timeout). */
    public static GrpcIngesterClientConfig read(ConfigValues values, Duration pushTimeout, Duration queryTimeout) {
        return new GrpcIngesterClientConfig(values.get(MAX_RECV_MSG_SIZE), values.get(MAX_SEND_MSG_SIZE), pushTimeout, queryTimeout);
    }
}
